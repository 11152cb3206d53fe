package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** The guide's {@code az postgres flexible-server geo-restore}: a new server in another region, for a regional outage. */
@Command(name = "geo-restore", description = {
        "Start a geo-restore of POSTGRES_SERVER_NAME from its geo-redundant backup into a new server in",
        "another region (normally the paired one). Only for servers created with geo-redundant backup.",
        "Returns at once with an operation id; follow it with restore-status.",
        "An audit record (caller = your OS user) goes to the audit container in Blob Storage, or to",
        "BACKUP_DIR/audit/<yyyy>/<MM>/<dd>.jsonl when no storage is configured."})
final class GeoRestoreCommand implements Callable<Integer> {
    private final App app;

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

    GeoRestoreCommand(App app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        var audit = app.auditTrail();
        Operation op = audit.perform("restore.geo",
                ServerRestoreOutput.parameters("targetServerName", targetServer, "location", location),
                ServerRestoreOutput.osUser(),
                caller -> app.serverRestoreJob().startGeo(caller, targetServer, location), Operation::id);
        ServerRestoreOutput.started(spec.commandLine().getOut(), spec.commandLine().getErr(), op, json,
                audit.describe(), app.clock().instant());
        return 0;
    }
}
