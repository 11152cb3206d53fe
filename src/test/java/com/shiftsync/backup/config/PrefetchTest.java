package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.ShiftSyncException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrefetchTest {

    @Test
    @DisplayName("a value built ahead is the value got, built once")
    void builtOnce() {
        AtomicInteger builds = new AtomicInteger();
        Object value = new Object();
        Supplier<Object> soon = Prefetch.of(Once.of(() -> {
            builds.incrementAndGet();
            return value;
        }));
        assertSame(value, soon.get());
        assertSame(value, soon.get());
        assertEquals(1, builds.get());
    }

    @Test
    @DisplayName("a build that fails fails the caller with its own error, whenever the caller asks")
    void failureIsTheCallers() {
        Supplier<Object> soon = Prefetch.of(Once.of(() -> {
            throw ShiftSyncException.badInput("AZURE_STORAGE_CONNECTION_STRING is not a storage connection string");
        }));
        ShiftSyncException e = assertThrows(ShiftSyncException.class, soon::get);
        assertEquals("AZURE_STORAGE_CONNECTION_STRING is not a storage connection string", e.getMessage());
    }
}
