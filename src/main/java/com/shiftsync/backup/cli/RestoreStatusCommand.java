package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.operations.Operations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Where a started operation stands: a point-in-time or geo-restore as Resource Manager
 * reports it now; a restore from a backup or an on-demand backup (started over HTTP) as
 * its queue worker recorded it.
 */
@Command(name = "restore-status",
        header = "Show how a started restore (or an on-demand backup started over HTTP) stands: in progress, done or failed.",
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup restore-status 0f8fad5b-d9cb-469f-a165-70867728950e",
                "  shiftsync-backup restore-status 0f8fad5b-d9cb-469f-a165-70867728950e --json"},
        description = {
                "Shows the progress of a restore started with pitr or geo-restore (or over HTTP): InProgress, "
                + "Succeeded (with the new server's host name) or Failed (with Resource Manager's error), and how "
                + "long it took. Also a restore from a backup (POST /api/restores/from-backup: with its integrity "
                + "check) or an on-demand backup (POST /api/backups: with the new backup's id). Exit 0 while in "
                + "progress or succeeded, 1 when it failed.",
                ""})
final class RestoreStatusCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OPERATION_ID",
            description = "The id pitr or geo-restore printed, or an HTTP request answered.")
    String operationId;

    @Option(names = "--json", description = "Print the operation as JSON.")
    boolean json;

    RestoreStatusCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        Operations.StatusCheck check = app.operations().status(operationId, cli.reporter());
        return ServerRestoreOutput.status(spec.commandLine().getOut(), check.operation(), json, app.clock().instant());
    }
}
