package com.shiftsync.backup.operations;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.queued.QueuedWork;

import java.time.Clock;
import java.util.List;

/**
 * Status reads of every operation, whatever its kind: what the {@link OperationStore} holds,
 * and nothing more. A read never steps an operation, never writes, and never calls Resource
 * Manager, Key Vault or a database; the {@link OperationWorker} does the steps. Queued work
 * that no worker can still finish is shown Failed as its time limits say, before the worker
 * records it so.
 */
public final class Operations {
    private final OperationStore store;
    private final QueuedWork queued;
    private final Clock clock;

    public Operations(OperationStore store, QueuedWork queued, Clock clock) {
        this.store = store;
        this.queued = queued;
        this.clock = clock;
    }

    public OperationStore store() {
        return store;
    }

    /** The operation {@code operationId} as it stands. */
    public Operation read(String operationId) {
        Operation op = find(store, Operation.checkId(operationId));
        return queued.asOf(op, clock.instant());
    }

    /** Every readable operation, newest first, as {@link #read} shows each. */
    public List<Operation> list() {
        return store.list().stream().map(op -> queued.asOf(op, clock.instant())).toList();
    }

    /** The stored operation {@code id}, or NOT_FOUND naming the store. */
    static Operation find(OperationStore store, String id) {
        return store.find(id).orElseThrow(() -> new ShiftSyncException(ErrorCode.NOT_FOUND,
                "there is no operation " + id + " in " + store.describe()
                        + ": check the id that starting the restore, drill or backup returned"));
    }
}
