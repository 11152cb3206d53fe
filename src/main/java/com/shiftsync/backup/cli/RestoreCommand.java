package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.restore.BackupSources;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.restore.RolesOutcome;
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
@Command(name = "restore",
        header = "Restore a backup into a database with pg_restore --clean --if-exists, after checking its SHA-256.",
        description = {
                "Finds the backup by the store rule: every configured store is read (the local folder first, "
                + "then Blob Storage), latest is the newest complete backup in any of them, and the output says "
                + "which store was used; --source narrows it to one. Checks the archive's size and SHA-256 against "
                + "its manifest, then restores it into --target-url: over an existing database in one transaction "
                + "(a failed restore leaves it as it was), into a database it creates with RESTORE_JOBS parallel "
                + "pg_restore jobs (a failed restore drops it again). A target that holds tables "
                + "needs --confirm (the refusal names its size and table count). Then compares every table's row "
                + "count with the manifest and records the result next to the backup; exit 1 when a table differs. "
                + "Give the target's password in PGPASSWORD, not in the URL: a URL on the command line is visible "
                + "to ps. A target on the DATABASE_URL server with the same user uses DATABASE_URL's password.",
                "Into another server than DATABASE_URL's, the roles the backup needs (owners and grantees of its "
                + "objects) that the server lacks are created first from the backup's roles file, checked against "
                + "its manifest: existing roles are never altered, login roles get no password, attributes the "
                + "server refuses are reported; the output names every role created. A user that may not create "
                + "roles there is refused unless --no-owner is given.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  PGPASSWORD=... shiftsync-backup restore --backup latest "
                + "--target-url postgresql://shiftsync_admin@db.example.com:5432/shiftsync_restored",
                "  shiftsync-backup restore --backup shiftsync_backup_20240115_020000 --source azure "
                        + "--target-url postgresql://shiftsync_admin@db.example.com:5432/shiftsync --confirm",
                "  shiftsync-backup restore --backup latest --no-owner "
                        + "--target-url postgresql://app_owner@other.example.com:5432/shiftsync_copy"})
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

    @Option(names = "--source", paramLabel = "local|azure",
            description = "Only this store. Default: every configured store (the local folder first).")
    String source;

    @Option(names = "--confirm", description = "Restore even though the target database holds tables: "
            + "pg_restore --clean replaces every table the backup holds.")
    boolean confirm;

    @Option(names = "--no-owner", description = "Restore every object as the restoring user's, without the "
            + "backup's owners and grants (pg_restore --no-owner --no-privileges) and without creating roles: for a "
            + "server where that user may not create the roles the backup needs.")
    boolean noOwner;

    @Option(names = "--json", description = "Print the restore's integrity check (with what it did about roles) as JSON.")
    boolean json;

    RestoreCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        DatabaseUrl target = DatabaseUrl.parse(targetUrl, "--target-url");
        PrintWriter err = spec.commandLine().getErr();
        if (target.passwordIfAny().isPresent()) {
            err.println("shiftsync-backup: warning: the --target-url password is visible to other users in ps; "
                    + "give it in PGPASSWORD instead");
        } else {
            target = app.login().forTarget(target);
        }
        BackupSources sources = app.stores().sources(source);
        RestoreResult result = app.backups().restoreJob().run(sources, backup,
                new RestoreJob.Target(target, "--target-url", "PGPASSWORD", "--confirm", confirm, "--no-owner", noOwner,
                        app.login().productionServer().orElse(null)), cli.reporter());
        String from = sources.store(result.check().store()).map(s -> s.describe()).orElse(result.check().store());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(result.check()));
        } else {
            out.printf("restored %s from %s into %s%s in %s; %s%n", result.manifest().id(), from, result.target(),
                    result.createdDatabase() ? " (database created)" : "", Format.duration(result.duration()),
                    result.passed() ? "all " + result.check().tablesCompared() + " tables match the manifest's row counts"
                            : "ROW COUNTS DIFFER");
        }
        RolesOutcome roles = result.check().roles();
        String created = roles == null ? null : roles.createdLine(result.check().targetServer());
        if (!json && created != null) {
            out.println(created);
        }
        out.flush();
        if (roles != null) {
            roles.warningLines().forEach(line -> err.println("shiftsync-backup: warning: " + line));
        }
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
