package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.restore.RestoreResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The guide's "Restore from local backup" / "Restore from Azure Blob", with the checksum
 * checked first and its "verify data integrity" step at the end.
 */
@Command(name = "restore", description = {
        "Check a backup's SHA-256 against its manifest, then pg_restore --clean --if-exists into the target",
        "in one transaction (a failed restore changes nothing). A missing target database is created.",
        "Then compare every table's row count with the manifest and record the result next to the backup;",
        "exit 1 when a table differs.",
        "Give the target's password in PGPASSWORD, not in the URL: a URL on the command line is visible to ps.",
        "A target on the DATABASE_URL server with the same user uses DATABASE_URL's password."})
final class RestoreCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--backup", required = true, paramLabel = "ID|latest", description = "The backup to restore.")
    String backup;

    @Option(names = "--target-url", required = true, paramLabel = "URL",
            description = "postgresql://user@host:port/database to restore into.")
    String targetUrl;

    @Option(names = "--source", paramLabel = "local|azure", defaultValue = "local",
            description = "Where the backup is (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--json", description = "Print the restore's integrity check as JSON.")
    boolean json;

    RestoreCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        DatabaseUrl target = DatabaseUrl.parse(targetUrl);
        PrintWriter err = spec.commandLine().getErr();
        if (target.passwordIfAny().isPresent()) {
            err.println("shiftsync-backup: warning: the --target-url password is visible to other users in ps; "
                    + "give it in PGPASSWORD instead");
        } else {
            target = app.login().forTarget(target);
        }
        BackupStore store = app.store(source);
        RestoreResult result = app.restoreJob().run(store, backup, target, cli.reporter());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(result.check()));
        } else {
            out.printf("restored %s into %s%s in %s; %s%n", result.manifest().id(), result.target(),
                    result.createdDatabase() ? " (database created)" : "", Format.duration(result.duration()),
                    result.passed() ? "all " + result.check().tablesCompared() + " tables match the manifest's row counts"
                            : "ROW COUNTS DIFFER");
        }
        out.flush();
        if (result.recordError() != null) {
            err.println("shiftsync-backup: warning: the integrity check was not recorded next to the backup: "
                    + result.recordError());
        }
        if (!result.passed()) {
            err.println("shiftsync-backup: the restore of " + result.manifest().id() + " into " + result.target()
                    + " ran, but " + result.check().summary());
        }
        err.flush();
        return result.passed() ? 0 : 1;
    }
}
