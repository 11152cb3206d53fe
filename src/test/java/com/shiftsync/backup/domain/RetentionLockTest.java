package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How long a backup stays locked, and when prune extends the lock of one it keeps. */
class RetentionLockTest {
    static final RetentionLock LOCK = RetentionLock.of(RetentionPolicy.of(30, 7, 1, 0, 0, 0));
    static final Instant START = Instant.parse("2024-01-15T02:00:07Z");

    @Test
    @DisplayName("a new backup is locked until its tier's retention ends, plus the hour's margin")
    void until() {
        Instant committed = START.plus(Duration.ofMinutes(12)).plusMillis(345);
        assertEquals(Instant.parse("2024-02-14T03:00:07Z"), LOCK.until(Tier.DAILY, START, committed));
        assertEquals(Instant.parse("2024-02-14T03:00:07Z"), LOCK.until(Tier.MANUAL, START, committed));
        assertEquals(Instant.parse("2024-01-22T03:00:07Z"), LOCK.until(Tier.WEEKLY, START, committed));
    }

    @Test
    @DisplayName("a copy of a backup already past its retention is locked for the margin from now (Azure refuses past "
            + "dates), never less")
    void copiedLate() {
        Instant now = Instant.parse("2024-03-01T10:20:30.5Z");
        assertEquals(Instant.parse("2024-03-01T11:20:30Z"), LOCK.until(Tier.DAILY, START, now));
    }

    @Test
    @DisplayName("inside its retention: locked to the end of it when a blob has no lock or a shorter one, else left")
    void renewalInsideRetention() {
        Instant now = START.plus(Duration.ofDays(3));
        Instant due = Instant.parse("2024-02-14T03:00:07Z");
        assertEquals(Optional.of(due), LOCK.renewal(Tier.DAILY, START, null, now));
        assertEquals(Optional.of(due), LOCK.renewal(Tier.DAILY, START, due.minusSeconds(1), now));
        assertEquals(Optional.empty(), LOCK.renewal(Tier.DAILY, START, due, now));
    }

    @Test
    @DisplayName("kept past its retention: one more retention period from now, once less than half of one remains")
    void renewalPastRetention() {
        Instant now = Instant.parse("2024-03-20T09:30:00Z");
        Instant extended = Instant.parse("2024-04-19T10:30:00Z");
        assertEquals(Optional.of(extended), LOCK.renewal(Tier.DAILY, START, Instant.parse("2024-02-14T03:00:07Z"), now));
        assertEquals(Optional.of(extended), LOCK.renewal(Tier.DAILY, START, null, now));
        assertEquals(Optional.of(extended), LOCK.renewal(Tier.DAILY, START, now.plus(Duration.ofDays(14)), now));
        assertEquals(Optional.empty(), LOCK.renewal(Tier.DAILY, START, now.plus(Duration.ofDays(15)), now));
        assertEquals(Optional.empty(), LOCK.renewal(Tier.DAILY, START, extended, now));
    }
}
