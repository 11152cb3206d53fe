package com.shiftsync.backup.audit;

import com.shiftsync.backup.access.CallerCheck;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.AuditLog;
import com.shiftsync.backup.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AuditTrailTest {
    static final Caller ANA = new Caller("oid-1", "ana", Caller.EASY_AUTH, Set.of("Backup.Admin"));
    final List<AuditRecord> records = new ArrayList<>();
    boolean broken;
    final AuditLog log = new AuditLog() {
        @Override
        public void append(AuditRecord record) {
            if (broken) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "storage down");
            }
            records.add(record);
        }

        @Override
        public List<AuditRecord> read(LocalDate day) {
            return records;
        }

        @Override
        public String describe() {
            return "memory";
        }
    };
    final AuditTrail trail = new AuditTrail(log, new MutableClock(Instant.parse("2024-01-15T12:00:00Z")));
    final Map<String, String> params = Map.of("targetServerName", "t-one");

    @Test
    @DisplayName("accepted: one record with the caller, the parameters and the operation id")
    void accepted() {
        String id = trail.perform("restore.geo", params, CallerCheck.known(ANA), c -> "op-1", s -> s);
        assertEquals("op-1", id);
        assertEquals(1, records.size());
        AuditRecord r = records.get(0);
        assertEquals(AuditRecord.ACCEPTED, r.decision());
        assertEquals("oid-1", r.caller().id());
        assertEquals("op-1", r.operationId());
        assertEquals(params, r.parameters());
    }

    @Test
    @DisplayName("refused, denied, failed: one record each, and the caller still gets the error")
    void refusals() {
        assertThrows(ShiftSyncException.class, () -> trail.perform("restore.geo", params, CallerCheck.known(ANA),
                c -> {
                    throw ShiftSyncException.badInput("location is missing");
                }, s -> "x"));
        CallerCheck nobody = new CallerCheck() {
            @Override
            public Caller verify() {
                throw new ShiftSyncException(ErrorCode.UNAUTHENTICATED, "sign in");
            }

            @Override
            public Optional<Caller> claimed() {
                return Optional.empty();
            }
        };
        assertThrows(ShiftSyncException.class, () -> trail.perform("restore.geo", params, nobody, c -> "x", s -> s));
        assertThrows(ShiftSyncException.class, () -> trail.perform("restore.geo", params, CallerCheck.known(ANA),
                c -> {
                    throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, "ARM 500", "InternalServerError", null);
                }, s -> "x"));
        assertEquals(List.of(AuditRecord.REFUSED, AuditRecord.DENIED, AuditRecord.FAILED),
                records.stream().map(AuditRecord::decision).toList());
        assertEquals("anonymous", records.get(1).caller().id());
        assertEquals("InternalServerError", records.get(2).upstreamCode());
    }

    @Test
    @DisplayName("an audit log that cannot be written does not undo a started restore")
    void brokenLog() {
        broken = true;
        assertEquals("op-2", trail.perform("restore.geo", params, CallerCheck.known(ANA), c -> "op-2", s -> s));
    }
}
