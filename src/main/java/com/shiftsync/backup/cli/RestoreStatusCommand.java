package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.serverrestore.ServerRestoreJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** Where a started point-in-time or geo-restore stands, as Resource Manager reports it now. */
@Command(name = "restore-status", description = {
        "Show the progress of a restore started with pitr or geo-restore (or over HTTP): InProgress,",
        "Succeeded (with the new server's host name) or Failed (with Resource Manager's error), and how",
        "long it took. Exit 0 while in progress or succeeded, 1 when it failed."})
final class RestoreStatusCommand implements Callable<Integer> {
    private final App app;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OPERATION_ID", description = "The id pitr or geo-restore printed.")
    String operationId;

    @Option(names = "--json", description = "Print the operation as JSON.")
    boolean json;

    RestoreStatusCommand(App app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        ServerRestoreJob.StatusCheck check = app.serverRestoreJob().status(operationId);
        return ServerRestoreOutput.status(spec.commandLine().getOut(), check.operation(), json, app.clock().instant());
    }
}
