package com.shiftsync.backup.recovery;

import com.shiftsync.backup.domain.ClientReadiness;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.RecoveryMethod;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.RegionPairs;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Wording;
import com.shiftsync.backup.monitor.ClientWatch;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.verify.BackupListing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Makes a {@link RecoveryPlan}: reads the source server (its restore window, geo-redundancy,
 * age, network, high availability, replicas and full backups), the dumps in the stores and
 * this product's own measured recoveries, and starts nothing. Only reads: Resource Manager
 * sees GETs alone. What cannot be read (Resource Manager down in a regional outage) makes
 * the server options unavailable with the reason; the dumps are still planned.
 */
public final class RecoveryPlanner {
    /** Azure's figure for a point-in-time restore to the latest point: the WAL not yet archived, up to 5 minutes. */
    static final Duration LATEST_LOSS = Duration.ofMinutes(5);
    /** Azure's figure for a geo-restore: data reaches the paired region up to an hour late. */
    static final Duration GEO_LOSS = Duration.ofHours(1);
    static final String AZURE_RANGE = "not measured yet: Azure documents a few minutes up to 12 hours for restores "
            + "from its backups, depending on the data's size and the log to replay; a recovery drill measures it "
            + "(shiftsync-backup drill)";
    public static final String PLANNED = "ShiftSync.Recovery.Planned";
    private static final Logger LOG = Logger.getLogger(RecoveryPlanner.class.getName());

    private final ServerAdmin admin;
    private final OperationStore operations;
    private final List<BackupStore> stores;
    private final Clock clock;
    private final String sourceName;
    private final ServerRestoreRequest.TargetNetwork geoNetwork;
    private final boolean cutoverConfigured;
    private final ClientWatch clients;

    /**
     * @param sourceName        POSTGRES_SERVER_NAME, or null (then only dumps are planned)
     * @param geoNetwork        GEO_RESTORE_SUBNET_ID and GEO_RESTORE_PRIVATE_DNS_ZONE_ID, or null
     * @param cutoverConfigured whether CUTOVER_SECRET_NAME is set (a cutover can then point ShiftSync at the new server)
     */
    public RecoveryPlanner(ServerAdmin admin, OperationStore operations, List<BackupStore> stores,
                           Clock clock, String sourceName, ServerRestoreRequest.TargetNetwork geoNetwork,
                           boolean cutoverConfigured) {
        this(admin, operations, stores, clock, sourceName, geoNetwork, cutoverConfigured, null);
    }

    /**
     * @param clients which pg_dump and pg_restore work against DATABASE_URL's server ({@code client-too-old},
     *                and the servers a dump restores into), or null to leave that out
     */
    public RecoveryPlanner(ServerAdmin admin, OperationStore operations, List<BackupStore> stores,
                           Clock clock, String sourceName, ServerRestoreRequest.TargetNetwork geoNetwork,
                           boolean cutoverConfigured, ClientWatch clients) {
        this.clients = clients;
        this.admin = admin;
        this.operations = operations;
        this.stores = stores;
        this.clock = clock;
        this.sourceName = sourceName;
        this.geoNetwork = geoNetwork;
        this.cutoverConfigured = cutoverConfigured;
    }

    /**
     * The plan for {@code scenario} (null: server-failure), to {@code to} (null: as recent as
     * possible), and its event.
     */
    public RecoveryPlan plan(RecoveryScenario scenario, Instant to, Reporter reporter) {
        RecoveryScenario s = scenario == null ? RecoveryScenario.SERVER_FAILURE : scenario;
        Instant now = clock.instant();
        if (to != null && to.isAfter(now)) {
            throw ShiftSyncException.badInput("--to " + to + " is in the future (it is now " + now
                    + "): give the moment before the damage");
        }
        Source source = readSource();
        Measured measured = measured();
        ClientReadiness readiness = clients == null ? null : clients.read(measured.listing().stream()
                .map(BackupListing.Row::manifest).filter(Objects::nonNull).findFirst().orElse(null));
        List<RecoveryPlan.Option> options = new ArrayList<>();
        for (RecoveryMethod method : s.methods()) {
            switch (method) {
                case POINT_IN_TIME -> {
                    options.add(pointInTime(s, source, to, now, measured));
                    options.add(fast(s, source, to, now, measured));
                }
                case GEO_RESTORE -> options.add(geo(s, source, to, now, measured));
                case DUMP_RESTORE -> options.add(dump(s, to, now, measured, readiness));
            }
        }
        RecoveryPlan plan = new RecoveryPlan(now, s, new RecoveryPlan.Targets(s.rto().toMinutes(),
                s.rpo().toMinutes()), to, sourceName, options,
                readiness == null ? List.of() : readiness.alert().stream().toList());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", s.id());
        f.put("restorePoint", to == null ? null : to.toString());
        f.put("available", options.stream().filter(RecoveryPlan.Option::available)
                .map(o -> o.method() + (o.restorePoint() == null ? "" : ":" + o.restorePoint())).toList());
        reporter.event(Event.info(PLANNED, f));
        return plan;
    }

    /** What the plan needs of the source server, or why it could not be read. */
    private record Source(ServerAdmin.Server server, List<ServerAdmin.FullBackup> backups, List<String> replicas,
                          String problem) {
    }

    private Source readSource() {
        if (sourceName == null) {
            return new Source(null, List.of(), List.of(), "POSTGRES_SERVER_NAME is not set, so there is no Azure "
                    + "server to restore");
        }
        try {
            ServerAdmin a = admin;
            ServerAdmin.Server server = a.source();
            return new Source(server, a.fullBackups(), a.replicas(), null);
        } catch (RuntimeException e) {
            return new Source(null, List.of(), List.of(), "could not read server " + sourceName + ": "
                    + ShiftSyncException.wrap(e).getMessage());
        }
    }

    private RecoveryPlan.Option pointInTime(RecoveryScenario s, Source src, Instant to, Instant now, Measured m) {
        String point = to == null ? ServerRestoreRequest.LATEST : ServerRestoreRequest.CHOSEN;
        RecoveryPlan.DataLoss loss = to == null
                ? new RecoveryPlan.DataLoss(LATEST_LOSS.toSeconds(), false, "up to 5 minutes: the transactions "
                + "Azure had not yet archived (Azure's figure)")
                : new RecoveryPlan.DataLoss(Duration.between(to, now).toSeconds(), true, "everything after " + to
                + " (" + Wording.span(Duration.between(to, now)) + "), by intent");
        String reason = src.problem();
        ServerAdmin.Server server = src.server();
        if (reason == null && to != null && server.earliestRestoreDate() != null
                && to.isBefore(server.earliestRestoreDate().toInstant())) {
            reason = to + " is before the earliest restore point of " + server.name() + " ("
                    + server.earliestRestoreDate().toInstant() + "): Azure keeps " + server.backupRetentionDays()
                    + " days of backups";
        }
        if (reason == null && s == RecoveryScenario.REGION_OUTAGE) {
            reason = "a point-in-time restore lands in the source's own region, " + server.location()
                    + ", which this scenario takes to be down";
        }
        return serverOption(RecoveryMethod.POINT_IN_TIME, point, s, src, reason, loss,
                server == null ? null : server.location(), to, now, m);
    }

    private RecoveryPlan.Option fast(RecoveryScenario s, Source src, Instant to, Instant now, Measured m) {
        Instant ref = to == null ? now : to;
        ServerAdmin.Server server = src.server();
        Instant earliest = server == null || server.earliestRestoreDate() == null ? Instant.MIN
                : server.earliestRestoreDate().toInstant();
        Optional<Instant> snapshot = src.backups().stream().map(ServerAdmin.FullBackup::completedTime)
                .filter(t -> !t.isAfter(ref) && !t.isBefore(earliest)).max(Comparator.naturalOrder());
        String reason = src.problem();
        if (reason == null && snapshot.isEmpty()) {
            reason = "server " + server.name() + " lists no full backup " + (to == null ? "" : "before " + to + " ")
                    + "inside its restore window";
        }
        if (reason == null && s == RecoveryScenario.REGION_OUTAGE) {
            reason = "a restore to the fast restore point lands in the source's own region, " + server.location()
                    + ", which this scenario takes to be down";
        }
        RecoveryPlan.DataLoss loss = snapshot.map(t -> new RecoveryPlan.DataLoss(Duration.between(t, now).toSeconds(),
                false, "everything after the full backup of " + t + " (" + Wording.span(Duration.between(t, now))
                        + "): no log is replayed, which makes it the fastest server restore"))
                .orElse(new RecoveryPlan.DataLoss(null, false, "unknown: no full backup on record"));
        return serverOption(RecoveryMethod.POINT_IN_TIME, ServerRestoreRequest.FAST, s, src, reason, loss,
                server == null ? null : server.location(), to, now, m);
    }

    private RecoveryPlan.Option geo(RecoveryScenario s, Source src, Instant to, Instant now, Measured m) {
        ServerAdmin.Server server = src.server();
        String reason = src.problem();
        Optional<String> pair = server == null ? Optional.empty() : RegionPairs.pairOf(server.location());
        if (reason == null && !server.geoRedundantBackup()) {
            reason = "server " + server.name() + " has no geo-redundant backup (Azure allows choosing it only when a "
                    + "server is created)";
        }
        if (reason == null && server.createdAt() != null && server.createdAt().plus(Duration.ofHours(1)).isAfter(now)) {
            reason = "server " + server.name() + " is less than an hour old (created " + server.createdAt()
                    + "): Azure has not copied a geo-backup to the paired region yet";
        }
        if (reason == null && pair.isEmpty()) {
            reason = "region " + server.location() + " has no paired region, and Azure geo-restores only into the pair";
        }
        if (reason == null && server.network().isPrivate() && geoNetwork == null) {
            reason = "server " + server.name() + " has private access, and Azure geo-restores it only into a virtual "
                    + "network in " + pair.get() + ": set GEO_RESTORE_SUBNET_ID and GEO_RESTORE_PRIVATE_DNS_ZONE_ID "
                    + "(or name them in the request)";
        }
        if (reason == null && to != null) {
            reason = "a geo-restore cannot go back to a chosen time: it restores the latest data in the paired region";
        }
        RecoveryPlan.DataLoss loss = new RecoveryPlan.DataLoss(GEO_LOSS.toSeconds(), false, "up to 1 hour: data "
                + "reaches the paired region up to an hour late (Azure's figure)");
        return serverOption(RecoveryMethod.GEO_RESTORE, null, s, src, reason, loss, pair.orElse(null), to, now, m);
    }

    private RecoveryPlan.Option serverOption(RecoveryMethod method, String point, RecoveryScenario s, Source src,
                                             String reason, RecoveryPlan.DataLoss loss, String region, Instant to,
                                             Instant now, Measured m) {
        ServerAdmin.Server server = src.server();
        RecoveryPlan.TargetNetwork network = null;
        List<String> followUps = new ArrayList<>();
        if (server != null) {
            if (!server.network().isPrivate()) {
                network = new RecoveryPlan.TargetNetwork("public", null, null);
            } else if (method == RecoveryMethod.POINT_IN_TIME) {
                network = new RecoveryPlan.TargetNetwork("private", server.network().delegatedSubnetId(),
                        server.network().privateDnsZoneId());
            } else if (geoNetwork != null) {
                network = new RecoveryPlan.TargetNetwork("private", geoNetwork.subnetId(), geoNetwork.privateDnsZoneId());
            }
            if (server.highlyAvailable()) {
                followUps.add("high availability (" + server.highAvailability() + ") is on at " + server.name()
                        + "; the new server is a single server: turn it on again afterwards");
            }
            if (!src.replicas().isEmpty()) {
                followUps.add("read replicas " + String.join(", ", src.replicas()) + " are not restored: create them "
                        + "again from the new server");
            }
            followUps.add("private endpoints and virtual endpoints are never copied: create any the source had");
            followUps.add("the app copies the firewall rules and server parameters and verifies the new server "
                    + "against the backups; follow it with restore-status");
            followUps.add(cutoverConfigured ? "then point ShiftSync at it: restore-cutover OPERATION_ID (only after "
                    + "a passed verification)" : "then point ShiftSync at the new host yourself (CUTOVER_SECRET_NAME is "
                    + "not set, so the app cannot do it)");
        }
        RecoveryPlan.ExpectedDuration expected = m.expected(method.kind());
        Map<String, Object> start = new LinkedHashMap<>();
        if (reason == null) {
            String target = sourceName + (method == RecoveryMethod.GEO_RESTORE ? "-geo" : "-restored");
            if (method == RecoveryMethod.GEO_RESTORE) {
                start.put("cli", "shiftsync-backup geo-restore --target-server " + target + " --scenario " + s.id());
                start.put("http", Map.of("method", "POST", "route", "/api/restores/geo", "body",
                        Map.of("targetServerName", target, "scenario", s.id())));
            } else {
                String when = ServerRestoreRequest.CHOSEN.equals(point) ? to.toString() : point;
                start.put("cli", "shiftsync-backup pitr --restore-time " + when + " --target-server " + target
                        + " --scenario " + s.id());
                start.put("http", Map.of("method", "POST", "route", "/api/restores/point-in-time", "body",
                        Map.of("restorePointInTime", when, "targetServerName", target, "scenario", s.id())));
            }
        }
        return new RecoveryPlan.Option(method.id(), point, reason == null, reason, loss, expected, region, network,
                followUps, loss.intended() || loss.seconds() != null && loss.seconds() <= s.rpo().toSeconds(),
                expected.seconds() == null ? null : expected.seconds() <= s.rto().toSeconds(),
                start.isEmpty() ? null : start);
    }

    private RecoveryPlan.Option dump(RecoveryScenario s, Instant to, Instant now, Measured m,
                                     ClientReadiness readiness) {
        Instant ref = to == null ? now : to;
        List<BackupListing.Row> rows = m.listing().stream().filter(r -> !r.manifest().startedAt().isAfter(ref)).toList();
        Optional<BackupListing.Row> verified = rows.stream()
                .filter(r -> r.verification() != null && r.verification().passed()).findFirst();
        Optional<BackupListing.Row> chosen = verified.isPresent() ? verified : rows.stream().findFirst();
        if (chosen.isEmpty()) {
            return new RecoveryPlan.Option(RecoveryMethod.DUMP_RESTORE.id(), null, false, m.listingProblem() != null
                    ? m.listingProblem() : "there is no dump " + (to == null ? "" : "from before " + to + " ")
                    + "in " + describeStores(), new RecoveryPlan.DataLoss(null, false, "unknown: no dump"),
                    m.dumpRestore(), null, null, List.of(), false, null, null);
        }
        Manifest d = chosen.get().manifest();
        Duration lost = Duration.between(d.startedAt(), now);
        boolean intended = to != null;
        RecoveryPlan.DataLoss loss = new RecoveryPlan.DataLoss(lost.toSeconds(), false, "everything after the dump's "
                + "start, " + d.startedAt() + " (" + Wording.span(lost) + (intended ? ", of which everything after "
                + to + " by intent" : "") + ")");
        long unintended = intended ? Duration.between(d.startedAt(), to).toSeconds() : lost.toSeconds();
        List<String> followUps = new ArrayList<>();
        followUps.add((verified.isPresent() ? "dump " + d.id() + " passed its restore test"
                : "dump " + d.id() + " has no passed restore test: it is the newest there is") + "; it is restored "
                + "into a database on DATABASE_URL's server (a new database by default), which must be running");
        if (s != RecoveryScenario.CORRUPTION) {
            followUps.add("for a lost server, create a new one first, point DATABASE_URL at it, then restore");
        }
        followUps.add("then point ShiftSync at the restored database");
        RecoveryPlan.ExpectedDuration expected = m.dumpRestore();
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("cli", "shiftsync-backup restore --backup " + d.id() + " --source " + chosen.get().store()
                + " --target-url postgresql://USER@HOST:5432/shiftsync_restored");
        start.put("http", Map.of("method", "POST", "route", "/api/restores/from-backup", "body",
                Map.of("backupId", d.id())));
        return new RecoveryPlan.Option(RecoveryMethod.DUMP_RESTORE.id(), d.id(), true, null, loss, expected, null, null,
                followUps, unintended <= s.rpo().toSeconds(),
                expected.seconds() == null ? null : expected.seconds() <= s.rto().toSeconds(), start,
                readiness == null ? null : readiness.restoreTargets(d));
    }

    private String describeStores() {
        return String.join(" or ", stores.stream().map(BackupStore::describe).toList());
    }

    /**
     * This product's own measurements: finished recoveries by kind (a dump drill's under
     * {@link OperationKind#DRILL}), and the dumps with their restore tests.
     */
    private record Measured(Map<OperationKind, List<Duration>> times, List<BackupListing.Row> listing,
                            String listingProblem) {
        RecoveryPlan.ExpectedDuration expected(OperationKind kind) {
            List<Duration> t = times.getOrDefault(kind, List.of()).stream().sorted().toList();
            if (t.isEmpty()) {
                return kind == OperationKind.FROM_BACKUP
                        ? new RecoveryPlan.ExpectedDuration("unknown", null, 0, "not measured yet: a dump drill "
                        + "(shiftsync-backup drill --method dump), a restore test (shiftsync-backup verify) or a "
                        + "restore measures it")
                        : new RecoveryPlan.ExpectedDuration("azure", null, 0, AZURE_RANGE);
            }
            Duration median = median(t);
            return new RecoveryPlan.ExpectedDuration("measured", median.toSeconds(), t.size(), Wording.span(median)
                    + ", the median of " + t.size() + " measured " + (kind == OperationKind.FROM_BACKUP
                    ? "restores of our dumps" : "recoveries of this method") + " (min " + Wording.span(t.get(0))
                    + ", max " + Wording.span(t.get(t.size() - 1)) + ")");
        }

        /**
         * A dump restore's expected time: the dump drills' measured recoveries when there are
         * any (the whole way, from an empty server's create to every table checked, roles
         * included), else the restores and restore tests of our dumps (into an existing server).
         */
        RecoveryPlan.ExpectedDuration dumpRestore() {
            List<Duration> t = times.getOrDefault(OperationKind.DRILL, List.of()).stream().sorted().toList();
            if (t.isEmpty()) {
                return expected(OperationKind.FROM_BACKUP);
            }
            Duration median = median(t);
            return new RecoveryPlan.ExpectedDuration("measured", median.toSeconds(), t.size(), Wording.span(median)
                    + ", the median of " + t.size() + " dump drill" + (t.size() == 1 ? "" : "s") + " (an empty "
                    + "server like the source created, the newest dump restored into it with its roles, every table "
                    + "checked; min " + Wording.span(t.get(0)) + ", max " + Wording.span(t.get(t.size() - 1)) + ")");
        }

        private static Duration median(List<Duration> sorted) {
            return sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : sorted.get(sorted.size() / 2 - 1).plus(sorted.get(sorted.size() / 2)).dividedBy(2);
        }
    }

    private Measured measured() {
        Map<OperationKind, List<Duration>> times = new LinkedHashMap<>();
        try {
            for (Operation op : operations.list()) {
                if (op.status() != OperationStatus.Succeeded || op.finishedAt() == null) {
                    continue;
                }
                if (op.measuredRecovery().isPresent()) {
                    times.computeIfAbsent(op.kind(), k -> new ArrayList<>()).add(op.measuredRecovery().get());
                } else if (op.kind() == OperationKind.FROM_BACKUP && op.startedAt() != null) {
                    times.computeIfAbsent(op.kind(), k -> new ArrayList<>())
                            .add(Duration.between(op.startedAt(), op.finishedAt()));
                }
            }
        } catch (RuntimeException e) {
            LOG.warning("could not read the operations for measured recovery times: "
                    + ShiftSyncException.wrap(e).getMessage());
        }
        List<BackupListing.Row> listing = List.of();
        String problem = null;
        try {
            listing = BackupListing.of(stores);
        } catch (RuntimeException e) {
            problem = "could not read the dumps: " + ShiftSyncException.wrap(e).getMessage();
        }
        for (BackupListing.Row row : listing) {
            if (row.verification() != null && row.verification().passed() && row.verification().durationMs() > 0) {
                times.computeIfAbsent(OperationKind.FROM_BACKUP, k -> new ArrayList<>())
                        .add(Duration.ofMillis(row.verification().durationMs()));
            }
        }
        return new Measured(times, listing, problem);
    }
}
