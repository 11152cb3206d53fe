package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.BackupCompression;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** BACKUP_COMPRESSION and RESTORE_JOBS as settings: their defaults, and bad values refused by name. */
class DumpSettingsTest {
    @Test
    @DisplayName("unset: compression auto, restore jobs one per core (at least 1, at most 32)")
    void defaults() {
        DumpSettings d = DumpSettings.from(new Settings(Map.of()), 2);
        assertEquals(BackupCompression.AUTO, d.compression());
        assertEquals(2, d.restoreJobs());
        assertEquals(32, DumpSettings.from(new Settings(Map.of()), 64).restoreJobs());
        assertEquals(1, DumpSettings.from(new Settings(Map.of()), 0).restoreJobs());
    }

    @Test
    @DisplayName("RESTORE_JOBS takes auto or 1 to 32; anything else is refused in one sentence naming it")
    void restoreJobs() {
        assertEquals(7, DumpSettings.from(new Settings(Map.of("RESTORE_JOBS", "7")), 2).restoreJobs());
        assertEquals(4, DumpSettings.from(new Settings(Map.of("RESTORE_JOBS", "AUTO")), 4).restoreJobs());
        for (String bad : List.of("0", "33", "many", "-1")) {
            ShiftSyncException e = assertThrows(ShiftSyncException.class,
                    () -> DumpSettings.from(new Settings(Map.of("RESTORE_JOBS", bad)), 2), bad);
            assertEquals(ErrorCode.BAD_INPUT, e.code());
            assertEquals("RESTORE_JOBS is '" + bad + "'; use auto (one job per core) or a whole number from 1 to 32",
                    e.getMessage());
        }
    }

    @Test
    @DisplayName("BACKUP_COMPRESSION is read from the environment and refused by name")
    void compression() {
        assertEquals("zstd:3", DumpSettings.from(new Settings(Map.of("BACKUP_COMPRESSION", "zstd:3")), 2)
                .compression().text());
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> DumpSettings.from(new Settings(Map.of("BACKUP_COMPRESSION", "xz")), 2));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertEquals("BACKUP_COMPRESSION is 'xz' ('xz' is not a compression); use auto, gzip[:1-9], zstd[:1-22], "
                + "lz4[:1-12] or none", e.getMessage());
    }
}
