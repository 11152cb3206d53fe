package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A recovery drill as callers see it ({@code GET /api/drills/{id}}, {@code drill-status},
 * the last drill in {@code status}): the step it is at, each step with its measured
 * duration, the restore's measured recovery time against RTO_TARGET_MINUTES, the
 * verification of the drill server, and whether that server was deleted. Built from the
 * drill's operation and the point-in-time restore it started, or for a dump drill from the
 * drill alone (it created the empty server and restored the dump itself).
 *
 * @param drillId            the drill's operation id
 * @param step               requested, restoring, completing, verifying, deleting, passed or failed
 * @param status             InProgress, Succeeded (passed) or Failed
 * @param server             the temporary server, {@code <source>-drill-<yyyyMMddHHmm>}
 * @param resourceGroup      its resource group (DRILL_RESOURCE_GROUP), or null for the source's
 * @param sourceServer       the server drilled
 * @param restorePoint       latest or fast (DRILL_RESTORE_POINT)
 * @param trigger            timer, http or cli
 * @param requestedBy        who started it (the timer's drills: "recoveryDrill timer")
 * @param requestedAt        when it was asked for
 * @param finishedAt         when it ended (the drill server deleted), or null
 * @param error              why it failed, or null
 * @param steps              each step reached, in order, with its start, end and seconds (the current one open)
 * @param recoverySeconds    the recovery time: from the restore's request (a dump drill's own request) to the end of
 *                           the verification
 * @param targetMinutes      RTO_TARGET_MINUTES
 * @param withinTarget       whether recoverySeconds is within it; null until measured
 * @param restoreOperationId the point-in-time restore the drill started, or null before it
 * @param verification       the drill server checked against the backups, once done
 * @param serverDeleted      whether the drill server is gone (null until the drill deletes it)
 * @param deletion           what the deletion did, in a sentence
 * @param method             point-in-time or dump
 * @param backupId           a dump drill's dump, else null
 * @param rolesCreated       the roles a dump drill's restore created on the empty server (null for point-in-time)
 * @param roleWarnings       what that server refused of them, one sentence each (null for point-in-time)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Drill(String drillId, String step, OperationStatus status, String server, String resourceGroup,
                    String sourceServer, String restorePoint, String trigger, String requestedBy, Instant requestedAt,
                    Instant finishedAt, Operation.Failure error, List<StepTime> steps, Long recoverySeconds,
                    int targetMinutes, Boolean withinTarget, String restoreOperationId,
                    Completion.Verification verification, Boolean serverDeleted, String deletion,
                    String method, String backupId, List<String> rolesCreated, List<String> roleWarnings) {
    /** The tag on every drill server; the sweeper deletes no server without it. */
    public static final String TAG = "shiftsync-drill";

    public Drill {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /**
     * One step of a drill, measured.
     *
     * @param seconds from its start to its end, or to now while it runs
     */
    public record StepTime(String step, Instant startedAt, Instant endedAt, long seconds) {
    }

    /**
     * The drill {@code drill} describes, with the restore it started (null before it started
     * one, or when that record is gone), measured at {@code now}.
     */
    public static Drill of(Operation drill, Operation restore, int targetMinutes, Instant now) {
        DrillState d = drill.state(DrillState.class);
        List<StepTime> steps = new ArrayList<>();
        List<DrillState.Reached> reached = d.reached().stream().filter(r -> !r.step().ended()).toList();
        for (int i = 0; i < reached.size(); i++) {
            Instant start = reached.get(i).at();
            Instant end = i + 1 < reached.size() ? reached.get(i + 1).at() : drill.finishedAt();
            Duration took = Duration.between(start, end == null ? now : end);
            steps.add(new StepTime(reached.get(i).step().id(), start, end, Math.max(0, took.toSeconds())));
        }
        DrillState.DumpRestore dump = d.dump();
        Long recovery;
        Completion c;
        if (d.method() == DrillState.Method.DUMP) {
            c = dump == null ? null : dump.completion();
            recovery = c == null || c.verifiedAt() == null ? null
                    : Math.max(0, Duration.between(drill.requestedAt(), c.verifiedAt()).toSeconds());
        } else {
            recovery = restore == null ? null : restore.duration().map(Duration::toSeconds).orElse(null);
            c = restore == null ? null : restore.completion();
        }
        boolean dumped = dump != null && dump.restoreMs() != null;
        return new Drill(drill.id(), d.step().id(), drill.status(), drill.target(), d.resourceGroup(),
                d.sourceServer(), d.method() == DrillState.Method.DUMP ? null : d.restorePoint(), d.trigger(),
                drill.requestedBy(), drill.requestedAt(), drill.finishedAt(), drill.error(), steps, recovery,
                targetMinutes, recovery == null ? null : recovery <= targetMinutes * 60L, d.restoreOperationId(),
                c == null ? null : c.verification(), d.deletedAt() != null ? Boolean.TRUE : null, d.deletion(),
                d.method().id(), dump == null ? null : dump.backupId(), dumped ? dump.rolesCreated() : null,
                dumped ? dump.roleWarnings() : null);
    }

    /** The drill {@code drill} describes, with its restore found among {@code all} (operations already read). */
    public static Drill of(Operation drill, java.util.List<Operation> all, int targetMinutes, Instant now) {
        String restoreId = drill.state(DrillState.class).restoreOperationId();
        Operation restore = restoreId == null ? null
                : all.stream().filter(o -> o.id().equals(restoreId)).findFirst().orElse(null);
        return of(drill, restore, targetMinutes, now);
    }

    /**
     * What this drill's end raises: {@code drill-failed} when it failed, {@code drill-rto-exceeded}
     * when its measured recovery time is over the target; the drill's end event and the monitor
     * (every run, while it is the last drill) raise the same alerts.
     */
    public java.util.List<Alert> alerts() {
        java.util.List<Alert> alerts = new java.util.ArrayList<>();
        if (status.finished() && !passed()) {
            alerts.add(new Alert(AlertCode.DRILL_FAILED, null, "recovery drill " + drillId + " of " + sourceServer
                    + ", started " + requestedAt.truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + ", failed: "
                    + (error == null ? "no reason on record" : error.message())));
        }
        if (Boolean.FALSE.equals(withinTarget)) {
            alerts.add(new Alert(AlertCode.DRILL_RTO_EXCEEDED, null, "recovery drill " + drillId + ", started "
                    + requestedAt.truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + ", took "
                    + Wording.duration(Duration.ofSeconds(recoverySeconds)) + " from the restore's request to a "
                    + "verified server, over the RTO target of " + targetMinutes + " min"));
        }
        return alerts;
    }

    /** A dump drill: the newest dump restored into an empty server. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean dump() {
        return DrillState.Method.DUMP.id().equals(method);
    }

    /** Passed: the restore was verified and the drill server deleted. */
    public boolean passed() {
        return status == OperationStatus.Succeeded;
    }
}
