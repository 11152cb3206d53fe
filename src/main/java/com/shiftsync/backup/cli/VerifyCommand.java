package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.restore.BackupSources;
import com.shiftsync.backup.verify.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** The guide's monthly backup test: restore into a scratch database, compare every table's rows, drop it. */
@Command(name = "verify",
        header = "Test a backup by restoring it into a scratch database and comparing every table's row count.",
        description = {
                "The guide's monthly backup test. Finds the backup by the store rule (every configured store; "
                + "latest is the newest complete backup; --source narrows it), checks the archive's SHA-256 "
                + "against its manifest, pg_restores it into a new scratch database on DATABASE_URL's server "
                + "as a throwaway role that owns that database and may do nothing else (no owners, no "
                + "privileges, one transaction), compares every table's row count with the manifest, records the "
                + "result next to the backup in the store it was read from, and drops the scratch database and "
                + "the role. Exit 1 when anything differs or fails.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup verify", "  shiftsync-backup verify --backup latest --source azure --json"})
final class VerifyCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--backup", paramLabel = "ID|latest", defaultValue = "latest",
            description = "The backup to test.")
    String backup;

    @Option(names = "--source", paramLabel = "local|azure",
            description = "Only this store. Default: every configured store (the local folder first).")
    String source;

    @Option(names = "--json", description = "Print the recorded result as JSON.")
    boolean json;

    VerifyCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        BackupSources sources = app.stores().sources(source);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Verification result = Interrupts.run(err, "interrupted: the restore test stopped; no result was recorded",
                cancel -> app.backups().verifyJob().run(sources, backup, cli.reporter(), cancel));
        String from = sources.store(result.store()).map(s -> s.describe()).orElse(result.store());
        if (json) {
            out.println(result.toJson());
        } else if (result.passed()) {
            out.printf("verified %s from %s: %d tables match the manifest's row counts; restored in %s (one "
                            + "transaction, as a throwaway role), scratch database and role %s dropped%n",
                    result.backupId(), from, result.tablesCompared(),
                    Format.duration(java.time.Duration.ofMillis(result.restoreMs())), result.scratchDatabase());
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
