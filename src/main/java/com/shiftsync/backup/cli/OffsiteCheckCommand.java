package com.shiftsync.backup.cli;

import com.shiftsync.backup.backup.CopyRepair;
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
import java.util.List;
import java.util.concurrent.Callable;

/** The guide's weekly offsite backup verification, by hand (the offsiteCheck timer runs it weekly). */
@Command(name = "offsite-check",
        header = "Read the newest Azure copy of each tier back and check its size and SHA-256 against its manifest.",
        description = {
                "The guide's weekly offsite backup verification (the offsiteCheck timer runs it on Sundays). "
                + "With --repair it first uploads every backup whose upload failed (status: offsite-missing) from "
                + "the local folder, after checking the local copy's SHA-256 against its manifest; a local copy "
                + "that does not match is not uploaded. Exit 1 when a copy is missing or does not match, or a "
                + "repair failed.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup offsite-check", "  shiftsync-backup offsite-check --repair"})
final class OffsiteCheckCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--repair", description = "First upload the backups missing from Azure from the local folder "
            + "(SHA-256 checked).")
    boolean repair;

    OffsiteCheckCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        OffsiteReport report = repair
                ? app.backups().offsiteCheckJob().repair(app.stores().azure(), List.of(app.stores().local()),
                        cli.reporter())
                : app.backups().offsiteCheckJob().run(app.stores().azure(), cli.reporter());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(report));
        } else {
            if (repair && report.repairs().isEmpty()) {
                out.println("repair: no backup is missing from Azure");
            }
            for (CopyRepair.Copied r : report.repairs()) {
                out.println("repair: " + (r.copied() ? "" : "FAILED: ") + r.reason());
            }
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
            for (CopyRepair.Copied r : report.repairs()) {
                if (!r.copied()) {
                    err.println("shiftsync-backup: " + r.reason());
                }
            }
            err.flush();
            return 1;
        }
        return 0;
    }
}
