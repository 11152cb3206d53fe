package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.verify.OffsiteCopy;
import com.shiftsync.backup.verify.OffsiteReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** The guide's weekly offsite backup verification, by hand (the offsiteCheck timer runs it weekly). */
@Command(name = "offsite-check", description = {
        "Read the newest Azure copy of each tier back and check its size and SHA-256 against its manifest.",
        "Exit 1 when a copy is missing or does not match."})
final class OffsiteCheckCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    OffsiteCheckCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        OffsiteReport report = app.offsiteCheckJob().run(app.azureStore(), cli.reporter());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(report));
        } else {
            for (OffsiteCopy c : report.copies()) {
                out.printf("%-7s %-45s %s%n", c.tier(), c.backupId() == null ? "-" : c.backupId(),
                        c.passed() ? "ok (" + Format.bytes(c.sizeBytes()) + ", SHA-256 matches)" : "PROBLEM");
            }
        }
        out.flush();
        if (!report.passed()) {
            PrintWriter err = spec.commandLine().getErr();
            for (Alert a : report.alerts()) {
                err.println("shiftsync-backup: " + a);
            }
            err.flush();
            return 1;
        }
        return 0;
    }
}
