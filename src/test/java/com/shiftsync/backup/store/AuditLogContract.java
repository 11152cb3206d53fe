package com.shiftsync.backup.store;

import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.port.AuditLog;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of every {@link AuditLog}: append-only JSON lines, one file or blob per UTC day. */
abstract class AuditLogContract {
    static final Caller ANA = new Caller("oid-1", "ana@shiftsync.test", Caller.EASY_AUTH, Set.of("Backup.Admin"));

    protected abstract AuditLog log();

    static AuditRecord record(Instant time, String decision, String target) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("targetServerName", target);
        p.put("restorePointInTime", "2024-01-15T10:30:00Z");
        return new AuditRecord(time, AuditRecord.AuditCaller.of(ANA), "restore.point-in-time", p, decision,
                AuditRecord.ACCEPTED.equals(decision) ? "0f8fad5b-d9cb-469f-a165-70867728950e" : null,
                AuditRecord.ACCEPTED.equals(decision) ? "started operation 0f8fad5b-d9cb-469f-a165-70867728950e"
                        : "restorePointInTime is in the future", AuditRecord.ACCEPTED.equals(decision) ? null
                        : "bad-input", null);
    }

    @Test
    @DisplayName("records read back in order, per UTC day; an empty day is an empty list")
    void appendAndRead() {
        AuditLog log = log();
        AuditRecord a = record(Instant.parse("2024-01-15T23:59:59Z"), AuditRecord.ACCEPTED, "t-one");
        AuditRecord b = record(Instant.parse("2024-01-16T00:00:00Z"), AuditRecord.REFUSED, "t-two");
        AuditRecord c = record(Instant.parse("2024-01-16T08:00:00Z"), AuditRecord.DENIED, "t-three");
        log.append(a);
        log.append(b);
        log.append(c);
        assertEquals(List.of(a), log().read(LocalDate.parse("2024-01-15")));
        assertEquals(List.of(b, c), log().read(LocalDate.parse("2024-01-16")));
        assertEquals(List.of(), log().read(LocalDate.parse("2024-01-17")));
    }

    @Test
    @DisplayName("no secret reaches the log, whatever a caller typed into a parameter")
    void redacted() {
        String secret = "Sup3r-Secret-Pa55";
        Redaction.register(secret);
        AuditRecord r = new AuditRecord(Instant.parse("2024-02-01T10:00:00Z"), AuditRecord.AuditCaller.of(ANA),
                "restore.point-in-time", Map.of("targetServerName", "postgresql://u:" + secret + "@h/db",
                "note", "password=" + secret + "\nnext line"), AuditRecord.REFUSED, null,
                "server name 'postgresql://u:" + secret + "@h/db' is bad", "bad-input", null);
        log().append(r);
        AuditRecord back = log().read(LocalDate.parse("2024-02-01")).get(0);
        String all = back.toJsonLine();
        assertFalse(all.contains(secret), all);
        assertFalse(back.parameters().get("note").contains("\n"));
        assertTrue(all.contains(Redaction.MASK));
    }
}
