package com.shiftsync.backup.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one thing that moves operations on: the operation-updates queue worker, and on the
 * command line without a queue, {@code restore-status} and {@code drill-status}. Each
 * {@link #step} takes one bounded step of one operation with its kind's {@link OperationStep},
 * under the store's claim (so two workers never send a write twice), stores the result and
 * reports what changed. Status reads ({@link Operations}) never come here.
 *
 * <p>As the queue worker ({@link #run}), a step that fails is reported and tried again by the
 * next reminder, so a passing outage never turns a reminder into a poison message; only a
 * message that is no reminder at all is refused. Limits come from the {@link RetryPolicy}.
 */
public final class OperationWorker {
    /** The reminders of an operation stopped: it failed too often in a row, or runs past the policy's limit. */
    public static final String STOPPED = "ShiftSync.Operation.RemindersStopped";
    /** A step could not be taken (Resource Manager unreachable, say); the next reminder tries again. */
    public static final String FAILED = "ShiftSync.Operation.UpdateFailed";

    private final OperationStore store;
    private final Map<OperationKind, OperationStep> steps;
    private final Reminders reminders;
    private final Clock clock;

    public OperationWorker(OperationStore store, Map<OperationKind, OperationStep> steps, Reminders reminders,
                           Clock clock) {
        this.store = store;
        this.steps = new EnumMap<>(steps);
        this.reminders = reminders;
        this.clock = clock;
    }

    /**
     * What one step did.
     *
     * @param before the operation before the step
     * @param after  the operation as it now stands
     * @param busy   another worker held the operation's claim: nothing was done
     */
    public record Stepped(Operation before, Operation after, boolean busy) {
        /** The step changed the operation (and stored it). */
        public boolean changed() {
            return after != before;
        }

        /** What the step did, in a sentence for the command line. */
        public String sentence() {
            if (busy) {
                return "another worker is taking a step of operation " + after.id() + " right now; shown as stored";
            }
            if (!changed()) {
                return before.status().finished() ? "operation " + after.id() + " has ended; nothing to do"
                        : "operation " + after.id() + " is " + after.state().stepName() + "; nothing changed yet";
            }
            String from = before.state().stepName();
            String to = after.state().stepName();
            return after.status().finished() ? "took a step: " + from + " -> " + after.status().name().toLowerCase(
                    java.util.Locale.ROOT) : "took a step: " + from + (from.equals(to) ? " (progress recorded)"
                    : " -> " + to);
        }
    }

    /** One step of operation {@code operationId}; see {@link Stepped}. */
    public Stepped step(String operationId, Reporter reporter) {
        String id = Operation.checkId(operationId);
        Operation op = Operations.find(store, id);
        OperationStep step = steps.get(op.kind());
        if (op.status().finished() || step == null) {
            return new Stepped(op, op, false);
        }
        Optional<Lease> claim = store.claimStep(id);
        if (claim.isEmpty()) {
            return new Stepped(op, op, true);
        }
        try (Lease held = claim.get()) {
            Operation fresh = Operations.find(store, id);
            if (fresh.status().finished()) {
                return new Stepped(fresh, fresh, false);
            }
            Operation now = step.step(fresh, reporter);
            if (now == fresh) {
                return new Stepped(fresh, fresh, false);
            }
            held.verifyHeld();
            store.save(now);
            step.changed(fresh, now, reporter);
            return new Stepped(fresh, now, false);
        }
    }

    /**
     * The queue worker: one step of the operation a reminder names, and the next reminder
     * while it runs.
     */
    public Operation run(String message, Reporter reporter) {
        JsonNode reminder = reminder(message);
        String id = reminder.get("operationId").asText();
        int failures = reminder.path("failures").asInt(0);
        RetryPolicy policy = reminders.policy();
        Operation op;
        try {
            op = step(id, reporter).after();
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.BAD_INPUT) {
                throw e;
            }
            boolean stop = failures + 1 >= policy.maxFailedSteps();
            reporter.event(Event.failed(stop ? STOPPED : FAILED, Map.of("operationId", id, "failures", failures + 1),
                    e).at(Event.Level.WARNING));
            if (!stop) {
                reminders.remind(id, policy.failedStepDelay(), failures + 1);
            }
            return null;
        }
        if (op.status().finished()) {
            return op;
        }
        if (!op.kind().queued() && policy.givenUp(op.requestedAt(), clock.instant())) {
            reporter.event(Event.warning(STOPPED, Map.of("operationId", id, "kind", op.kind().id(),
                    "reason", "still running after " + policy.giveUpAfter().toDays() + " days; a person must look "
                            + "at it (restore-status or drill-status shows where it stands)")));
            return op;
        }
        Duration next = steps.get(op.kind()).nextStepAfter(op, clock.instant(), policy);
        reminders.remind(id, next, 0);
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
