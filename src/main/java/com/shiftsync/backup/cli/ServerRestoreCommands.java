package com.shiftsync.backup.cli;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The guide's {@code az postgres flexible-server restore} and {@code geo-restore}: each
 * starts a new server from the source's backups, audited with the OS user as caller, and
 * prints the operation to follow with restore-status.
 */
final class ServerRestoreCommands {
    private static final String AUDIT_NOTE = "An audit record (caller = your OS user) goes to the audit container in "
            + "Blob Storage, or to BACKUP_DIR/audit/<yyyy>/<MM>/<dd>.jsonl when no storage is configured.";

    private ServerRestoreCommands() {
    }

    /** Runs {@code start} as {@code action} for the OS user, audited, and prints the started operation. */
    static int start(Cli cli, CommandSpec spec, String action, Map<String, String> parameters, boolean json,
                     Function<Caller, Operation> start) {
        AuditTrail audit = cli.app().auditTrail();
        Operation op = audit.perform(action, parameters, ServerRestoreOutput.osUser(), start, Operation::id);
        ServerRestoreOutput.started(spec.commandLine().getOut(), spec.commandLine().getErr(), op, json,
                audit.describe(), cli.app().clock().instant());
        return 0;
    }

    @Command(name = "pitr",
            header = "Start a point-in-time restore of POSTGRES_SERVER_NAME into a new server (returns an operation id).",
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup pitr --restore-time 2024-01-15T14:30:00Z --target-server shiftsync-db-restored"},
            description = {
                "Starts a point-in-time restore of POSTGRES_SERVER_NAME into a new server in the same region and "
                + "resource group. Returns at once with an operation id (the restore takes minutes to hours); "
                + "follow it with restore-status. Checks first: the time is ISO-8601 with an offset, in the past "
                + "and inside the server's restore window; the target name is valid, new and free in Azure.",
                AUDIT_NOTE,
                ""})
    static final class Pitr implements Callable<Integer> {
        private final Cli cli;

        @Spec
        CommandSpec spec;

        @Option(names = "--restore-time", required = true, paramLabel = "ISO8601",
                description = "The moment to restore to, with its offset: 2024-01-15T10:30:00Z.")
        String restoreTime;

        @Option(names = "--target-server", required = true, paramLabel = "NAME",
                description = "Name of the new server (3-63 lower-case letters, digits and hyphens).")
        String targetServer;

        @Option(names = "--json", description = "Print the operation as JSON.")
        boolean json;

        Pitr(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            return start(cli, spec, AuditActions.RESTORE_POINT_IN_TIME,
                    ServerRestoreOutput.parameters("restorePointInTime", restoreTime, "targetServerName", targetServer),
                    json, caller -> cli.app().serverRestoreJob().startPointInTime(caller, restoreTime, targetServer,
                            cli.reporter()));
        }
    }

    @Command(name = "geo-restore",
            header = "Start a geo-restore of POSTGRES_SERVER_NAME into a new server in another region (returns an operation id).",
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup geo-restore --target-server shiftsync-db-dr --location northeurope"},
            description = {
                "Starts a geo-restore of POSTGRES_SERVER_NAME from its geo-redundant backup into a new server in "
                + "another region (normally the paired one). Only for servers created with geo-redundant backup. "
                + "Returns at once with an operation id; follow it with restore-status.",
                AUDIT_NOTE,
                ""})
    static final class Geo implements Callable<Integer> {
        private final Cli cli;

        @Spec
        CommandSpec spec;

        @Option(names = "--target-server", required = true, paramLabel = "NAME",
                description = "Name of the new server (3-63 lower-case letters, digits and hyphens).")
        String targetServer;

        @Option(names = "--location", required = true, paramLabel = "REGION",
                description = "Region of the new server, e.g. canadaeast.")
        String location;

        @Option(names = "--json", description = "Print the operation as JSON.")
        boolean json;

        Geo(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            return start(cli, spec, AuditActions.RESTORE_GEO,
                    ServerRestoreOutput.parameters("targetServerName", targetServer, "location", location), json,
                    caller -> cli.app().serverRestoreJob().startGeo(caller, targetServer, location, cli.reporter()));
        }
    }
}
