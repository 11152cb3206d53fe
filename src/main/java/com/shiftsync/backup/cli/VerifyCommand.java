package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.verify.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** The guide's monthly backup test: restore into a scratch database, compare every table's rows, drop it. */
@Command(name = "verify", description = {
        "Restore test: check the archive's SHA-256 against its manifest, pg_restore it into a new scratch database",
        "on DATABASE_URL's server, compare every table's row count with the manifest, record the result next to",
        "the backup, and drop the scratch database. Exit 1 when anything differs or fails."})
final class VerifyCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--backup", paramLabel = "ID|latest", defaultValue = "latest",
            description = "The backup to test (default: ${DEFAULT-VALUE}).")
    String backup;

    @Option(names = "--source", paramLabel = "local|azure", defaultValue = "local",
            description = "Where the backup is (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--json", description = "Print the recorded result as JSON.")
    boolean json;

    VerifyCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        Verification result = app.verifyJob().run(app.store(source), backup, cli.reporter());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            out.println(result.toJson());
        } else if (result.passed()) {
            out.printf("verified %s: %d tables match the manifest's row counts; restored in %s (%d job%s), "
                            + "scratch database %s dropped%n", result.backupId(), result.tablesCompared(),
                    Format.duration(java.time.Duration.ofMillis(result.restoreMs())), result.jobs(),
                    result.jobs() == 1 ? "" : "s", result.scratchDatabase());
        }
        if (!json && !result.leftoversDropped().isEmpty()) {
            out.printf("dropped %d scratch database%s left by earlier, interrupted restore tests: %s%n",
                    result.leftoversDropped().size(), result.leftoversDropped().size() == 1 ? "" : "s",
                    String.join(", ", result.leftoversDropped()));
        }
        out.flush();
        if (!json && result.leftoversProblem() != null) {
            err.println("shiftsync-backup: warning: " + result.leftoversProblem());
        }
        if (!result.passed()) {
            err.println("shiftsync-backup: " + result.summary());
        }
        err.flush();
        return result.passed() ? 0 : 1;
    }
}
