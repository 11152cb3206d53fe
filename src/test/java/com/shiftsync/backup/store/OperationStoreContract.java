package com.shiftsync.backup.store;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ServerRestoreState;
import com.shiftsync.backup.testing.SampleOperations;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.OperationStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of every {@link OperationStore}, run against its real medium (a folder, Azurite). */
abstract class OperationStoreContract {
    static final Instant T0 = Instant.parse("2024-01-15T12:00:00Z");
    static final Caller ANA = new Caller("oid-1", "ana@shiftsync.test", Caller.EASY_AUTH, Set.of("Backup.Admin"));

    /** A store over the same medium every time it is called (as a restarted app would build it). */
    protected abstract OperationStore store();

    static Operation sample(OperationKind kind) {
        return switch (kind) {
            case FROM_BACKUP -> SampleOperations.dumpRestore("shiftsync_restored", T0);
            case DRILL -> SampleOperations.drill("shiftsync-db-drill-202401151200", T0, DrillState.Step.REQUESTED);
            default -> {
                Operation pitr = SampleOperations.pointInTime("shiftsync-db-pitr", T0);
                yield new Operation(pitr.schema(), pitr.id(), kind, pitr.status(), pitr.target(), pitr.requestedBy(),
                        pitr.requestedAt(), null, T0, null, null, pitr.state());
            }
        };
    }

    @Test
    @DisplayName("an operation reads back field for field, also through a new store (an app restart)")
    void roundTrip() {
        Operation sample = sample(OperationKind.POINT_IN_TIME);
        Operation op = sample.started(T0.plusSeconds(2), sample.state(ServerRestoreState.class).sent(202,
                "https://management.azure.com/x?api-version=2022-12-01"));
        store().create(op);
        assertEquals(op, store().find(op.id()).orElseThrow());
    }

    @Test
    @DisplayName("save replaces: a finished operation keeps its end, duration and error")
    void save() {
        Operation op = sample(OperationKind.GEO);
        OperationStore s = store();
        s.create(op);
        Operation failed = op.failed(T0.plus(Duration.ofMinutes(9)), new Operation.Failure("ServerRestoreFailed",
                "The restore could not be completed."));
        s.save(failed);
        Operation back = store().find(op.id()).orElseThrow();
        assertEquals(OperationStatus.Failed, back.status());
        assertEquals(Duration.ofMinutes(9), back.duration().orElseThrow());
        assertEquals("ServerRestoreFailed", back.error().code());
    }

    @Test
    @DisplayName("an unknown id is empty; an id is never created twice")
    void unknownAndTwice() {
        assertTrue(store().find("0f8fad5b-d9cb-469f-a165-70867728950e").isEmpty());
        Operation op = sample(OperationKind.FROM_BACKUP);
        store().create(op);
        assertThrows(ShiftSyncException.class, () -> store().create(op));
    }
}
