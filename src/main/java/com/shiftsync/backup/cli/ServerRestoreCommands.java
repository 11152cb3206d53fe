package com.shiftsync.backup.cli;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The guide's {@code az postgres flexible-server restore} and {@code geo-restore}: each
 * starts a new server from the source's backups, audited with the OS user as caller, and
 * prints the operation to follow with restore-status.
 */
final class ServerRestoreCommands {
    private static final String AUDIT_NOTE = "An audit record (caller = your OS user) goes to the audit container in "
            + "Blob Storage, or to BACKUP_DIR/audit/<yyyy>/<MM>/<dd>.jsonl when no storage is configured.";

    private ServerRestoreCommands() {
    }

    /** Runs {@code start} as {@code action} for the OS user, audited, and prints the started operation. */
    static int start(Cli cli, CommandSpec spec, String action, Map<String, String> parameters, boolean json,
                     Function<Caller, Operation> start) {
        AuditTrail audit = cli.app().auditTrail();
        Operation op = audit.perform(action, parameters, ServerRestoreOutput.osUser(), start, Operation::id);
        ServerRestoreOutput.started(spec.commandLine().getOut(), spec.commandLine().getErr(), op, json,
                audit.describe(), cli.app().clock().instant());
        return 0;
    }

    /** The options both restores take: where a private-access server goes, the scenario, the restart. */
    static final class Common {
        @Option(names = "--target-subnet", paramLabel = "RESOURCE_ID",
                description = "Delegated subnet to restore a private-access server into (with --target-dns-zone). "
                        + "Default: the source's for pitr; GEO_RESTORE_SUBNET_ID for geo-restore.")
        String subnet;

        @Option(names = "--target-dns-zone", paramLabel = "RESOURCE_ID",
                description = "Private DNS zone for a private-access server (with --target-subnet).")
        String dnsZone;

        @Option(names = "--scenario", paramLabel = "corruption|server-failure|region-outage",
                description = "The scenario the restore serves; its recovery-time target is measured against. "
                        + "Default: corruption for a chosen time, server-failure for latest or fast, region-outage "
                        + "for geo-restore.")
        String scenario;

        @Option(names = "--restart", description = "Restart the new server when copied parameters need it.")
        boolean restart;

        @Option(names = "--json", description = "Print the operation as JSON.")
        boolean json;

        ServerRestoreRequest.TargetNetwork network() {
            return ServerRestoreRequest.TargetNetwork.of(subnet, dnsZone);
        }

        RecoveryScenario scenario() {
            return scenario == null ? null : RecoveryScenario.parse("--scenario", scenario);
        }

        Map<String, String> parameters(Map<String, String> first) {
            Map<String, String> p = new LinkedHashMap<>(first);
            if (subnet != null) {
                p.put("targetSubnetId", subnet);
            }
            if (dnsZone != null) {
                p.put("targetPrivateDnsZoneId", dnsZone);
            }
            if (scenario != null) {
                p.put("scenario", scenario);
            }
            if (restart) {
                p.put("restart", "true");
            }
            return p;
        }
    }

    @Command(name = "pitr",
            header = "Start a point-in-time restore of POSTGRES_SERVER_NAME into a new server (returns an operation id).",
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup pitr --restore-time 2024-01-15T14:30:00Z --target-server shiftsync-db-restored",
                "  shiftsync-backup pitr --restore-time fast --target-server shiftsync-db-restored --restart"},
            description = {
                "Starts a point-in-time restore of POSTGRES_SERVER_NAME into a new server in the same region and "
                + "resource group. Returns at once with an operation id (the restore takes minutes to hours); "
                + "follow it with restore-status, which also reports the completion: the source's firewall rules "
                + "and server parameters copied, and the new server verified against the backups. Checks first: "
                + "the time is ISO-8601 with an offset (or latest, or fast: the newest full backup, no log replay), "
                + "in the past and inside the server's restore window; the target name is valid, new and free in "
                + "Azure. A private-access source is restored into its own subnet unless --target-subnet names "
                + "another.",
                AUDIT_NOTE,
                ""})
    static final class Pitr implements Callable<Integer> {
        private final Cli cli;

        @Spec
        CommandSpec spec;

        @Option(names = "--restore-time", required = true, paramLabel = "ISO8601|latest|fast",
                description = "The moment to restore to, with its offset (2024-01-15T10:30:00Z), latest, or fast.")
        String restoreTime;

        @Option(names = "--target-server", required = true, paramLabel = "NAME",
                description = "Name of the new server (3-63 lower-case letters, digits and hyphens).")
        String targetServer;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        Pitr(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            return start(cli, spec, AuditActions.RESTORE_POINT_IN_TIME, common.parameters(
                    ServerRestoreOutput.parameters("restorePointInTime", restoreTime, "targetServerName", targetServer)),
                    common.json, caller -> cli.app().recovery().serverRestoreJob().start(caller, ServerRestoreRequest.pointInTime(
                            restoreTime, targetServer, common.network(), common.scenario(), common.restart),
                            cli.reporter()));
        }
    }

    @Command(name = "geo-restore",
            header = "Start a geo-restore of POSTGRES_SERVER_NAME into a new server in the paired region (returns an operation id).",
            footerHeading = "%nExamples:%n",
            footer = {"  shiftsync-backup geo-restore --target-server shiftsync-db-dr"},
            description = {
                "Starts a geo-restore of POSTGRES_SERVER_NAME from its geo-redundant backup into a new server in "
                + "the source region's paired region, the only one Azure allows (up to an hour of data lost). Only "
                + "for servers created with geo-redundant backup, at least an hour old. A private-access source "
                + "needs a subnet and DNS zone in the paired region (--target-subnet and --target-dns-zone, or "
                + "GEO_RESTORE_SUBNET_ID and GEO_RESTORE_PRIVATE_DNS_ZONE_ID). Returns at once with an operation "
                + "id; follow it with restore-status.",
                AUDIT_NOTE,
                ""})
    static final class Geo implements Callable<Integer> {
        private final Cli cli;

        @Spec
        CommandSpec spec;

        @Option(names = "--target-server", required = true, paramLabel = "NAME",
                description = "Name of the new server (3-63 lower-case letters, digits and hyphens).")
        String targetServer;

        @Option(names = "--location", paramLabel = "REGION",
                description = "Region of the new server; it must be the source region's pair (the default).")
        String location;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        Geo(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            Map<String, String> given = ServerRestoreOutput.parameters("targetServerName", targetServer);
            if (location != null) {
                given.put("location", location);
            }
            return start(cli, spec, AuditActions.RESTORE_GEO, common.parameters(given), common.json,
                    caller -> cli.app().recovery().serverRestoreJob().start(caller, ServerRestoreRequest.geo(targetServer,
                            location, common.network(), common.scenario(), common.restart), cli.reporter()));
        }
    }
}
