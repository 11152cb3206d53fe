package com.shiftsync.backup.cli;

import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.backup.StoreResult;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Progress;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.prune.PruneJob;
import com.shiftsync.backup.prune.PruneReport;
import com.shiftsync.backup.prune.StoreOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** The guide's {@code backup_database.sh [--upload] [--keep-days N]}, fail-closed per store. */
@Command(name = "backup",
        header = "Back up DATABASE_URL into BACKUP_DIR (and Blob Storage with --upload), then prune old local backups.",
        description = {
                "Exports DATABASE_URL with pg_dump -Fc into BACKUP_DIR; with --upload into Blob Storage "
                + "(BACKUP_CONTAINER) at the same time. Each store stands alone: when one fails (Blob Storage "
                + "down, a full disk), the others keep their copy, the run exits 1 and says which copy exists, and "
                + "the next backup --upload (or offsite-check --repair) uploads the missing copy. Then deletes the "
                + "local backups of the tier older than --keep-days, never the newest complete one, and says what "
                + "it deleted. Prints the new backup's id (with --json, its manifest). Progress goes to stderr: in "
                + "place on a terminal, else a line every --progress-every seconds. SIGTERM or Ctrl-C stops it "
                + "cleanly: no partial file, no held lock, \"interrupted: no backup was made\".",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup backup --upload",
                "  shiftsync-backup backup --upload --keep-days 30 --tier weekly >> /var/log/backup.log 2>&1"})
final class BackupCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--upload", description = "Also store the backup in Blob Storage (BACKUP_CONTAINER).")
    boolean upload;

    @Option(names = "--keep-days", paramLabel = "N",
            description = "Delete local backups of this tier older than N days. Default: LOCAL_RETENTION_DAYS (7); "
                    + "for --tier weekly WEEKLY_RETENTION_DAYS (30). The newest complete backup always stays.")
    Integer keepDays;

    @Option(names = "--tier", paramLabel = "daily|weekly|manual", defaultValue = "daily",
            description = "Which schedule this backup belongs to.")
    String tier;

    @Option(names = "--json", description = "Print the manifest as JSON (a failure as {\"error\": {...}}).")
    boolean json;

    @Option(names = "--quiet", description = "No progress lines (errors and the result are still printed).")
    boolean quiet;

    @Option(names = "--progress-every", paramLabel = "SECONDS", defaultValue = "30",
            description = "When stderr is not a terminal (cron, a log file), write a progress line this often.")
    int progressEvery;

    BackupCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        Tier chosen = Tier.parse(tier);
        Duration every = OptionValues.seconds("--progress-every", progressEvery);
        // built before the backup, so a bad retention setting is refused before anything runs
        PruneJob prune = app.backups().localPruneJob(chosen, keepDays);
        long keep = prune.targets().get(0).policy().maxAge(chosen).toDays();
        BackupJob job = upload ? app.backups().toLocalAndAzure() : app.backups().toLocal();
        PrintWriter err = spec.commandLine().getErr();
        BackupResult result = Interrupts.run(err, "interrupted: no backup was made", cancel -> {
            ProgressLine line = quiet ? null : new ProgressLine(err, cli.console().terminal(), "backup", every);
            try {
                return job.run(chosen, cli.reporter(), WarmUp.whenDumpStarts(line == null ? Progress.NONE : line),
                        cancel);
            } finally {
                if (line != null) {
                    line.close();
                }
            }
        });
        Manifest m = result.manifest();
        err.printf("backup %s done: %s, %d tables, %s rows, %s; stored in %s%n", m.id(), Format.bytes(m.sizeBytes()),
                m.rowCounts().size(), Format.count(m.totalRows()), Format.duration(result.duration()),
                String.join(" and ", result.storeResults().stream().filter(StoreResult::stored)
                        .map(StoreResult::location).toList()));
        for (String line : result.caughtUp()) {
            err.println("caught up: " + line);
        }
        PruneReport pruned = prune.run(false, cli.reporter());
        printPruned(err, pruned.stores().get(0), chosen, keep, keepDays != null);
        PrintWriter out = spec.commandLine().getOut();
        if (!result.complete()) {
            String sentence = result.partialSummary() + ". The next backup --upload, or shiftsync-backup "
                    + "offsite-check --repair, copies it there from " + result.storeResults().stream()
                    .filter(StoreResult::stored).findFirst().map(StoreResult::location).orElse("the good copy")
                    + " after checking its SHA-256";
            if (json) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", ErrorCode.JOB_FAILED.id());
                error.put("message", sentence);
                error.put("backupId", m.id());
                error.put("stores", result.storeResults());
                out.println(Json.pretty(Map.of("error", error)));
            } else {
                out.println(m.id());
            }
            out.flush();
            err.println("shiftsync-backup: " + sentence);
            err.flush();
            return ErrorCode.JOB_FAILED.exitCode();
        }
        out.println(json ? Json.pretty(m) : m.id());
        out.flush();
        err.flush();
        if (pruned.failed()) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "backup " + m.id() + " is done, but pruning old local "
                    + "backups failed: " + String.join("; ", pruned.problems()));
        }
        return 0;
    }

    /** What the local prune after the backup did: deleted, or that it deleted nothing. */
    private static void printPruned(PrintWriter err, StoreOutcome local, Tier tier, long keep, boolean asked) {
        if (!local.deleted().isEmpty()) {
            err.printf("deleted %d local %s backup(s) older than %d days: %s%n", local.deleted().size(), tier, keep,
                    String.join(", ", local.deleted()));
        } else if (local.plan() != null) {
            err.printf("%s: deleted no local %s backup; %d kept (none is older than %d days, or the safety floor "
                            + "keeps it)%n", asked ? "--keep-days " + keep : "local retention of " + keep + " days",
                    tier, local.plan().toKeep().size(), keep);
        }
        if (!local.orphansDeleted().isEmpty()) {
            err.printf("deleted %d local %s archive(s) without a manifest: %s%n", local.orphansDeleted().size(), tier,
                    String.join(", ", local.orphansDeleted()));
        }
        if (!local.partialsDeleted().isEmpty()) {
            err.printf("deleted %d partial file(s) of %s runs that did not finish: %s%n",
                    local.partialsDeleted().size(), tier, String.join(", ", local.partialsDeleted()));
        }
    }
}
