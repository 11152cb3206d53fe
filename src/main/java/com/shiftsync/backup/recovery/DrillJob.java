package com.shiftsync.backup.recovery;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillPolicy;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.DrillState.Step;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ServerRestoreState;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.operations.OperationStep;
import com.shiftsync.backup.operations.Reminders;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.restore.RestoredServers;
import com.shiftsync.backup.restore.ServerRestoreJob;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The recovery drill: a point-in-time restore of the source into a temporary server
 * {@code <source>-drill-<yyyyMMddHHmm>} (tagged {@value Drill#TAG}), completed and verified
 * as a real recovery is, its recovery time measured, and the server deleted, also when the
 * drill fails; or, as a dump drill ({@link DumpDrill}), the newest dump restored with its
 * roles into an empty server of that name, checked and measured the same way. Which one a
 * drill is: what was asked, else DRILL_METHOD, whose default alternates between the two.
 * A state machine ({@link DrillState}) kept in the operations store; as the
 * {@link OperationStep} of drills the operation-updates worker takes one short step at a time,
 * so an app restart in any step goes on where it stopped, and nothing (the restore's PUT, the
 * DELETE) is sent twice.
 *
 * <p>One drill at a time: starting one takes a claim, so two starts at once never both run,
 * and a drill server's name is never one a drill on record already has. The DELETE goes only
 * to a server Resource Manager shows in the drill group of the settings, named like a drill
 * server, tagged as one and by this drill (its restore's id, or a dump drill's own id), and
 * never to the source.
 */
public final class DrillJob implements OperationStep {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
    /** Room for "-drill-yyyyMMddHHmm" in a server name of at most 63 characters. */
    private static final int MAX_SOURCE_PART = 63 - "-drill-".length() - 12;
    /** The claim taken while a drill is being started: one start at a time. */
    static final String STARTING = "drills";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(DrillJob.class.getName());

    private final ServerAdmin admin;
    private final OperationStore store;
    private final ServerRestoreJob restores;
    private final DumpDrill dumps;
    private final RestoredServers servers;
    private final DrillPolicy policy;
    private final int targetMinutes;
    private final Reminders reminders;
    private final RetryPolicy retry;
    private final Clock clock;

    /**
     * @param servers       where drill servers go (the drill group of the settings) and the source's name
     * @param dumps         the steps of a dump drill
     * @param targetMinutes RTO_TARGET_MINUTES, which a drill's measured recovery time is held against
     */
    public DrillJob(ServerAdmin admin, OperationStore store, ServerRestoreJob restores, DumpDrill dumps,
                    RestoredServers servers, DrillPolicy policy, int targetMinutes, Reminders reminders, Clock clock) {
        this.admin = admin;
        this.store = store;
        this.restores = restores;
        this.dumps = dumps;
        this.servers = servers;
        this.policy = policy;
        this.targetMinutes = targetMinutes;
        this.reminders = reminders;
        this.retry = reminders.policy();
        this.clock = clock;
    }

    public DrillPolicy policy() {
        return policy;
    }

    /** Starts a drill of DRILL_METHOD's method; see {@link #start(Caller, String, DrillState.Method, Reporter)}. */
    public Operation start(Caller caller, String trigger, Reporter reporter) {
        return start(caller, trigger, null, reporter);
    }

    /**
     * Starts a drill: recorded as requested (refused while another one runs or is being
     * started), its first create (the restore's PUT, or a dump drill's empty server) sent at
     * once, and a reminder for the next step.
     *
     * @param trigger timer, http or cli
     * @param method  the method asked for, or null for DRILL_METHOD's
     */
    public Operation start(Caller caller, String trigger, DrillState.Method method, Reporter reporter) {
        Operation drill = request(caller, trigger, method);
        DrillEvents.started(drill, reporter);
        Operation now = drill;
        // nobody else knows the new id yet, so its claim is free; held, no worker steps it meanwhile
        Optional<Lease> claim = store.claimStep(drill.id());
        if (claim.isPresent()) {
            try (Lease held = claim.get()) {
                now = drill.state(DrillState.class).method() == DrillState.Method.DUMP ? stepDump(drill, reporter)
                        : startRestore(drill, reporter);
                held.verifyHeld();
                store.save(now);
                changed(drill, now, reporter);
            } catch (RuntimeException e) {
                // recorded, but its restore is not started (storage or Resource Manager unreachable): the worker retries
                LOG.warning("drill " + drill.id() + " is recorded but its restore is not started yet ("
                        + ShiftSyncException.wrap(e).getMessage() + "); the next step tries again");
                now = drill;
            }
        }
        if (!now.status().finished()) {
            reminders.remind(drill.id());
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
        try {
            Operation drill = start(timer, "timer", reporter);
            Map<String, String> parameters = Map.of("trigger", "timer", "method",
                    drill.state(DrillState.class).method().id());
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

    /** Records a new drill of DRILL_METHOD's method; see {@link #request(Caller, String, DrillState.Method)}. */
    public Operation request(Caller caller, String trigger) {
        return request(caller, trigger, null);
    }

    /**
     * Records a new drill, requested, without taking its first step: under the claim of drill
     * starts, refused while another drill runs, or when a drill on record already has this
     * minute's server name. Its method: {@code method}, else DRILL_METHOD's (alternate: the one
     * the last drill on record did not use); a dump drill records the newest complete dump now,
     * and is refused when there is none.
     */
    public Operation request(Caller caller, String trigger, DrillState.Method method) {
        String sourceName = servers.sourceName();
        if (sourceName == null || sourceName.isBlank()) {
            throw ShiftSyncException.badInput("POSTGRES_SERVER_NAME is not set: a drill restores the source Flexible "
                    + "Server into a temporary one");
        }
        Lease starting = store.claimStep(STARTING).orElseThrow(() -> new ShiftSyncException(ErrorCode.IN_PROGRESS,
                "another recovery drill is being started right now: one drill at a time; see it with status"));
        try (starting) {
            Instant now = clock.instant();
            java.util.List<Operation> drills = store.list().stream().filter(o -> o.kind() == OperationKind.DRILL)
                    .toList();
            Optional<Operation> running = drills.stream().filter(o -> !o.status().finished())
                    .filter(o -> !retry.givenUp(o.requestedAt(), now)).max(Comparator.comparing(Operation::requestedAt));
            if (running.isPresent()) {
                Operation r = running.get();
                throw new ShiftSyncException(ErrorCode.IN_PROGRESS, "drill " + r.id() + " is still running (step "
                        + r.state().stepName() + ", since " + r.requestedAt().truncatedTo(ChronoUnit.SECONDS)
                        + "): one drill at a time; follow it with drill-status " + r.id());
            }
            String name = serverName(sourceName, now);
            Optional<Operation> sameName = drills.stream().filter(o -> name.equals(o.target())).findFirst();
            if (sameName.isPresent()) {
                throw new ShiftSyncException(ErrorCode.IN_PROGRESS, "drill " + sameName.get().id() + " already used "
                        + "the server name " + name + " this minute; drill server names are never reused: start the "
                        + "drill again in a minute");
            }
            DrillState.Method last = drills.stream().max(Comparator.comparing(Operation::requestedAt))
                    .map(o -> o.state(DrillState.class).method()).orElse(null);
            DrillState.Method chosen = policy.methodFor(method, last);
            Operation drill = Operation.start(OperationKind.DRILL, name, caller, now, DrillState.requested(now,
                    policy.restorePoint(), trigger, sourceName, servers.groupFor(true), chosen,
                    chosen == DrillState.Method.DUMP ? dumps.choose() : null));
            store.create(drill);
            return drill;
        }
    }

    /** {@code drill} as callers see it, with the restore it started (read by its id). */
    public Drill view(Operation drill) {
        if (drill.kind() != OperationKind.DRILL) {
            throw new ShiftSyncException(ErrorCode.NOT_FOUND, "operation " + drill.id() + " is a " + drill.kind()
                    + " operation, not a drill: follow it with restore-status " + drill.id());
        }
        String restoreId = drill.state(DrillState.class).restoreOperationId();
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

    /** What a drill server of {@code source} is called: the name pattern the sweeper and the deletion check. */
    static Pattern serverNames(String source) {
        return Pattern.compile("^" + Pattern.quote(sourcePart(source)) + "-drill-(\\d{12})$");
    }

    @Override
    public Operation step(Operation drill, Reporter reporter) {
        DrillState d = drill.state(DrillState.class);
        boolean dump = d.method() == DrillState.Method.DUMP;
        return switch (d.step()) {
            case DELETING -> delete(drill);
            case PASSED, FAILED -> drill;
            case REQUESTED -> dump ? stepDump(drill, reporter) : startRestore(drill, reporter);
            default -> dump ? stepDump(drill, reporter) : followRestore(drill, reporter);
        };
    }

    /**
     * One step of a dump drill, in the drill group of the settings only; when the drill comes to
     * its deletion, the DELETE follows in the same step, as it does for a point-in-time drill.
     */
    private Operation stepDump(Operation drill, Reporter reporter) {
        Operation next;
        try {
            checkGroup(drill);
            next = dumps.step(drill, reporter);
        } catch (ShiftSyncException e) {
            if (!"NotOurs".equals(e.upstreamCode())) {
                throw e;
            }
            Instant now = clock.instant();
            next = drill.with(now, drill.state(DrillState.class).judged(new Operation.Failure("NotOurs",
                    e.getMessage())).reach(Step.DELETING, now));
        }
        return !next.status().finished() && next.state(DrillState.class).step() == Step.DELETING ? delete(next)
                : next;
    }

    @Override
    public void changed(Operation before, Operation after, Reporter reporter) {
        Step from = before.state(DrillState.class).step();
        Step to = after.state(DrillState.class).step();
        if (from != to && !after.status().finished()) {
            DrillEvents.step(after, from.id(), reporter);
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
        DrillState d = drill.state(DrillState.class);
        Optional<Operation> earlier = restoreOf(drill);
        Operation restore;
        if (earlier.isPresent() && (earlier.get().startedAt() != null || !earlier.get().status().finished())) {
            restore = earlier.get();
        } else {
            ServerRestoreRequest request = ServerRestoreRequest.pointInTime(d.restorePoint(), drill.target(),
                    null, RecoveryScenario.SERVER_FAILURE, false);
            try {
                checkGroup(drill);
                restore = restores.startForDrill(Caller.worker("recoveryDrill", drill.requestedBy()), request,
                        drill.id(), reporter);
            } catch (RuntimeException e) {
                ShiftSyncException error = ShiftSyncException.wrap(e);
                DrillState failed = d.judged(new Operation.Failure(error.upstreamCode() != null
                        ? error.upstreamCode() : "RestoreNotStarted", "the drill's restore could not be started: "
                        + error.getMessage()));
                Optional<Operation> recorded = restoreOf(drill);
                if (recorded.isPresent()) {
                    // the create was sent and its answer lost, or refused: delete whatever it may have made
                    return delete(drill.with(clock.instant(), failed.withRestore(recorded.get().id())
                            .reach(Step.DELETING, clock.instant())));
                }
                return end(drill.with(clock.instant(), failed.deletionEnded(null,
                        "nothing to delete: no server was created")), true);
            }
        }
        return drill.with(clock.instant(), d.withRestore(restore.id()).reach(Step.RESTORING, restore.requestedAt()));
    }

    private Optional<Operation> restoreOf(Operation drill) {
        return store.list().stream().filter(o -> o.state() instanceof ServerRestoreState s
                        && drill.id().equals(s.drillId())).max(Comparator.comparing(Operation::requestedAt));
    }

    /** One step of the restore (Azure's part, the completion, the verification), and on its end the deletion. */
    private Operation followRestore(Operation drill, Reporter reporter) {
        DrillState d = drill.state(DrillState.class);
        String id = d.restoreOperationId();
        Optional<Operation> found = id == null ? Optional.empty() : store.find(id);
        if (found.isEmpty() || !(found.get().state() instanceof ServerRestoreState rs)
                || !drill.id().equals(rs.drillId())) {
            DrillState gone = d.judged(new Operation.Failure("RestoreRecordMissing", "the record of the drill's "
                    + "restore " + id + " is gone from " + store.describe() + " (or is not this drill's): its result "
                    + "is unknown")).reach(Step.DELETING, clock.instant());
            return delete(drill.with(clock.instant(), gone));
        }
        Operation restore = stepRestore(found.get(), reporter);
        if (restore == null) {
            return drill;
        }
        Completion c = restore.completion();
        Step step = restore.status().finished() ? Step.DELETING
                : c == null ? Step.RESTORING
                : c.stage() == Completion.Stage.VERIFYING ? Step.VERIFYING : Step.COMPLETING;
        if (step == d.step()) {
            return drill;
        }
        // each step begins when the restore's own record says it did (several may pass in one step)
        DrillState next = d;
        if (c != null && c.azureFinishedAt() != null) {
            next = next.reach(Step.COMPLETING, c.azureFinishedAt());
        }
        if (c != null && c.copiedAt() != null && (c.verifiedAt() != null || c.stage() == Completion.Stage.VERIFYING)) {
            next = next.reach(Step.VERIFYING, c.copiedAt());
        }
        if (step != Step.DELETING) {
            return drill.with(clock.instant(), next.reach(step, clock.instant()));
        }
        next = next.reach(Step.DELETING, restore.finishedAt() != null ? restore.finishedAt() : clock.instant());
        boolean verified = restore.status() == OperationStatus.Succeeded && c != null && c.verifiedGood();
        if (verified) {
            next = next.judged(null);
        } else if (restore.error() != null) {
            next = next.judged(restore.error());
        } else {
            String why = c == null || c.followUps().isEmpty() ? "the restored server was not verified"
                    : c.followUps().get(c.followUps().size() - 1);
            next = next.judged(new Operation.Failure("NotVerified", why));
        }
        return delete(drill.with(clock.instant(), next));
    }

    /**
     * One step of the drill's restore under its own claim, stored and reported; null when
     * another worker holds that claim (this step then waits).
     */
    private Operation stepRestore(Operation restore, Reporter reporter) {
        if (restore.status().finished()) {
            return restore;
        }
        Optional<Lease> claim = store.claimStep(restore.id());
        if (claim.isEmpty()) {
            return null;
        }
        try (Lease held = claim.get()) {
            Operation fresh = store.find(restore.id()).orElse(restore);
            if (fresh.status().finished()) {
                return fresh;
            }
            Operation now = restores.step(fresh, reporter);
            if (now != fresh) {
                held.verifyHeld();
                store.save(now);
                restores.changed(fresh, now, reporter);
            }
            return now;
        }
    }

    /**
     * Deletes the drill server: sent once and recorded, then Resource Manager's operation
     * followed until the server is gone; only a server Resource Manager shows as this drill's
     * (drill group, drill name, drill tag, tagged by this drill's restore, not the source). A
     * refusal, or no right to delete in the drill group, ends the drill failed, naming the
     * server to delete by hand.
     */
    private Operation delete(Operation drill) {
        DrillState d = drill.state(DrillState.class);
        Instant now = clock.instant();
        try {
            String group = checkGroup(drill);
            if (d.deleteRequestedAt() == null) {
                Optional<ServerAdmin.Server> server = admin.find(group, drill.target());
                if (server.isEmpty()) {
                    return deleted(drill, null);
                }
                String refusal = refusal(drill, d, server.get());
                if (refusal != null) {
                    return deleted(drill, "not deleted, " + refusal);
                }
                ServerAdmin.Accepted accepted = admin.delete(group, drill.target());
                Operation sent = drill.with(now, d.deleteSent(now, accepted.trackingUrl()));
                return accepted.done() ? deleted(sent, null) : sent;
            }
            if (d.pendingDeleteUrl() != null) {
                ServerAdmin.Progress progress = admin.progress(d.pendingDeleteUrl());
                return switch (progress.status()) {
                    case SUCCEEDED -> deleted(drill, null);
                    case FAILED, CANCELED -> deleted(drill, progress.problem());
                    case UNKNOWN -> admin.find(group, drill.target()).isEmpty() ? deleted(drill, null) : drill;
                    case IN_PROGRESS -> drill;
                };
            }
            return admin.find(group, drill.target()).isEmpty() ? deleted(drill, null) : drill;
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.UPSTREAM_FAILED) {
                throw e;
            }
            return deleted(drill, e.getMessage());
        }
    }

    /** Why {@code server} is not this drill's to delete, or null when it is. */
    private String refusal(Operation drill, DrillState d, ServerAdmin.Server server) {
        return d.method() == DrillState.Method.DUMP ? refusal(servers.sourceName(), drill.id(), server, "this drill")
                : refusal(servers.sourceName(), d.restoreOperationId(), server, "this drill's restore");
    }

    /** {@link #refusal(String, String, ServerAdmin.Server, String)} of a dump drill's server, which the drill created. */
    static String refusal(String source, String createdBy, ServerAdmin.Server server) {
        return refusal(source, createdBy, server, "this drill");
    }

    /**
     * Why {@code server} is not the one {@code creator} created (tagged {@value RestoredServers#TAG}={@code
     * createdBy}), or null when it is: a drill of {@code source} writes to, connects to or deletes no other server.
     */
    static String refusal(String source, String createdBy, ServerAdmin.Server server, String creator) {
        if (server.name().equalsIgnoreCase(source)) {
            return "it is the source server";
        }
        if (!serverNames(source).matcher(server.name()).matches()) {
            return "its name is not a drill server's (" + sourcePart(source) + "-drill-<yyyyMMddHHmm>)";
        }
        if (!"true".equalsIgnoreCase(server.tags().get(Drill.TAG))) {
            return "Resource Manager shows it without the tag " + Drill.TAG + "=true";
        }
        String by = server.tags().get(RestoredServers.TAG);
        if (createdBy == null || !createdBy.equals(by)) {
            return "Resource Manager shows it " + (by == null ? "without the tag " + RestoredServers.TAG
                    : "tagged " + RestoredServers.TAG + "=" + by) + ", so " + creator + " did not create it";
        }
        return null;
    }

    /** The drill group of the settings, when the record names it; else a refusal. */
    private String checkGroup(Operation drill) {
        String recorded = drill.state(DrillState.class).resourceGroup();
        String expected = servers.groupFor(true);
        if (!java.util.Objects.equals(recorded == null ? null : recorded.toLowerCase(java.util.Locale.ROOT),
                expected == null ? null : expected.toLowerCase(java.util.Locale.ROOT))) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "drill " + drill.id() + " names resource group "
                    + recorded + ", but drill servers go to " + expected + " (DRILL_RESOURCE_GROUP): nothing is sent "
                    + "to " + drill.target(), "NotOurs", null);
        }
        return expected;
    }

    /** The deletion has ended: {@code problem} null when the server is gone. */
    private Operation deleted(Operation drill, String problem) {
        Instant now = clock.instant();
        DrillState d = drill.state(DrillState.class);
        String where = drill.target() + (d.resourceGroup() != null ? " in resource group " + d.resourceGroup() : "");
        DrillState ended;
        if (problem == null) {
            ended = d.deletionEnded(now, "deleted " + where);
        } else {
            ended = d.deletionEnded(null, "could not delete " + where + " (" + problem + "): delete it by hand if it "
                    + "is the drill's, or leave it to the sweeper of the retentionPrune timer");
            if (ended.passed()) {
                ended = ended.judged(new Operation.Failure("DrillServerNotDeleted", "the drill passed, but its server "
                        + ended.deletion()));
            }
        }
        return end(drill.with(now, ended), problem == null);
    }

    private Operation end(Operation drill, boolean serverGone) {
        return end(drill, serverGone, clock.instant());
    }

    /** The drill's end: passed when the restore was verified and the server is gone, else failed with the reason. */
    static Operation end(Operation drill, boolean serverGone, Instant now) {
        DrillState d = drill.state(DrillState.class);
        boolean passed = d.passed() && serverGone;
        DrillState marked = d.reach(passed ? Step.PASSED : Step.FAILED, now);
        if (passed) {
            return drill.succeeded(now, marked);
        }
        Operation.Failure why = d.failure() == null ? new Operation.Failure("DrillFailed", "the drill failed")
                : d.failure();
        String message = why.message();
        if (!serverGone && !d.passed()) {
            message = message + "; and " + d.deletion();
        }
        return drill.failed(now, new Operation.Failure(why.code(), message), marked);
    }
}
