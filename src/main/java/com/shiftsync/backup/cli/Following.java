package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.operations.OperationWorker;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How {@code restore-status}, {@code drill-status} and {@code drill} follow an operation.
 * Where a queue is configured, the operation-updates worker of the Function App takes the
 * steps and these commands only read. Where none is (a VM with a local folder), nothing else
 * would: each takes the next bounded step in-process, with the worker's own step code, and
 * says on stderr what it did; {@code --follow} keeps going until the operation ends.
 */
final class Following {
    private Following() {
    }

    /**
     * The operation {@code id} after one step (no queue) or as stored (a queue); with
     * {@code follow}, after as many steps or reads as it takes to end, {@code interval} apart
     * while nothing changes (interrupted, as it stands then). {@code seen} is told the
     * operation after each step or read.
     */
    static Operation operation(Cli cli, String id, boolean follow, Duration interval, PrintWriter err,
                               Consumer<Operation> seen) {
        App app = cli.app();
        while (true) {
            Operation now;
            boolean changed;
            if (app.queued().hasOperationWorker()) {
                now = app.queued().operations().read(id);
                changed = false;
            } else {
                OperationWorker.Stepped step = app.queued().operationWorker().step(id, cli.reporter());
                err.println(step.sentence());
                err.flush();
                now = app.queued().operations().read(id);
                changed = step.changed();
            }
            seen.accept(now);
            if (!follow || now.status().finished()) {
                return now;
            }
            if (!changed) {
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    // Ctrl-C: the operation goes on without this command; show where it stands
                    Thread.currentThread().interrupt();
                    return now;
                }
            }
        }
    }
}
