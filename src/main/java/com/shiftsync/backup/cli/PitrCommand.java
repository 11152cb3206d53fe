package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** The guide's {@code az postgres flexible-server restore}: a new server from the source's backups at a moment. */
@Command(name = "pitr", description = {
        "Start a point-in-time restore of POSTGRES_SERVER_NAME into a new server in the same region and",
        "resource group. Returns at once with an operation id (the restore takes minutes to hours);",
        "follow it with restore-status. Checks first: the time is ISO-8601 with an offset, in the past and",
        "inside the server's restore window; the target name is valid, new and free in Azure.",
        "An audit record (caller = your OS user) goes to the audit container in Blob Storage, or to",
        "BACKUP_DIR/audit/<yyyy>/<MM>/<dd>.jsonl when no storage is configured."})
final class PitrCommand implements Callable<Integer> {
    private final App app;

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

    PitrCommand(App app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        var audit = app.auditTrail();
        Operation op = audit.perform("restore.point-in-time",
                ServerRestoreOutput.parameters("restorePointInTime", restoreTime, "targetServerName", targetServer),
                ServerRestoreOutput.osUser(),
                caller -> app.serverRestoreJob().startPointInTime(caller, restoreTime, targetServer), Operation::id);
        ServerRestoreOutput.started(spec.commandLine().getOut(), spec.commandLine().getErr(), op, json,
                audit.describe(), app.clock().instant());
        return 0;
    }
}
