package com.shiftsync.backup.store;

import com.shiftsync.backup.adapter.local.LocalAuditLog;
import com.shiftsync.backup.port.AuditLog;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalAuditLogIT extends AuditLogContract {
    @TempDir
    Path dir;

    @Override
    protected AuditLog log() {
        return new LocalAuditLog(dir.resolve("audit"));
    }

    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.DisplayName("the day's file is audit/<yyyy>/<MM>/<dd>.jsonl")
    void layout() {
        log().append(record(Instant.parse("2024-03-09T10:00:00Z"), "accepted", "t-x"));
        assertTrue(Files.exists(dir.resolve("audit/2024/03/09.jsonl")));
    }
}
