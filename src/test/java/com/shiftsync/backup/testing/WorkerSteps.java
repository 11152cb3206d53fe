package com.shiftsync.backup.testing;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.operations.OperationWorker;

import java.util.logging.Logger;

/**
 * What the operation-updates worker does when a reminder of an operation comes due, for tests
 * that used to let a status read move an operation on: one step, its events on {@code log}.
 * An id that is malformed or unknown does nothing here (the status read then says so).
 */
public final class WorkerSteps {
    private WorkerSteps() {
    }

    /** One worker step of {@code id}, reporting to {@code log}; null when the id is malformed or unknown. */
    public static OperationWorker.Stepped step(App app, String id, Logger log) {
        try {
            return app.queued().operationWorker().step(id, app.reporter(log));
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.BAD_INPUT) {
                return null;
            }
            throw e;
        }
    }
}
