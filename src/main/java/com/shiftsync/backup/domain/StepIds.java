package com.shiftsync.backup.domain;

import java.util.Locale;

/**
 * How the steps of an operation's state are written in its record: the constant's name in
 * lower case ({@code RESTORING} is {@code "restoring"}), read back strictly: a step this
 * version does not know makes the record unreadable, never a guess.
 */
final class StepIds {
    private StepIds() {
    }

    static String id(Enum<?> step) {
        return step.name().toLowerCase(Locale.ROOT);
    }

    /** @param what for the message: "drill step", "completion stage" */
    static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        for (E e : type.getEnumConstants()) {
            if (id(e).equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + text + "'");
    }
}
