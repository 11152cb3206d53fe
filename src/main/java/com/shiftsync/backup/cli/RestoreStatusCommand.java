package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
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
                + "check) or an on-demand backup (POST /api/backups: with the new backup's id). Where no queue is "
                + "configured (a local folder, no Azure storage), nothing else moves the operation on: each call "
                + "takes its next step and says so, and --follow steps until it ends; with a queue, the Function "
                + "App's worker takes the steps and this only reads. Exit 0 while in progress or succeeded, 1 when "
                + "it failed.",
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

    @Option(names = "--follow", description = "Keep going until the operation ends (without a queue: step it; with "
            + "one: read it again).")
    boolean follow;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "Seconds between steps or reads that changed nothing, with --follow (default: ${DEFAULT-VALUE}).")
    int interval;

    RestoreStatusCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        OptionValues.atLeast(interval, 0, "--interval");
        Operation op = Following.operation(cli, operationId, follow, Duration.ofSeconds(interval),
                spec.commandLine().getErr(), o -> { });
        return ServerRestoreOutput.status(spec.commandLine().getOut(), op, json, app.clock().instant());
    }
}
