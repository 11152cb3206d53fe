package com.shiftsync.backup.recovery;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillPolicy;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.operations.OperationFollower;
import com.shiftsync.backup.operations.Operations;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.restore.ServerRestoreJob;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The recovery drill: a point-in-time restore of the source into a temporary server
 * {@code <source>-drill-<yyyyMMddHHmm>} (tagged {@value Drill#TAG}), completed and verified
 * as a real recovery is, its recovery time measured, and the server deleted, also when the
 * drill fails. A state machine kept in the operations store (requested, restoring,
 * completing, verifying, deleting, then passed or failed); as the {@link OperationFollower}
 * of drills each status read or reminder takes one short step, so an app restart in any
 * step goes on where it stopped, and nothing (the restore's PUT, the DELETE) is sent twice.
 */
public final class DrillJob implements OperationFollower {
    static final String PENDING_DELETE = "pending.delete";
    static final String DELETE_REQUESTED = "deleteRequestedAt";
    private static final String OUTCOME = "outcome";
    private static final String FAILURE_CODE = "failureCode";
    private static final String FAILURE_MESSAGE = "failureMessage";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
    /** Room for "-drill-yyyyMMddHHmm" in a server name of at most 63 characters. */
    private static final int MAX_SOURCE_PART = 63 - "-drill-".length() - 12;
    /** A drill still running after this is abandoned: it no longer blocks the next one (reminders stop at 2 days). */
    static final Duration ABANDONED = Duration.ofDays(2);
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(DrillJob.class.getName());

    private final Supplier<ServerAdmin> admin;
    private final OperationStore store;
    private final Supplier<ServerRestoreJob> restores;
    private final Supplier<Operations> operations;
    private final DrillPolicy policy;
    private final String sourceName;
    private final int targetMinutes;
    private final Clock clock;
    private final Consumer<String> remind;

    /**
     * @param sourceName    POSTGRES_SERVER_NAME, or null when it is not set (a drill is then refused by name)
     * @param targetMinutes RTO_TARGET_MINUTES, which a drill's measured recovery time is held against
     * @param remind        asks for the drill to be moved on later without a status read (a queue reminder)
     */
    public DrillJob(Supplier<ServerAdmin> admin, OperationStore store, Supplier<ServerRestoreJob> restores,
                    Supplier<Operations> operations, DrillPolicy policy, String sourceName, int targetMinutes,
                    Clock clock, Consumer<String> remind) {
        this.admin = admin;
        this.store = store;
        this.restores = restores;
        this.operations = operations;
        this.policy = policy;
        this.sourceName = sourceName;
        this.targetMinutes = targetMinutes;
        this.clock = clock;
        this.remind = remind;
    }

    public DrillPolicy policy() {
        return policy;
    }

    /**
     * Starts a drill: recorded as requested (refused while another one runs), then its first
     * step (the restore's PUT) at once, and a reminder for the next.
     *
     * @param trigger timer, http or cli
     */
    public Operation start(Caller caller, String trigger, Reporter reporter) {
        Operation drill = request(caller, trigger);
        DrillEvents.started(drill, reporter);
        Operation now;
        try {
            now = operations.get().status(drill.id(), reporter).operation();
        } catch (RuntimeException e) {
            // recorded, but its first step failed (storage or Resource Manager unreachable): the reminder retries
            LOG.warning("drill " + drill.id() + " is recorded but its restore is not started yet ("
                    + ShiftSyncException.wrap(e).getMessage() + "); the next step tries again");
            now = drill;
        }
        if (!now.status().finished()) {
            remind.accept(drill.id());
        }
        return now;
    }

    /**
     * The recoveryDrill timer's drill: started (and audited, as the timer) only when
     * DRILL_ENABLED is true; otherwise, or while another drill runs, it says so and does
     * nothing.
     */
    public Optional<Operation> scheduled(Reporter reporter) {
        if (!policy.enabled()) {
            DrillEvents.skipped("DRILL_ENABLED is not true, so the recoveryDrill timer starts no drill (set "
                    + "DRILL_ENABLED=true to drill on its schedule; POST /api/drills or the CLI's drill run one by "
                    + "hand either way)", reporter);
            return Optional.empty();
        }
        Caller timer = Caller.timer(DrillEvents.SOURCE);
        Map<String, String> parameters = Map.of("trigger", "timer");
        try {
            Operation drill = start(timer, "timer", reporter);
            reporter.audit(new AuditRecord(clock.instant(), AuditRecord.AuditCaller.of(timer),
                    AuditActions.RECOVERY_DRILL, parameters, AuditRecord.ACCEPTED, drill.id(), "started operation "
                    + drill.id(), null, null));
            return Optional.of(drill);
        } catch (ShiftSyncException e) {
            if (e.code() != ErrorCode.IN_PROGRESS) {
                throw e;
            }
            reporter.event(Event.failed(DrillEvents.REFUSED, Map.of("trigger", "timer"), e).at(Event.Level.WARNING));
            return Optional.empty();
        }
    }

    /** Records a new drill, requested, without taking its first step. Refused while another drill runs. */
    public Operation request(Caller caller, String trigger) {
        if (sourceName == null || sourceName.isBlank()) {
            throw ShiftSyncException.badInput("POSTGRES_SERVER_NAME is not set: a drill restores the source Flexible "
                    + "Server into a temporary one");
        }
        Instant now = clock.instant();
        Optional<Operation> running = running(now);
        if (running.isPresent()) {
            Operation r = running.get();
            throw new ShiftSyncException(ErrorCode.IN_PROGRESS, "drill " + r.id() + " is still running (step "
                    + r.details().getOrDefault(Drill.STEP, Drill.REQUESTED) + ", since "
                    + r.requestedAt().truncatedTo(ChronoUnit.SECONDS) + "): one drill at a time; follow it with "
                    + "drill-status " + r.id());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("restorePoint", policy.restorePoint());
        parameters.put("trigger", trigger);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("sourceServer", sourceName);
        if (policy.resourceGroup() != null) {
            details.put("resourceGroup", policy.resourceGroup());
        }
        details.put(Drill.STEP, Drill.REQUESTED);
        details.put(Drill.AT + Drill.REQUESTED, now.toString());
        Operation drill = Operation.start(OperationKind.DRILL, serverName(sourceName, now), caller, now, parameters,
                details);
        store.create(drill);
        return drill;
    }

    /** The drill {@code id} as it stands now, moved on one step first when it runs. */
    public Drill status(String id, Reporter reporter) {
        Operation op = operations.get().status(id, reporter).operation();
        if (op.kind() != OperationKind.DRILL) {
            throw new ShiftSyncException(ErrorCode.NOT_FOUND, "operation " + op.id() + " is a " + op.kind()
                    + " operation, not a drill: follow it with restore-status " + op.id());
        }
        return view(op);
    }

    /** {@code drill} as callers see it, with the restore it started (read by its id). */
    public Drill view(Operation drill) {
        String restoreId = drill.details().get(Drill.RESTORE);
        Operation restore = restoreId == null ? null : store.find(restoreId).orElse(null);
        return Drill.of(drill, restore, targetMinutes, clock.instant());
    }

    /** The drill server's name: {@code <source>-drill-<yyyyMMddHHmm>}, the source's part cut to fit 63 characters. */
    static String serverName(String source, Instant at) {
        return sourcePart(source) + "-drill-" + STAMP.format(at);
    }

    static String sourcePart(String source) {
        String s = source.length() > MAX_SOURCE_PART ? source.substring(0, MAX_SOURCE_PART) : source;
        return s.replaceAll("-+$", "");
    }

    /** The newest drill still running that is not abandoned. */
    private Optional<Operation> running(Instant now) {
        return store.list().stream().filter(o -> o.kind() == OperationKind.DRILL && !o.status().finished())
                .filter(o -> !abandoned(o, now)).max(Comparator.comparing(Operation::requestedAt));
    }

    static boolean abandoned(Operation drill, Instant now) {
        return !drill.status().finished() && drill.requestedAt().plus(ABANDONED).isBefore(now);
    }

    @Override
    public Operation follow(Operation drill, Reporter reporter) {
        String step = drill.details().getOrDefault(Drill.STEP, Drill.REQUESTED);
        return switch (step) {
            case Drill.REQUESTED -> startRestore(drill, reporter);
            case Drill.DELETING -> delete(drill);
            default -> followRestore(drill, reporter);
        };
    }

    @Override
    public void changed(Operation before, Operation after, Reporter reporter) {
        String from = before.details().getOrDefault(Drill.STEP, Drill.REQUESTED);
        String to = after.details().getOrDefault(Drill.STEP, Drill.REQUESTED);
        if (!from.equals(to) && !after.status().finished()) {
            DrillEvents.step(after, from, reporter);
        }
        if (after.status().finished()) {
            DrillEvents.ended(view(after), reporter);
        }
    }

    /**
     * Starts the point-in-time restore, unless an earlier process already did (its record
     * carries this drill's id): then it is taken up, and no second PUT is sent.
     */
    private Operation startRestore(Operation drill, Reporter reporter) {
        Optional<Operation> earlier = restoreOf(drill);
        Operation restore;
        if (earlier.isPresent() && (earlier.get().startedAt() != null || !earlier.get().status().finished())) {
            restore = earlier.get();
        } else {
            ServerRestoreRequest request = ServerRestoreRequest.pointInTime(policy.restorePoint(), drill.target(),
                    null, RecoveryScenario.SERVER_FAILURE, false).into(policy.resourceGroup(),
                    Map.of(Drill.TAG, "true"));
            try {
                restore = restores.get().startForDrill(Caller.worker("recoveryDrill", drill.requestedBy()), request,
                        drill.id(), reporter);
            } catch (RuntimeException e) {
                ShiftSyncException error = ShiftSyncException.wrap(e);
                Map<String, String> d = outcome(Drill.FAILED, new Operation.Failure(error.upstreamCode() != null
                        ? error.upstreamCode() : "RestoreNotStarted", "the drill's restore could not be started: "
                        + error.getMessage()));
                Optional<Operation> recorded = restoreOf(drill);
                if (recorded.isPresent()) {
                    // the create was sent and its answer lost, or refused: delete whatever it may have made
                    d.put(Drill.STEP, Drill.DELETING);
                    d.put(Drill.AT + Drill.DELETING, clock.instant().toString());
                    d.put(Drill.RESTORE, recorded.get().id());
                    return delete(drill.progressed(clock.instant(), d, Map.of(), null));
                }
                d.put("deletion", "nothing to delete: no server was created");
                return end(drill.progressed(clock.instant(), d, Map.of(), null), true);
            }
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put(Drill.RESTORE, restore.id());
        d.put(Drill.STEP, Drill.RESTORING);
        d.put(Drill.AT + Drill.RESTORING, restore.requestedAt().toString());
        return drill.progressed(clock.instant(), d, Map.of(), null);
    }

    private Optional<Operation> restoreOf(Operation drill) {
        return store.list().stream().filter(o -> drill.id().equals(o.details().get(ServerRestoreJob.DRILL_ID)))
                .max(Comparator.comparing(Operation::requestedAt));
    }

    /** One step of the restore (Azure's part, the completion, the verification), and on its end the deletion. */
    private Operation followRestore(Operation drill, Reporter reporter) {
        String id = drill.details().get(Drill.RESTORE);
        Operation restore;
        try {
            restore = operations.get().status(id, reporter).operation();
        } catch (ShiftSyncException e) {
            if (id != null && e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            Map<String, String> d = outcome(Drill.FAILED, new Operation.Failure("RestoreRecordMissing", "the record "
                    + "of the drill's restore " + id + " is gone from " + store.describe()
                    + ": its result is unknown"));
            d.put(Drill.STEP, Drill.DELETING);
            d.put(Drill.AT + Drill.DELETING, clock.instant().toString());
            return delete(drill.progressed(clock.instant(), d, Map.of(), null));
        }
        Completion c = restore.completion();
        String step = restore.status().finished() ? Drill.DELETING
                : c == null ? Drill.RESTORING
                : Completion.STAGE_VERIFYING.equals(c.stage()) ? Drill.VERIFYING : Drill.COMPLETING;
        String was = drill.details().getOrDefault(Drill.STEP, Drill.RESTORING);
        if (step.equals(was)) {
            return drill;
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put(Drill.STEP, step);
        // each step begins when the restore's own record says it did (several may pass in one read)
        if (c != null && c.azureFinishedAt() != null && Drill.before(was, Drill.COMPLETING)) {
            d.put(Drill.AT + Drill.COMPLETING, c.azureFinishedAt().toString());
        }
        if (c != null && c.copiedAt() != null && Drill.before(was, Drill.VERIFYING)
                && (c.verifiedAt() != null || Completion.STAGE_VERIFYING.equals(c.stage()))) {
            d.put(Drill.AT + Drill.VERIFYING, c.copiedAt().toString());
        }
        if (!step.equals(Drill.DELETING)) {
            return drill.progressed(clock.instant(), d, Map.of(), null);
        }
        d.put(Drill.AT + Drill.DELETING, (restore.finishedAt() != null ? restore.finishedAt() : clock.instant())
                .toString());
        boolean verified = restore.status() == com.shiftsync.backup.domain.OperationStatus.Succeeded && c != null
                && c.verifiedGood();
        if (verified) {
            d.putAll(outcome(Drill.PASSED, null));
        } else if (restore.error() != null) {
            d.putAll(outcome(Drill.FAILED, restore.error()));
        } else {
            String why = c == null || c.followUps().isEmpty() ? "the restored server was not verified"
                    : c.followUps().get(c.followUps().size() - 1);
            d.putAll(outcome(Drill.FAILED, new Operation.Failure("NotVerified", why)));
        }
        return delete(drill.progressed(clock.instant(), d, Map.of(), null));
    }

    /**
     * Deletes the drill server: the DELETE is sent once and recorded; Resource Manager's
     * operation is then followed until the server is gone. A refusal (no right to delete in
     * DRILL_RESOURCE_GROUP) ends the drill failed, naming the server to delete by hand.
     */
    private Operation delete(Operation drill) {
        ServerAdmin a = admin.get();
        String group = drill.details().get("resourceGroup");
        String pending = drill.tracking().get(PENDING_DELETE);
        Instant now = clock.instant();
        try {
            if (!drill.details().containsKey(DELETE_REQUESTED)) {
                ServerAdmin.Accepted accepted = a.delete(group, drill.target());
                Map<String, String> d = Map.of(DELETE_REQUESTED, now.toString());
                Operation sent = drill.progressed(now, d, accepted.done() ? Map.of()
                        : Map.of(PENDING_DELETE, accepted.trackingUrl()), null);
                return accepted.done() ? deleted(sent, null) : sent;
            }
            if (pending != null) {
                Optional<ServerAdmin.Progress> progress = a.progress(pending);
                String status = progress.map(ServerAdmin.Progress::status).orElse("").toLowerCase(Locale.ROOT);
                return switch (status) {
                    case "succeeded" -> deleted(drill, null);
                    case "failed", "canceled", "cancelled" -> deleted(drill, progress.get().errorCode() + ": "
                            + progress.get().errorMessage());
                    case "" -> a.find(group, drill.target()).isEmpty() ? deleted(drill, null) : drill;
                    default -> drill;
                };
            }
            return a.find(group, drill.target()).isEmpty() ? deleted(drill, null) : drill;
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.UPSTREAM_FAILED) {
                throw e;
            }
            return deleted(drill, e.getMessage());
        }
    }

    /** The deletion has ended: {@code problem} null when the server is gone. */
    private Operation deleted(Operation drill, String problem) {
        Instant now = clock.instant();
        Map<String, String> d = new LinkedHashMap<>();
        Map<String, String> dropTracking = new HashMap<>();
        dropTracking.put(PENDING_DELETE, null);
        String where = drill.target() + (drill.details().containsKey("resourceGroup")
                ? " in resource group " + drill.details().get("resourceGroup") : "");
        if (problem == null) {
            d.put("deletedAt", now.toString());
            d.put("deletion", "deleted " + where);
        } else {
            d.put("deletion", "could not delete " + where + " (" + problem + "): delete it by hand, or leave it to "
                    + "the sweeper of the retentionPrune timer");
            if (Drill.PASSED.equals(drill.details().get(OUTCOME))) {
                d.putAll(outcome(Drill.FAILED, new Operation.Failure("DrillServerNotDeleted",
                        "the drill passed, but its server " + d.get("deletion"))));
            }
        }
        return end(drill.progressed(now, d, dropTracking, null), problem == null);
    }

    /** The drill's end: passed when the restore was verified and the server is gone, else failed with the reason. */
    private Operation end(Operation drill, boolean serverGone) {
        Instant now = clock.instant();
        Map<String, String> d = drill.details();
        boolean passed = Drill.PASSED.equals(d.get(OUTCOME)) && serverGone;
        Operation marked = drill.progressed(now, Map.of(Drill.STEP, passed ? Drill.PASSED : Drill.FAILED), Map.of(),
                null);
        if (passed) {
            return marked.succeeded(now, Map.of());
        }
        String message = d.getOrDefault(FAILURE_MESSAGE, "the drill failed");
        if (!serverGone && !Drill.PASSED.equals(d.get(OUTCOME))) {
            message = message + "; and " + d.get("deletion");
        }
        return marked.failed(now, new Operation.Failure(d.getOrDefault(FAILURE_CODE, "DrillFailed"), message));
    }

    private static Map<String, String> outcome(String result, Operation.Failure why) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(OUTCOME, result);
        if (why != null) {
            d.put(FAILURE_CODE, why.code());
            d.put(FAILURE_MESSAGE, why.message());
        }
        return d;
    }
}
