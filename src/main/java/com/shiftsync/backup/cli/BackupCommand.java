package com.shiftsync.backup.cli;

import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.prune.PruneJob;
import com.shiftsync.backup.prune.PruneReport;
import com.shiftsync.backup.prune.StoreOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** The guide's {@code backup_database.sh [--upload] [--keep-days N]}, fail-closed. */
@Command(name = "backup", description = {
        "Export DATABASE_URL (pg_dump -Fc) into BACKUP_DIR; with --upload into Blob Storage too.",
        "Then prune the local backups of the tier by the retention rules (see prune), keeping them --keep-days.",
        "Prints the new backup's id (with --json, its manifest)."})
final class BackupCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--upload", description = "Also store the backup in Blob Storage (BACKUP_CONTAINER).")
    boolean upload;

    @Option(names = "--keep-days", paramLabel = "N",
            description = "Delete local backups of this tier older than N days (default: LOCAL_RETENTION_DAYS, 7; "
                    + "weekly: WEEKLY_RETENTION_DAYS, 30). The newest complete backup always stays.")
    Integer keepDays;

    @Option(names = "--tier", paramLabel = "daily|weekly|manual", defaultValue = "daily",
            description = "Which schedule this backup belongs to (default: ${DEFAULT-VALUE}).")
    String tier;

    @Option(names = "--json", description = "Print the manifest as JSON.")
    boolean json;

    BackupCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        Tier chosen = Tier.parse(tier);
        // built before the backup, so a bad retention setting is refused before anything runs
        PruneJob prune = app.localPruneJob(chosen, keepDays);
        long keep = prune.targets().get(0).policy().maxAge(chosen).toDays();
        BackupJob job = upload ? app.backupToLocalAndAzure() : app.backupToLocal();
        BackupResult result = job.run(chosen, cli.reporter());
        Manifest m = result.manifest();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("backup %s done: %s, %d tables, %s rows, %s; stored in %s%n", m.id(), Format.bytes(m.sizeBytes()),
                m.rowCounts().size(), Format.count(m.totalRows()), Format.duration(result.duration()),
                String.join(" and ", job.stores().stream().map(BackupStore::describe).toList()));
        PruneReport pruned = prune.run(false, cli.reporter());
        StoreOutcome local = pruned.stores().get(0);
        if (!local.deleted().isEmpty()) {
            err.printf("deleted %d local %s backup(s) older than %d days: %s%n", local.deleted().size(), chosen, keep,
                    String.join(", ", local.deleted()));
        }
        if (!local.orphansDeleted().isEmpty()) {
            err.printf("deleted %d local %s archive(s) without a manifest: %s%n", local.orphansDeleted().size(), chosen,
                    String.join(", ", local.orphansDeleted()));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? Json.pretty(m) : m.id());
        out.flush();
        err.flush();
        if (pruned.failed()) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "backup " + m.id() + " is done, but pruning old local "
                    + "backups failed: " + String.join("; ", pruned.problems()));
        }
        return 0;
    }
}
