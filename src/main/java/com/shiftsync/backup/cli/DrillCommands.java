package com.shiftsync.backup.cli;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.recovery.DrillJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Recovery drills from the command line: {@code drill} starts one and follows it to the
 * end, printing each step; {@code drill-status} shows where one stands.
 */
final class DrillCommands {
    private DrillCommands() {
    }

    @Command(name = "drill",
            header = "Run a recovery drill: restore into a temporary server, verify, measure, delete; followed to its end.",
            description = {
                    "A point-in-time restore of POSTGRES_SERVER_NAME (DRILL_RESTORE_POINT: latest or fast) into a "
                    + "temporary server <source>-drill-<yyyyMMddHHmm> in DRILL_RESOURCE_GROUP, tagged "
                    + "shiftsync-drill=true; its firewall rules and parameters copied and its data verified against "
                    + "the backups as in a real recovery; its recovery time measured against RTO_TARGET_MINUTES; "
                    + "then the server deleted, also when the drill fails. With --method dump (or DRILL_METHOD), "
                    + "an empty server like the source (version, SKU, storage, network) is created instead, the "
                    + "newest complete dump restored into it with its roles, and every table checked against the "
                    + "dump's manifest; that time is what the recovery plan quotes for dump-restore. Without "
                    + "--method, DRILL_METHOD decides (alternate: the method the last drill did not use). Follows the drill to its end, printing "
                    + "each step (minutes to hours: the server costs what one of the source's size costs for that "
                    + "long). If this command stops, the drill goes on (queue reminders, or drill-status --follow where no "
                    + "queue is configured) and "
                    + "its server is deleted all the same. One drill at a time. Recorded in the audit log. Exit 0 "
                    + "when it passed, 1 when it failed.",
                    ""},
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup drill", "  shiftsync-backup drill --method dump",
                    "  shiftsync-backup drill --json | jq .recoverySeconds"})
    static final class Start implements Callable<Integer> {
        private final Cli cli;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the drill at its end as JSON (what GET /api/drills/{id} answers).")
        boolean json;

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30",
                description = "Seconds between status reads while following the drill (default: ${DEFAULT-VALUE}).")
        int interval;

        @Option(names = "--method", paramLabel = "METHOD",
                description = "dump (the newest dump restored with its roles into an empty server) or point-in-time "
                        + "(Azure's restore); default: DRILL_METHOD.")
        String method;

        Start(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            OptionValues.atLeast(interval, 0, "--interval");
            DrillState.Method asked = DrillState.Method.of(method, "--method");
            DrillJob job = cli.app().recovery().drillJob();
            PrintWriter err = spec.commandLine().getErr();
            Map<String, String> parameters = asked == null ? Map.of("trigger", "cli")
                    : Map.of("trigger", "cli", "method", asked.id());
            Operation started = cli.app().auditTrail().perform(AuditActions.RECOVERY_DRILL, parameters,
                    ServerRestoreOutput.osUser(), caller -> job.start(caller, "cli", asked, cli.reporter()),
                    Operation::id);
            DrillState state = started.state(DrillState.class);
            err.printf("recovery drill %s of %s (%s) into temporary server %s (deleted at the end); if this command "
                    + "stops, the drill goes on: follow it with shiftsync-backup drill-status %s --follow%n",
                    started.id(), state.sourceServer(), state.method() == DrillState.Method.DUMP ? "dump "
                            + state.dump().backupId() + " into an empty server" : "point-in-time", started.target(),
                    started.id());
            err.flush();
            int[] printed = {0};
            Operation end = Following.operation(cli, started.id(), true, Duration.ofSeconds(interval), err, op -> {
                Drill drill = job.view(op);
                // every step the drill went through, also those one step passed at once
                for (; printed[0] < drill.steps().size(); printed[0]++) {
                    Drill.StepTime s = drill.steps().get(printed[0]);
                    err.printf("%s %s%n", Format.when(s.startedAt()), stepLine(s.step(), drill));
                }
                if (drill.status().finished()) {
                    err.printf("%s %s%n", Format.when(drill.finishedAt()), stepLine(drill.step(), drill));
                }
                err.flush();
            });
            return print(spec.commandLine().getOut(), job.view(end), json);
        }
    }

    @Command(name = "drill-status",
            header = "Show where a recovery drill stands: its step, each step's duration, the recovery time.",
            description = {
                    "Its step (requested, restoring, completing, verifying, deleting, passed or failed), each "
                    + "step's duration, the measured recovery time against RTO_TARGET_MINUTES, the verification, "
                    + "and whether the drill server was deleted. Where no queue is configured, each call takes the drill's "
                    + "next step (and says so), --follow to its end; with a queue it only reads. Exit 0 while "
                    + "it runs or when it passed, 1 when it failed.",
                    ""},
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup drill-status 6f1c2a9e-0d4b-4c8e-9a51-2f0c7d3b11e2 --json"})
    static final class Status implements Callable<Integer> {
        private final Cli cli;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The drill's id, as drill or POST /api/drills gave it.")
        String id;

        @Option(names = "--json", description = "Print the drill as JSON (what GET /api/drills/{id} answers).")
        boolean json;

        @Option(names = "--follow", description = "Keep going until the drill ends (without a queue: step it; with "
                + "one: read it again).")
        boolean follow;

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30",
                description = "Seconds between steps or reads that changed nothing, with --follow (default: "
                        + "${DEFAULT-VALUE}).")
        int interval;

        Status(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            OptionValues.atLeast(interval, 0, "--interval");
            Drill drill = cli.app().auditTrail().perform(AuditActions.RECOVERY_DRILL_STATUS, Map.of("drillId",
                    String.valueOf(id)), ServerRestoreOutput.osUser(), caller -> cli.app().recovery().drillJob()
                    .view(Following.operation(cli, id, follow, Duration.ofSeconds(interval),
                            spec.commandLine().getErr(), o -> { })), d -> null);
            return print(spec.commandLine().getOut(), drill, json);
        }
    }

    private static String stepLine(String step, Drill drill) {
        return switch (DrillState.Step.parse(step)) {
            case REQUESTED -> "requested";
            case RESTORING -> "restoring: Azure is creating " + (drill.dump() ? "the empty server " : "")
                    + drill.server();
            case COMPLETING -> "completing: copying firewall rules and server parameters to " + drill.server();
            case VERIFYING -> drill.dump() ? "verifying: restoring dump " + drill.backupId() + " with its roles into "
                    + drill.server() + ", then checking every table" : "verifying " + drill.server()
                    + " against the backups";
            case DELETING -> "deleting " + drill.server();
            case PASSED -> "passed";
            case FAILED -> "failed" + (drill.error() == null ? "" : ": " + drill.error().message());
        };
    }

    /** The drill for people (or as JSON); exit 1 when it failed. */
    static int print(PrintWriter out, Drill drill, boolean json) {
        if (json) {
            out.println(Json.pretty(drill));
        } else {
            out.printf("recovery drill %s of %s: %s (server %s%s)%n", drill.drillId(), drill.sourceServer(),
                    drill.passed() ? "PASSED" : drill.status().finished() ? "FAILED" : drill.step(), drill.server(),
                    Boolean.TRUE.equals(drill.serverDeleted()) ? ", deleted" : "");
            out.printf("  method: %s%n", drill.dump() ? "dump " + drill.backupId() + ", restored with its roles into "
                    + "an empty server" : "point-in-time (" + drill.restorePoint() + ")");
            for (Drill.StepTime s : drill.steps()) {
                out.printf("  %-11s %s%s%n", s.step(), Format.duration(Duration.ofSeconds(s.seconds())),
                        s.endedAt() == null && !drill.status().finished() ? " so far" : "");
            }
            if (drill.recoverySeconds() != null) {
                out.printf("  recovery time: %s against the RTO target of %d min%s%n",
                        Format.duration(Duration.ofSeconds(drill.recoverySeconds())), drill.targetMinutes(),
                        Boolean.TRUE.equals(drill.withinTarget()) ? "" : " (OVER TARGET)");
            }
            if (drill.verification() != null) {
                out.printf("  verification of %s: %s%s%n", drill.verification().host(), drill.verification().passed()
                        ? "passed" : "FAILED", drill.verification().reason() == null ? ""
                        : " (" + drill.verification().reason() + ")");
            }
            if (drill.rolesCreated() != null) {
                out.printf("  roles created on %s: %s%n", drill.server(), drill.rolesCreated().isEmpty()
                        ? "none (the dump needs none of its own)" : String.join(", ", drill.rolesCreated()));
                drill.roleWarnings().forEach(w -> out.printf("  warning: %s%n", w));
            }
            if (drill.error() != null) {
                out.printf("  error: %s: %s%n", drill.error().code(), drill.error().message());
            }
            if (drill.deletion() != null) {
                out.printf("  %s%n", drill.deletion());
            }
        }
        out.flush();
        return drill.status() == com.shiftsync.backup.domain.OperationStatus.Failed ? 1 : 0;
    }
}
