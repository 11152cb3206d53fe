package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupIdTest {

    @Test
    @DisplayName("ids follow the guide's naming, in UTC, to the second")
    void naming() {
        BackupId id = BackupId.of("shiftsync", Instant.parse("2024-01-15T02:00:00.987Z"));
        assertEquals("shiftsync_backup_20240115_020000", id.toString());
        assertEquals("shiftsync_backup_20240115_020000.dump", id.archiveName());
        assertEquals("shiftsync_backup_20240115_020000.manifest.json", id.manifestName());
        assertEquals(id, BackupId.parse("shiftsync_backup_20240115_020000"));
        assertEquals(Instant.parse("2024-01-15T02:00:00Z"), id.startedAt());
    }

    @Test
    @DisplayName("database names with underscores, and names unsafe for files, give parseable ids")
    void labels() {
        assertEquals("shift_sync_prod", BackupId.parse("shift_sync_prod_backup_20240115_020000").label());
        BackupId odd = BackupId.of("Café db/1", Instant.parse("2024-01-15T02:00:00Z"));
        assertEquals("Caf--db-1_backup_20240115_020000", odd.toString());
        assertEquals(odd, BackupId.parse(odd.toString()));
    }

    @Test
    @DisplayName("anything else is refused with an example of the right form")
    void refusals() {
        for (String bad : List.of("", "latest", "shiftsync_backup_2024", "shiftsync_backup_20241315_020000",
                "../etc_backup_20240115_020000", "x_backup_20240115_020000.dump")) {
            ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> BackupId.parse(bad));
            assertEquals(ErrorCode.BAD_INPUT, e.code());
            assertTrue(e.getMessage().contains("shiftsync_backup_20240115_020000")
                    || e.getMessage().contains("impossible date"), e.getMessage());
        }
        assertFalse(BackupId.isValid("nope"));
    }

    @Test
    @DisplayName("ids sort newest first")
    void order() {
        BackupId a = BackupId.parse("db_backup_20240101_000000");
        BackupId b = BackupId.parse("db_backup_20240102_000000");
        List<BackupId> ids = new ArrayList<>(List.of(a, b));
        Collections.sort(ids);
        assertEquals(List.of(b, a), ids);
    }

    @Test
    @DisplayName("records are named <id>.<kind>.json and never shadow the manifest")
    void records() {
        BackupId id = BackupId.parse("db_backup_20240101_000000");
        assertEquals("db_backup_20240101_000000.verification.json", id.recordName("verification"));
        assertThrows(IllegalArgumentException.class, () -> id.recordName("manifest"));
        assertThrows(IllegalArgumentException.class, () -> id.recordName("../x"));
    }
}
