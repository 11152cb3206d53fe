package com.shiftsync.backup.recovery;

import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.port.Reporter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What recovery drills report: the start, each step, and the end (passed or failed, with
 * every step's measured duration and the recovery time against RTO_TARGET_MINUTES, and an
 * alert when it failed or was too slow); the timer's skip when drills are off, the refusal
 * of a second drill, and the sweeper's deletions.
 */
public final class DrillEvents {
    public static final String STARTED = "ShiftSync.Drill.Started";
    public static final String STEP = "ShiftSync.Drill.Step";
    public static final String PASSED = "ShiftSync.Drill.Passed";
    public static final String FAILED = "ShiftSync.Drill.Failed";
    /** The timer ran with DRILL_ENABLED not true: no drill. */
    public static final String SKIPPED = "ShiftSync.Drill.Skipped";
    /** A drill was asked for while one runs, or could not be recorded. */
    public static final String REFUSED = "ShiftSync.Drill.Refused";
    /** The sweeper deleted a drill server left behind. */
    public static final String SERVER_DELETED = "ShiftSync.Drill.ServerDeleted";
    /** The sweeper's run: what it deleted and what it left. */
    public static final String SWEPT = "ShiftSync.Drill.Swept";
    public static final String SWEEP_FAILED = "ShiftSync.Drill.SweepFailed";
    /** Where a drill's alerts come from. */
    static final String SOURCE = "recoveryDrill";

    private DrillEvents() {
    }

    static void started(Operation drill, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("drillId", drill.id());
        f.put("server", drill.target());
        f.put("resourceGroup", drill.details().get("resourceGroup"));
        f.put("method", drill.parameters().get("method"));
        f.put("restorePoint", drill.parameters().get("restorePoint"));
        f.put("backupId", drill.details().get("backupId"));
        f.put("trigger", drill.parameters().get("trigger"));
        f.put("requestedBy", drill.requestedBy());
        reporter.event(Event.info(STARTED, f));
    }

    static void step(Operation drill, String from, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("drillId", drill.id());
        f.put("server", drill.target());
        f.put("step", drill.state().stepName());
        f.put("from", from);
        f.put("elapsedSeconds", drill.elapsed(drill.updatedAt()).toSeconds());
        reporter.event(Event.info(STEP, f));
    }

    /** The end: passed or failed with every measured figure; alerts for a failure and for a recovery over target. */
    static void ended(Drill drill, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("drillId", drill.drillId());
        f.put("server", drill.server());
        f.put("passed", drill.passed());
        f.put("method", drill.method());
        f.put("recoverySeconds", drill.recoverySeconds());
        f.put("targetMinutes", drill.targetMinutes());
        f.put("withinTarget", drill.withinTarget());
        Map<String, Long> steps = new LinkedHashMap<>();
        drill.steps().forEach(s -> steps.put(s.step(), s.seconds()));
        f.put("stepSeconds", steps);
        f.put("serverDeleted", Boolean.TRUE.equals(drill.serverDeleted()));
        if (drill.rolesCreated() != null) {
            f.put("rolesCreated", drill.rolesCreated());
        }
        if (drill.error() != null) {
            f.put("code", drill.error().code());
            f.put("reason", drill.error().message());
        }
        reporter.event(Event.of(drill.passed(), PASSED, FAILED, f));
        drill.alerts().forEach(a -> reporter.event(a.event(SOURCE)));
    }

    static void skipped(String reason, Reporter reporter) {
        reporter.event(Event.info(SKIPPED, Map.of("reason", reason)));
    }
}
