package com.shiftsync.backup.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Moves running operations on without anyone asking for their status: a server restore's
 * completion and a recovery drill must finish even when nobody polls. A reminder
 * {@code {"operationId": "..."}} waits on queue {@value WorkQueue#OPERATION_UPDATES} for a
 * while; its worker takes one step ({@link Operations#status}) and, while the operation
 * runs, sends the next reminder. Never one function running for an hour: every step is
 * short, and a restart of the app loses nothing (the operation is in the store; the next
 * reminder or status read takes the next step).
 */
public final class OperationUpdates {
    /** How long a reminder waits before its step: Azure's restores take minutes, so a minute is often enough. */
    public static final Duration DELAY = Duration.ofMinutes(1);
    /** Past this, reminders stop: a restore or drill still running after two days needs a person. */
    static final Duration GIVE_UP = Duration.ofDays(2);
    static final Duration TTL = Duration.ofDays(1);
    public static final String STOPPED = "ShiftSync.Operation.RemindersStopped";
    /** A step could not be taken (Resource Manager unreachable, say); the next reminder tries again. */
    public static final String FAILED = "ShiftSync.Operation.UpdateFailed";
    /** After a failed step the next reminder waits longer. */
    static final Duration RETRY_DELAY = Duration.ofMinutes(5);
    /** Steps that fail one after another this often (an hour of them) stop the reminders. */
    static final int MAX_FAILURES = 12;
    private static final Logger LOG = Logger.getLogger(OperationUpdates.class.getName());

    private final Supplier<Operations> operations;
    private final Supplier<WorkQueue> queue;
    private final Clock clock;

    public OperationUpdates(Supplier<Operations> operations, Supplier<WorkQueue> queue, Clock clock) {
        this.operations = operations;
        this.queue = queue;
        this.clock = clock;
    }

    /**
     * Sends the reminder of {@code operationId} for {@code after} from now. Never fails the
     * caller: without a queue (a CLI run without storage) status reads still take the steps.
     */
    public void remind(String operationId, Duration after) {
        remind(operationId, after, 0);
    }

    private void remind(String operationId, Duration after, int failures) {
        try {
            queue.get().send(Json.write(failures == 0 ? Map.of("operationId", operationId)
                    : Map.of("operationId", operationId, "failures", failures)), TTL, after);
        } catch (RuntimeException e) {
            LOG.warning("operation " + operationId + " will move on only when its status is read: no reminder could "
                    + "be queued (" + ShiftSyncException.wrap(e).getMessage() + ")");
        }
    }

    /**
     * The worker: one step of the operation a reminder names, and the next reminder while it
     * runs. A step that fails is reported and tried again by the next reminder, so a
     * passing outage never turns a reminder into a poison message; only a message that is
     * no reminder at all is refused.
     */
    public Operation run(String message, Reporter reporter) {
        JsonNode reminder = reminder(message);
        String id = reminder.get("operationId").asText();
        int failures = reminder.path("failures").asInt(0);
        Operation op;
        try {
            op = operations.get().status(id, reporter).operation();
        } catch (ShiftSyncException e) {
            if (e.code() == com.shiftsync.backup.domain.ErrorCode.NOT_FOUND) {
                throw e;
            }
            boolean stop = failures + 1 >= MAX_FAILURES;
            reporter.event(Event.failed(stop ? STOPPED : FAILED, Map.of("operationId", id, "failures", failures + 1),
                    e).at(Event.Level.WARNING));
            if (!stop) {
                remind(id, RETRY_DELAY, failures + 1);
            }
            return null;
        }
        if (op.status().finished()) {
            return op;
        }
        if (Duration.between(op.requestedAt(), clock.instant()).compareTo(GIVE_UP) > 0) {
            reporter.event(Event.warning(STOPPED, Map.of("operationId", id, "kind", op.kind().id(),
                    "reason", "still running after " + GIVE_UP.toDays() + " days; its status read still moves it on")));
            return op;
        }
        remind(id, DELAY);
        return op;
    }

    private static JsonNode reminder(String message) {
        try {
            JsonNode json = Json.MAPPER.readTree((message == null ? "" : message).getBytes(StandardCharsets.UTF_8));
            JsonNode id = json == null ? null : json.get("operationId");
            if (id == null || !id.isTextual()) {
                throw new IOException("no operationId");
            }
            Operation.checkId(id.asText());
            return json;
        } catch (IOException e) {
            throw ShiftSyncException.badInput("the message is not an operation reminder (JSON with operationId); "
                    + "nothing was done");
        }
    }
}
