package com.shiftsync.backup.monitor;

import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillPolicy;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.Wording;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The recovery part of the status, read from the operations on record: the newest measured
 * recovery time of each way of restoring a server (point-in-time, geo-restore; a drill's
 * restore counts), the last recovery drill, and the drill alerts: the last drill failed, it
 * took longer than RTO_TARGET_MINUTES, or (while DRILL_ENABLED) no drill passed within
 * DRILL_MAX_AGE_DAYS.
 */
final class RecoveryWatch {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);

    private final DrillPolicy drills;
    private final int targetMinutes;

    RecoveryWatch(DrillPolicy drills, int targetMinutes) {
        this.drills = drills;
        this.targetMinutes = targetMinutes;
    }

    StatusReport.RecoveryStatus evaluate(List<Operation> operations, Instant now, List<Alert> alerts) {
        List<StatusReport.MeasuredRecovery> measured = new ArrayList<>();
        // a drill's own measured recovery is a dump drill's: a point-in-time drill's is its restore's
        for (OperationKind kind : List.of(OperationKind.POINT_IN_TIME, OperationKind.GEO, OperationKind.DRILL)) {
            operations.stream().filter(o -> o.kind() == kind && o.measuredRecovery().isPresent())
                    .max(Comparator.comparing(Operation::finishedAt))
                    .ifPresent(o -> {
                        long seconds = o.measuredRecovery().get().toSeconds();
                        measured.add(new StatusReport.MeasuredRecovery(kind == OperationKind.GEO ? "geo-restore"
                                : kind == OperationKind.DRILL ? "dump-restore" : "point-in-time", o.id(),
                                kind == OperationKind.DRILL || o.details().containsKey("drillId"), o.finishedAt(),
                                seconds, seconds <= targetMinutes * 60L));
                    });
        }
        List<Operation> all = operations.stream().filter(o -> o.kind() == OperationKind.DRILL).toList();
        Optional<Operation> last = all.stream().filter(o -> o.status().finished())
                .max(Comparator.comparing(Operation::finishedAt));
        Optional<Operation> lastPassed = all.stream().filter(o -> o.status() == OperationStatus.Succeeded)
                .max(Comparator.comparing(Operation::finishedAt));
        Optional<Operation> running = all.stream().filter(o -> !o.status().finished())
                .max(Comparator.comparing(Operation::requestedAt));
        Drill lastDrill = last.map(d -> drill(d, operations, now)).orElse(null);
        if (lastDrill != null) {
            alerts.addAll(lastDrill.alerts());
        }
        if (drills.enabled() && (lastPassed.isEmpty()
                || Duration.between(lastPassed.get().finishedAt(), now).compareTo(drills.maxAge()) > 0)) {
            alerts.add(new Alert(AlertCode.DRILL_STALE, null, "no recovery drill passed in the last "
                    + drills.maxAgeDays() + " days (DRILL_MAX_AGE_DAYS): " + lastPassed.map(d -> "the last that "
                    + "passed ended " + WHEN.format(d.finishedAt()) + ", " + Wording.span(Duration.between(
                    d.finishedAt(), now)) + " ago").orElse("none ever passed") + "; is the recoveryDrill timer "
                    + "running?"));
        }
        return new StatusReport.RecoveryStatus(targetMinutes, measured, new StatusReport.DrillStatus(
                drills.enabled(), drills.maxAgeDays(), lastDrill,
                lastPassed.map(Operation::finishedAt).orElse(null),
                running.map(d -> drill(d, operations, now)).orElse(null)), null);
    }

    private Drill drill(Operation drill, List<Operation> all, Instant now) {
        return Drill.of(drill, all, targetMinutes, now);
    }

    /** The recovery part when the operations could not be read: said so, never silently empty. */
    StatusReport.RecoveryStatus unreadable(String why) {
        return new StatusReport.RecoveryStatus(targetMinutes, List.of(), new StatusReport.DrillStatus(
                drills.enabled(), drills.maxAgeDays(), null, null, null), why);
    }
}
