package com.shiftsync.backup.cli;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.prune.HoldJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;

/**
 * Legal holds from the command line: {@code hold} keeps a Blob backup from every deletion until
 * {@code release}, whatever its retention; both are recorded in the audit log, allowed or not.
 */
final class HoldCommands {
    private HoldCommands() {
    }

    /** What hold and release share: the backup, --json, and the audited call. */
    abstract static class Change implements java.util.concurrent.Callable<Integer> {
        private final Cli cli;
        /** True to put the hold on, false to lift it. */
        private final boolean hold;

        @Spec
        CommandSpec spec;

        @Option(names = "--backup", required = true, paramLabel = "ID", description = "The backup (its id, as list shows it).")
        String backup;

        @Option(names = "--json", description = "Print {id, tier, location, held} as JSON.")
        boolean json;

        Change(Cli cli, boolean hold) {
            this.cli = cli;
            this.hold = hold;
        }

        @Override
        public Integer call() {
            return run(cli, spec, backup, hold, json);
        }
    }

    @Command(name = "hold",
            header = "Put a legal hold on a Blob backup: nobody can delete it, prune included, until it is released.",
            description = {
                    "Every blob of the backup in BACKUP_CONTAINER but its records gets a legal hold: prune keeps "
                    + "it (and says why) past its retention, and Storage refuses its deletion to anyone, the app "
                    + "and the account key included. Needs version-level immutability on the container (infra turns "
                    + "it on). Recorded in the audit log. Lift it with release.",
                    ""},
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup hold --backup shiftsync_backup_20240115_020000"})
    static final class Hold extends Change {
        Hold(Cli cli) {
            super(cli, true);
        }
    }

    @Command(name = "release",
            header = "Lift the legal hold of a Blob backup: from then on its retention decides again.",
            description = {
                    "Lifts the legal hold that hold put on every blob of the backup. A backup past its retention "
                    + "(and past its retention policy) is then deleted by the next prune. Recorded in the audit log.",
                    ""},
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup release --backup shiftsync_backup_20240115_020000"})
    static final class Release extends Change {
        Release(Cli cli) {
            super(cli, false);
        }
    }

    private static int run(Cli cli, CommandSpec spec, String backup, boolean hold, boolean json) {
        HoldJob.Result result = cli.app().auditTrail().perform(hold ? AuditActions.BACKUP_HOLD
                        : AuditActions.BACKUP_RELEASE, Map.of("backupId", backup), ServerRestoreOutput.osUser(),
                caller -> cli.app().backups().holdJob().set(backup, hold), r -> null);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(result));
        } else {
            out.printf("%s backup %s is %s in %s%s%n", result.tier(), result.id(),
                    hold ? "under legal hold" : "no longer under legal hold", result.location(),
                    hold ? ": nobody can delete it until shiftsync-backup release --backup " + result.id()
                            : ": its retention decides again");
        }
        out.flush();
        return 0;
    }
}
