package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Which schedule made a backup; retention and monitoring treat each tier on its own. */
public enum Tier {
    DAILY, WEEKLY, MANUAL;

    /** The folder (local) or blob prefix (Azure) of this tier, and its name on the command line. */
    @JsonValue
    public String folder() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Tier parse(String text) {
        for (Tier tier : values()) {
            if (tier.folder().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return tier;
            }
        }
        throw new ShiftSyncException(ErrorCode.BAD_INPUT,
                "unknown tier '" + text + "': use daily, weekly or manual");
    }

    @Override
    public String toString() {
        return folder();
    }
}
