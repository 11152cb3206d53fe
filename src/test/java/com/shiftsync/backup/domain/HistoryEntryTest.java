package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One history line: compact, read back as written, an open set of kinds, no secret, no essay. */
class HistoryEntryTest {
    static final Instant T = Instant.parse("2024-03-20T02:00:42Z");

    @Test
    @DisplayName("a backup's line: the figures it has and nothing empty, read back equal")
    void compactLine() {
        HistoryEntry e = HistoryEntry.of(T, HistoryEntry.BACKUP, "shiftsync_backup_20240320_020000", "daily", true)
                .withSize(123_456L).withDuration(42_000L).withRowTotal(3_863L).withDetail("stores", List.of("azure"))
                .withDetail("ignored", null);
        assertEquals("{\"time\":\"2024-03-20T02:00:42Z\",\"kind\":\"backup\",\"id\":\"shiftsync_backup_20240320_020000\","
                + "\"tier\":\"daily\",\"result\":\"succeeded\",\"sizeBytes\":123456,\"durationMs\":42000,"
                + "\"rowTotal\":3863,\"details\":{\"stores\":[\"azure\"]}}", e.toJsonLine());
        assertEquals(e, HistoryEntry.read(e.toJsonLine()));
        assertTrue(e.toJsonLine().length() < 250, "a few KB a month");
    }

    @Test
    @DisplayName("kinds are an open set of lowercase words (recovery, drill, or one not yet thought of); results are "
            + "succeeded or failed")
    void kinds() {
        assertEquals("drill", HistoryEntry.of(T, "drill", "op", null, true).kind());
        assertEquals("cutover-check", HistoryEntry.of(T, "cutover-check", "op", null, false).kind());
        assertThrows(IllegalArgumentException.class, () -> HistoryEntry.of(T, "Drill", "op", null, true));
        assertThrows(IllegalArgumentException.class, () -> HistoryEntry.of(T, "a b", "op", null, true));
        assertThrows(IllegalArgumentException.class, () -> new HistoryEntry(T, "drill", "op", null, "passed", null, null,
                null, null, null, Map.of()));
        assertEquals("failed", HistoryEntry.read("{\"time\":\"2024-03-20T02:00:42Z\",\"kind\":\"drill\","
                + "\"result\":\"failed\",\"stepsMs\":{\"restoring\":1}}").result(), "unknown fields tolerated");
    }

    @Test
    @DisplayName("a reason is redacted and kept short")
    void reason() {
        HistoryEntry e = HistoryEntry.of(T, HistoryEntry.RESTORE, "x", null, false)
                .withReason("could not connect to postgresql://app:s3cret-pw@db:5432/shiftsync " + "x".repeat(600));
        assertFalse(e.reason().contains("s3cret-pw"), e.reason());
        assertEquals(400, e.reason().length());
        assertTrue(e.reason().endsWith("…"));
    }

    @Test
    @DisplayName("a refusal (not found, conflict, no access) is not an outcome; a failed run is, bad settings included")
    void outcomes() {
        assertFalse(HistoryEntry.isOutcome(new ShiftSyncException(ErrorCode.NOT_FOUND, "no such backup")));
        assertFalse(HistoryEntry.isOutcome(new ShiftSyncException(ErrorCode.CONFLICT, "exists")));
        assertTrue(HistoryEntry.isOutcome(new ShiftSyncException(ErrorCode.JOB_FAILED, "pg_restore failed")));
        assertTrue(HistoryEntry.isOutcome(ShiftSyncException.badInput("DATABASE_URL is not set")));
        assertTrue(HistoryEntry.isOutcome(new IllegalStateException("boom")));
    }
}
