package com.shiftsync.backup.config;

import java.util.function.Supplier;

/** A value built on first use, then kept; a build that fails is tried again next time (a setting may be fixed). */
final class Once {
    private Once() {
    }

    static <T> Supplier<T> of(Supplier<T> build) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = build.get();
                }
                return value;
            }
        };
    }
}
