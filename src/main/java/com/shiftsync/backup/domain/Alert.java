package com.shiftsync.backup.domain;

import java.util.Objects;

/**
 * Something an operator must look at: a stable code, the tier it concerns (null when it
 * concerns all of them) and one sentence a person can act on.
 *
 * @param code   what kind of problem
 * @param tier   the tier, or null
 * @param reason what is wrong, with the ids, sizes and dates that show it
 */
public record Alert(AlertCode code, Tier tier, String reason) {
    public Alert {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        reason = Redaction.redact(reason);
    }

    /** One per alert, whatever raised it: {@code code}, {@code tier}, {@code reason}, {@code source}. */
    public static final String EVENT = "ShiftSync.Alert";

    /** {"event":"ShiftSync.Alert","code":"backup-missing","tier":"daily","reason":...,"source":...} (WARNING). */
    public Event event(String source) {
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("code", code.id());
        f.put("tier", tier == null ? null : tier.folder());
        f.put("reason", reason);
        f.put("source", source);
        return Event.warning(EVENT, f);
    }

    @Override
    public String toString() {
        return code + (tier == null ? "" : " [" + tier + "]") + ": " + reason;
    }
}
