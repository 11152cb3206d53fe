package com.shiftsync.backup.cli;

import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Setting;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** The guide's {@code backup_database.sh [--upload] [--keep-days N]}, fail-closed. */
@Command(name = "backup", description = {
        "Export DATABASE_URL (pg_dump -Fc) into BACKUP_DIR; with --upload into Blob Storage too.",
        "Then delete local backups of the tier older than --keep-days (never the newest).",
        "Prints the new backup's id (with --json, its manifest)."})
final class BackupCommand implements Callable<Integer> {
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--upload", description = "Also store the backup in Blob Storage (BACKUP_CONTAINER).")
    boolean upload;

    @Option(names = "--keep-days", paramLabel = "N",
            description = "Delete local backups of this tier older than N days (default: LOCAL_RETENTION_DAYS, 7).")
    Integer keepDays;

    @Option(names = "--tier", paramLabel = "daily|weekly|manual", defaultValue = "daily",
            description = "Which schedule this backup belongs to (default: ${DEFAULT-VALUE}).")
    String tier;

    @Option(names = "--json", description = "Print the manifest as JSON.")
    boolean json;

    BackupCommand(App app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Tier chosen = Tier.parse(tier);
        int keep = keepDays != null ? keepDays : app.settings().integer(Setting.LOCAL_RETENTION_DAYS, 1);
        if (keep < 1) {
            throw ShiftSyncException.badInput("--keep-days must be at least 1, not " + keep);
        }
        BackupJob job = app.backupJob(true, upload);
        BackupResult result = job.run(chosen);
        Manifest m = result.manifest();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("backup %s done: %s, %d tables, %s rows, %s; stored in %s%n", m.id(), Format.bytes(m.sizeBytes()),
                m.rowCounts().size(), Format.count(m.totalRows()), Format.duration(result.duration()),
                String.join(" and ", job.stores().stream().map(BackupStore::describe).toList()));
        List<Manifest> pruned = app.pruneJob().pruneOlderThan(app.localStore(), chosen, keep);
        if (!pruned.isEmpty()) {
            err.printf("deleted %d local %s backup(s) older than %d days: %s%n", pruned.size(), chosen, keep,
                    String.join(", ", pruned.stream().map(Manifest::id).toList()));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? Json.pretty(m) : m.id());
        out.flush();
        err.flush();
        return 0;
    }
}
