package com.shiftsync.backup.cli;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.recovery.RecoveryPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Disaster recovery: which way to recover, before anything is started. */
@Command(name = "recover", subcommands = RecoverCommand.Plan.class,
        header = "Disaster recovery: which way to recover and what each way loses (recover plan).",
        description = {"Disaster recovery, before anything is started. See: shiftsync-backup recover plan --help", ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup recover plan --scenario region-outage"})
final class RecoverCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "plan",
            header = "Say which way to recover and what each way loses, for a scenario of the guide; starts nothing.",
            description = {
                    "For the scenario, in the guide's order: point-in-time (latest, a chosen time, or the fast "
                    + "restore point: the newest full backup, no log replay), geo-restore (into the source region's "
                    + "pair), and a dump of ours. For each: whether it is possible now and why not, the data it "
                    + "loses, how long it is expected to take (this product's own measured recoveries, else Azure's "
                    + "documented range), where the new server goes, what will still need a person, and whether it "
                    + "meets the scenario's RTO and RPO. Resource Manager sees reads only. Recorded in the audit "
                    + "log like a restore request.",
                    ""},
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup recover plan --scenario corruption --to 2024-01-15T10:30:00Z"})
    static final class Plan implements Callable<Integer> {
        private final Cli cli;

        @Spec
        CommandSpec spec;

        @Option(names = "--scenario", paramLabel = "corruption|server-failure|region-outage",
                defaultValue = "server-failure", description = "The scenario to plan for (default: ${DEFAULT-VALUE}).")
        String scenario;

        @Option(names = "--to", paramLabel = "ISO8601",
                description = "The moment to recover to (before the damage), with its offset: 2024-01-15T10:30:00Z. "
                        + "Default: as recent as possible.")
        String to;

        @Option(names = "--json", description = "Print the plan as JSON (what POST /api/recovery/plan answers).")
        boolean json;

        Plan(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("scenario", scenario);
            if (to != null) {
                parameters.put("to", to);
            }
            RecoveryPlan plan = cli.app().auditTrail().perform(AuditActions.RECOVERY_PLAN, parameters,
                    ServerRestoreOutput.osUser(), caller -> cli.app().recovery().planner().plan(
                            RecoveryScenario.parse("--scenario", scenario),
                            to == null ? null : ServerRestoreRequest.parseTime("--to", to).toInstant(),
                            cli.reporter()), p -> null);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty(plan));
            } else {
                print(plan, out);
            }
            out.flush();
            return 0;
        }

        static void print(RecoveryPlan plan, PrintWriter out) {
            out.printf("recovery plan for %s%s (targets: RTO %d min, RPO %d min)%s%n", plan.scenario(),
                    plan.restorePoint() == null ? "" : " to " + plan.restorePoint(), plan.targets().rtoMinutes(),
                    plan.targets().rpoMinutes(), plan.sourceServer() == null ? "" : " of " + plan.sourceServer());
            int n = 0;
            for (RecoveryPlan.Option o : plan.options()) {
                n++;
                out.printf("%n%d. %s%s: %s%n", n, o.method(), o.restorePoint() == null ? "" : " (" + o.restorePoint()
                        + ")", o.available() ? "AVAILABLE" : "not available: " + o.reason());
                out.printf("   data lost: %s%s%n", o.dataLoss().text(), o.meetsRpo() != null && o.meetsRpo()
                        ? "" : " (OVER THE RPO)");
                out.printf("   expected time: %s%s%n", o.expectedDuration().text(), o.meetsRto() == null ? ""
                        : o.meetsRto() ? " (within the RTO)" : " (OVER THE RTO)");
                if (o.targetRegion() != null) {
                    out.printf("   new server in: %s%s%n", o.targetRegion(), o.targetNetwork() == null ? ""
                            : ", " + o.targetNetwork().access() + " access" + (o.targetNetwork().subnetId() == null ? ""
                            : " in subnet " + o.targetNetwork().subnetId()));
                }
                if (o.restoresInto() != null) {
                    out.printf("   restores into: %s%n", o.restoresInto());
                }
                if (o.start() != null) {
                    out.printf("   start it: %s%n", o.start().get("cli"));
                }
                for (String f : o.followUps()) {
                    out.printf("   then: %s%n", f);
                }
            }
            for (com.shiftsync.backup.domain.Alert a : plan.alerts()) {
                out.printf("%nalert: %s%n", a);
            }
        }
    }
}
