package com.shiftsync.backup.recovery;

import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillPolicy;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerAdmin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deletes drill servers a drill left behind (an app stopped for good mid-drill, a DELETE
 * that failed): in DRILL_RESOURCE_GROUP, a server is deleted only when it carries the tag
 * {@value Drill#TAG}=true, its name is {@code <source>-drill-<yyyyMMddHHmm>}, it is older
 * than DRILL_MAX_HOURS, and its drill has ended or is unknown. Anything else, the source
 * above all, is never touched. Each deletion is reported and audited.
 */
public final class DrillSweeper {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm");
    static final String AUDIT_ACTION = "recovery.drill.delete-server";

    private final ServerAdmin admin;
    private final OperationStore store;
    private final DrillPolicy policy;
    private final String sourceName;
    private final RetryPolicy retry;
    private final Clock clock;

    /**
     * The outcome of a sweep.
     *
     * @param deleted the servers deleted (their DELETE accepted)
     * @param kept    each drill server left, with why ("younger than 6 h", "its drill is running")
     * @param failed  each server that could not be deleted, with why
     */
    public record Sweep(List<String> deleted, Map<String, String> kept, Map<String, String> failed) {
        public Sweep {
            deleted = List.copyOf(deleted);
            kept = Map.copyOf(kept);
            failed = Map.copyOf(failed);
        }
    }

    public DrillSweeper(ServerAdmin admin, OperationStore store, DrillPolicy policy, String sourceName,
                        RetryPolicy retry, Clock clock) {
        this.admin = admin;
        this.store = store;
        this.policy = policy;
        this.sourceName = sourceName;
        this.retry = retry;
        this.clock = clock;
    }

    /** Looks at every server of the drill group and deletes the drill servers left behind. */
    public Sweep sweep(Reporter reporter) {
        Sweep sweep;
        try {
            sweep = run(reporter);
        } catch (RuntimeException e) {
            reporter.event(Event.failed(DrillEvents.SWEEP_FAILED, group(), e));
            throw e;
        }
        Map<String, Object> f = new LinkedHashMap<>(group());
        f.put("deleted", sweep.deleted());
        f.put("kept", sweep.kept());
        f.put("failed", sweep.failed());
        reporter.event(sweep.failed().isEmpty() ? Event.info(DrillEvents.SWEPT, f)
                : Event.severe(DrillEvents.SWEEP_FAILED, f));
        return sweep;
    }

    private Map<String, Object> group() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("resourceGroup", policy.resourceGroup());
        return f;
    }

    private Sweep run(Reporter reporter) {
        ServerAdmin a = admin;
        Instant now = clock.instant();
        Pattern name = DrillJob.serverNames(sourceName);
        List<Operation> drills = store.list().stream().filter(o -> o.kind() == OperationKind.DRILL).toList();
        List<String> deleted = new ArrayList<>();
        Map<String, String> kept = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (ServerAdmin.Server s : a.servers(policy.resourceGroup())) {
            Matcher m = name.matcher(s.name());
            if (s.name().equalsIgnoreCase(sourceName) || !m.matches()
                    || !"true".equalsIgnoreCase(s.tags().get(Drill.TAG))) {
                continue;
            }
            Optional<Instant> born = Optional.ofNullable(s.createdAt()).or(() -> stamp(m.group(1)));
            if (born.isEmpty()) {
                kept.put(s.name(), "its age is unknown");
                continue;
            }
            Duration age = Duration.between(born.get(), now);
            if (age.compareTo(policy.maxServerAge()) <= 0) {
                kept.put(s.name(), "younger than " + policy.maxHours() + " h");
                continue;
            }
            Optional<Operation> drill = drills.stream().filter(d -> d.target().equals(s.name())).findFirst();
            if (drill.isPresent() && !drill.get().status().finished() && !retry.givenUp(drill.get().requestedAt(), now)) {
                kept.put(s.name(), "its drill " + drill.get().id() + " is running");
                continue;
            }
            if ("Dropping".equalsIgnoreCase(s.state())) {
                kept.put(s.name(), "already being deleted");
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("server", s.name());
            parameters.put("resourceGroup", policy.resourceGroup() == null ? "" : policy.resourceGroup());
            parameters.put("ageHours", String.valueOf(age.toHours()));
            drill.ifPresent(d -> parameters.put("drillId", d.id()));
            Caller sweeper = Caller.worker("retentionPrune", "the drill sweeper");
            try {
                a.delete(policy.resourceGroup(), s.name());
            } catch (RuntimeException e) {
                String why = ShiftSyncException.wrap(e).getMessage();
                failed.put(s.name(), why);
                reporter.audit(new AuditRecord(now, AuditRecord.AuditCaller.of(sweeper), AUDIT_ACTION, parameters,
                        AuditRecord.FAILED, drill.map(Operation::id).orElse(null), why, null, null));
                continue;
            }
            deleted.add(s.name());
            reporter.audit(new AuditRecord(now, AuditRecord.AuditCaller.of(sweeper), AUDIT_ACTION, parameters,
                    AuditRecord.SUCCEEDED, drill.map(Operation::id).orElse(null), "deleted drill server " + s.name()
                    + ", " + age.toHours() + " h old, " + (drill.isEmpty() ? "of no drill on record"
                    : "whose drill had ended"), null, null));
            Map<String, Object> f = new LinkedHashMap<>(parameters);
            f.put("reason", drill.isEmpty() ? "no drill on record" : drill.get().status().finished()
                    ? "its drill ended " + drill.get().status() : "its drill was abandoned");
            reporter.event(Event.info(DrillEvents.SERVER_DELETED, f));
        }
        return new Sweep(deleted, kept, failed);
    }

    private static Optional<Instant> stamp(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text, STAMP).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
