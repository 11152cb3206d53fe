package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.RetentionPlan.Decision;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.SweepResult;
import com.shiftsync.backup.prune.DamagedBackup;
import com.shiftsync.backup.prune.OrphanArchive;
import com.shiftsync.backup.prune.PartialFile;
import com.shiftsync.backup.prune.PruneCounts;
import com.shiftsync.backup.prune.PruneJob;
import com.shiftsync.backup.prune.PruneReport;
import com.shiftsync.backup.prune.Renewal;
import com.shiftsync.backup.prune.StoreOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Every retention rule at once, as the retentionPrune timer runs it; with --dry-run, only the plan. */
@Command(name = "prune",
        header = "Apply every retention rule (local, Blob, uploads), printing each backup with keep or delete and why.",
        description = {
                "Local backups, Blob backups and the uploads sweep (when storage is configured). The newest "
                + "complete backup of each tier and the newest verified backup are never deleted; neither is a "
                + "backup whose manifest is unreadable (it is reported as damaged). Archives without a manifest "
                + "and partial files of runs that died are deleted after ORPHAN_GRACE_HOURS, never while a live "
                + "run owns them. In Blob Storage with version-level immutability a backup whose retention policy "
                + "has not expired, or that is under a legal hold (hold), is kept and said so, and the backups "
                + "kept past their retention get their protection extended (lock). --dry-run deletes nothing and "
                + "prints the plan a real run executes.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup prune --dry-run", "  shiftsync-backup prune --json"})
final class PruneCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Delete nothing; print what a real run would delete.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the plan and its outcome as JSON.")
    boolean json;

    PruneCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        PruneJob job = app.backups().pruneJob();
        PruneReport report = job.run(dryRun, cli.reporter());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(report));
        } else {
            print(report, out);
        }
        out.flush();
        if (report.failed()) {
            PrintWriter err = spec.commandLine().getErr();
            for (int i = 0; i < report.problems().size() - 1; i++) {
                err.println("shiftsync-backup: " + report.problems().get(i));
            }
            err.flush();
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, report.problems().get(report.problems().size() - 1));
        }
        return 0;
    }

    static void print(PruneReport report, PrintWriter out) {
        if (report.dryRun()) {
            out.println("dry run: nothing was deleted; a real run now deletes exactly what is marked delete");
        }
        for (StoreOutcome s : report.stores()) {
            if (s.plan() == null) {
                out.printf("%s: not pruned%n", s.location());
                continue;
            }
            out.printf("%s (%s):%n", s.location(), s.plan().rules());
            if (s.plan().decisions().isEmpty() && s.orphans().isEmpty() && s.damaged().isEmpty()
                    && s.partials().isEmpty()) {
                out.println("  no backups");
            }
            for (Decision d : s.plan().decisions()) {
                out.printf("  %-6s  %-6s  %s  %s%n", d.action().word(), d.tier(), d.id(), d.reason());
            }
            for (OrphanArchive o : s.orphans()) {
                out.printf("  %-6s  %-6s  %s  %s%n", o.action().word(), o.tier(), o.id() + ".dump", o.reason());
            }
            for (PartialFile p : s.partials()) {
                out.printf("  %-6s  %-6s  %s  %s (%s)%n", p.action().word(), p.tier(), p.name(), p.reason(),
                        Format.bytes(p.sizeBytes()));
            }
            for (DamagedBackup d : s.damaged()) {
                out.printf("  %-6s  %-6s  %s  %s%n", "DAMAGE", d.tier(), d.id(), d.reason());
            }
            for (Renewal r : s.renewals()) {
                out.printf("  %-6s  %-6s  %s  %s%s%n", "lock", r.tier(), r.id(), r.reason(),
                        report.dryRun() || s.renewed().contains(r.id()) ? "" : " (not done: see the error)");
            }
            for (String refused : s.refusedByStore()) {
                out.printf("  refused by the store: %s%n", refused);
            }
        }
        SweepResult u = report.uploads();
        if (u != null) {
            if (u.missing()) {
                out.printf("uploads: %s does not exist; nothing to sweep%n", u.location());
            } else {
                out.printf("uploads in %s: %s %s (%s) last modified at or before %s; %s newer kept%s%n", u.location(),
                        report.dryRun() ? "would delete" : "deleted", Format.count(u.deleted()),
                        Format.bytes(u.deletedBytes()), Format.when(report.uploadsCutoff()), Format.count(u.kept()),
                        u.skipped() > 0 ? "; " + Format.count(u.skipped()) + " changed since listed, left alone" : "");
            }
        }
        PruneCounts counts = report.counts();
        long locked = report.stores().stream().mapToLong(s -> report.dryRun() ? s.renewals().size() : s.renewed().size())
                .sum();
        long refused = report.stores().stream().mapToLong(s -> s.refusedByStore().size()).sum();
        out.printf("%s %d backup(s) (%s), %d orphan archive(s) and %d partial file(s) of dead runs (%s); kept %d%s%s%s%n",
                report.dryRun() ? "would delete" : "deleted", counts.deleted(), Format.bytes(counts.deletedBytes()),
                counts.orphansDeleted(), counts.partialsDeleted(), Format.bytes(counts.partialBytes()), counts.kept(),
                counts.damaged() == 0 ? "" : "; " + counts.damaged() + " damaged backup(s) found (see status)",
                locked == 0 ? "" : "; " + (report.dryRun() ? "would extend" : "extended") + " the protection of "
                        + locked + " kept backup(s)",
                refused == 0 ? "" : "; " + refused + " deletion(s) refused by the store (immutable), kept");
    }
}
