package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.ClientReadiness;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.monitor.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Are the backups healthy? The same evaluation as the backupMonitor timer and GET /api/status. */
@Command(name = "status",
        header = "Show the newest good backup of each tier against the RPO, the restore tests, and every alert.",
        description = {
                "Reads every configured store as one (the local folder and Blob Storage; --source narrows it): "
                + "only complete backups count, a restore test recorded in either store counts. Shows the newest "
                + "good backup of each tier, where it is and its age against RPO_TARGET_HOURS, the restore tests, "
                + "measured restore times against RTO_TARGET_MINUTES, and alerts (missing backup, size anomaly, "
                + "emptied table, stale or failed restore test, damaged backup, backup missing from Azure, failed, "
                + "slow or stale recovery drill, pg_dump older than the server), server restores' measured recovery "
                + "times and the last recovery drill, and which pg_dump the next backup and which pg_restore a "
                + "restore of the newest backup into DATABASE_URL's server would use. Exit 0 whether or not there "
                + "are alerts; --json has \"healthy\" for scripts.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup status", "  shiftsync-backup status --json | jq .healthy"})
final class StatusCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--source", paramLabel = "local|azure",
            description = "Only this store. Default: every configured store.")
    String source;

    @Option(names = "--json", description = "Print the report as JSON (what GET /api/status answers).")
    boolean json;

    StatusCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        StatusReport report = app.monitoring().monitorJob().run(app.stores().sources(source).searched(),
                cli.reporter());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(report));
            out.flush();
            return 0;
        }
        out.printf("stores read: %s%n", String.join(" and ", app.stores().sources(source).searched().stream()
                .map(s -> s.describe()).toList()));
        String format = "%-7s %-45s %9s %10s %10s  %s%n";
        out.printf(format, "TIER", "NEWEST GOOD BACKUP", "AGE", "SIZE", "MEDIAN", "IN");
        for (StatusReport.TierStatus t : report.tiers()) {
            out.printf(format, t.tier(), t.newestBackupId() == null ? "-" : t.newestBackupId(),
                    t.ageHours() == null ? "-" : String.format(Locale.ROOT, "%.1f h", t.ageHours()),
                    t.sizeBytes() == null ? "-" : Format.bytes(t.sizeBytes()),
                    t.medianSizeBytes() == null ? "-" : Format.bytes(t.medianSizeBytes()),
                    t.newestIn() == null || t.newestIn().isEmpty() ? "-" : String.join(",", t.newestIn()));
        }
        StatusReport.Rpo rpo = report.rpo();
        out.printf("RPO target %d h: %s%n", rpo.targetHours(), rpo.newestBackupId() == null ? "MISSED, no good backup"
                : (rpo.met() ? "met" : "MISSED") + String.format(Locale.ROOT, " (newest good backup %.1f h old)",
                rpo.ageHours()));
        StatusReport.VerificationStatus v = report.verification();
        out.printf("restore test: %s%n", v.lastBackupId() == null ? "none on record"
                : (Boolean.TRUE.equals(v.lastPassed()) ? "passed" : "FAILED") + " " + Format.when(v.lastVerifiedAt())
                + " (" + v.lastBackupId() + ")");
        if (report.restoreTimes().measured().isEmpty()) {
            out.printf("RTO target %d min: no restore measured yet%n", report.restoreTimes().targetMinutes());
        }
        for (StatusReport.RestoreTime t : report.restoreTimes().measured()) {
            out.printf("RTO target %d min: %s of %s took %s on %s%s%n", report.restoreTimes().targetMinutes(),
                    t.kind().equals("verify") ? "restore test" : "restore", t.backupId(),
                    Format.duration(Duration.ofMillis(t.durationMs())), Format.when(t.at()),
                    t.withinRto() ? "" : " (OVER TARGET)");
        }
        recovery(out, report.recovery());
        clients(out, report.clients());
        if (report.healthy()) {
            out.println("no alerts");
        } else {
            out.println("alerts:");
            for (Alert a : report.alerts()) {
                out.println("  " + a);
            }
        }
        out.flush();
        return 0;
    }

    /** Which pg_dump the next backup and which pg_restore a restore of the newest backup would use. */
    static void clients(PrintWriter out, ClientReadiness c) {
        if (c == null) {
            return;
        }
        out.printf("clients here: %s%n", c.clients().isEmpty() ? "none found" : String.join(", ", c.clients().stream()
                .map(k -> k.describe("pg_dump/pg_restore")).toList()));
        if (c.serverMajor() == null) {
            out.printf("server: unknown, %s%n", c.unknown());
            return;
        }
        out.printf("server %s: PostgreSQL %s%n", c.server(), c.serverVersion());
        out.printf("next backup: %s%n", c.backup().describe());
        if (c.restore() != null) {
            out.printf("restore of %s into it: %s%n", c.restore().backupId(), c.restore().describe());
        }
    }

    /** Server restores' measured recovery times and the last recovery drill. */
    private static void recovery(PrintWriter out, StatusReport.RecoveryStatus r) {
        if (r == null) {
            return;
        }
        if (r.unreadable() != null) {
            out.printf("server restores and drills: unknown, %s%n", r.unreadable());
            return;
        }
        for (StatusReport.MeasuredRecovery m : r.measured()) {
            out.printf("RTO target %d min: %s restore %s took %s to a verified server on %s%s%n", r.targetMinutes(),
                    m.method(), m.drill() ? "(a drill's)" : m.operationId(), Format.duration(Duration.ofSeconds(
                            m.seconds())), Format.when(m.at()), m.withinTarget() ? "" : " (OVER TARGET)");
        }
        StatusReport.DrillStatus d = r.drills();
        com.shiftsync.backup.domain.Drill last = d.last();
        out.printf("recovery drills: %s; last: %s%n", d.enabled() ? "on (DRILL_ENABLED)" : "off (DRILL_ENABLED)",
                last == null ? "none on record" : (last.passed() ? "passed " : "FAILED ") + Format.when(
                        last.finishedAt()) + " (" + last.drillId() + ")" + (last.recoverySeconds() == null ? ""
                        : ", recovery " + Format.duration(Duration.ofSeconds(last.recoverySeconds())))
                        + stepsOf(last));
        if (d.running() != null) {
            out.printf("recovery drill running: %s, step %s%n", d.running().drillId(), d.running().step());
        }
    }

    private static String stepsOf(com.shiftsync.backup.domain.Drill drill) {
        StringBuilder s = new StringBuilder();
        for (com.shiftsync.backup.domain.Drill.StepTime t : drill.steps()) {
            s.append(s.length() == 0 ? " [" : ", ").append(t.step()).append(' ')
                    .append(Format.duration(Duration.ofSeconds(t.seconds())));
        }
        return s.length() == 0 ? "" : s.append(']').toString();
    }
}
