package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.testing.SampleOperations;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.port.Reporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A server restore's end goes into the history with its measured recovery time, succeeded or failed. */
class RestoreEventsTest {
    static final Instant REQUESTED = Instant.parse("2024-01-15T15:00:00Z");

    static List<HistoryEntry> report(Operation op) {
        List<HistoryEntry> entries = new ArrayList<>();
        RestoreEvents.serverFinished(op, new Reporter.Forwarding(Reporter.NONE) {
            @Override
            public void history(HistoryEntry entry) {
                entries.add(entry);
            }
        });
        return entries;
    }

    static Operation started(OperationKind kind) {
        Operation pitr = SampleOperations.pointInTime("shiftsync-db-restored", REQUESTED);
        return new Operation(pitr.schema(), pitr.id(), kind, pitr.status(), pitr.target(), "ana@vm", REQUESTED, null,
                REQUESTED, null, null, pitr.state()).started(REQUESTED.plusSeconds(2), pitr.state());
    }

    @Test
    @DisplayName("a point-in-time restore that succeeded: one server-restore entry, its recovery time from request to end")
    void succeeded() {
        Operation started = started(OperationKind.POINT_IN_TIME);
        Operation op = started.succeeded(REQUESTED.plus(Duration.ofMinutes(41)), started.state());
        List<HistoryEntry> entries = report(op);
        assertEquals(1, entries.size());
        HistoryEntry e = entries.get(0);
        assertEquals(HistoryEntry.SERVER_RESTORE, e.kind());
        assertEquals(op.id(), e.id());
        assertEquals(REQUESTED.plus(Duration.ofMinutes(41)), e.time());
        assertEquals(41 * 60_000L, e.recoveryMs());
        assertEquals("succeeded", e.result());
        assertEquals(Map.of("method", "point-in-time", "target", "shiftsync-db-restored"), e.details());
        assertNull(e.reason());
    }

    @Test
    @DisplayName("a geo-restore Azure failed: failed, with Resource Manager's code and message")
    void failed() {
        Operation op = started(OperationKind.GEO).failed(REQUESTED.plus(Duration.ofMinutes(9)),
                new Operation.Failure("ServerRestoreFailed", "the geo-backup is not available yet"));
        HistoryEntry e = report(op).get(0);
        assertEquals("failed", e.result());
        assertEquals("the geo-backup is not available yet", e.reason());
        assertEquals("ServerRestoreFailed", e.details().get("upstreamCode"));
        assertEquals("geo", e.details().get("method"));
        assertEquals(9 * 60_000L, e.recoveryMs());
    }
}
