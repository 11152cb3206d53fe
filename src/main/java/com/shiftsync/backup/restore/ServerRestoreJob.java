package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.RegionPairs;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ServerRestoreState;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.operations.OperationStep;
import com.shiftsync.backup.operations.Reminders;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerAdmin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Point-in-time restore and geo-restore of the source Flexible Server into a new server,
 * as the guide's {@code az postgres flexible-server restore} / {@code geo-restore} do, for
 * both doors (HTTP and CLI). A request is checked in full before anything is created: its
 * form, the clock, the source server's restore window, geo-redundancy and age, the region
 * (a geo-restore goes to the source region's pair), the network (a private-access source is
 * restored into a subnet and private DNS zone), and the target name (free in the resource
 * group and in Azure). Then the create is started, tagged with the operation's id, and the
 * operation kept in the {@link OperationStore}; as the {@link OperationStep} of its kinds the
 * operation-updates worker follows it through Resource Manager, from any instance, after any
 * restart, and once Azure has finished, {@link ServerCompletion} makes the new server one
 * ShiftSync can use. Every step finds the server again through {@link RestoredServers}: in the
 * settings' group, tagged by this operation, not the source.
 */
public final class ServerRestoreJob implements OperationStep {
    /** Azure copies a geo backup to the pair asynchronously; a server younger than this has none yet. */
    static final Duration FIRST_GEO_BACKUP = Duration.ofHours(1);

    private final ServerAdmin admin;
    private final OperationStore operations;
    private final ServerCompletion completion;
    private final RestoredServers servers;
    private final Reminders reminders;
    private final Clock clock;
    private final ServerRestoreRequest.TargetNetwork geoNetwork;

    /**
     * @param completion what follows Azure's part: firewall rules, parameters, verification
     * @param servers    where restored servers go, and the check before anything is sent to one
     * @param geoNetwork GEO_RESTORE_SUBNET_ID and GEO_RESTORE_PRIVATE_DNS_ZONE_ID: where a private-access source's
     *                   geo-restore goes when the request names no subnet; or null
     * @param reminders  moves the started operation on without anyone reading its status
     */
    public ServerRestoreJob(ServerAdmin admin, OperationStore operations, ServerCompletion completion,
                            RestoredServers servers, Reminders reminders, Clock clock,
                            ServerRestoreRequest.TargetNetwork geoNetwork) {
        this.admin = admin;
        this.operations = operations;
        this.completion = completion;
        this.servers = servers;
        this.reminders = reminders;
        this.clock = clock;
        this.geoNetwork = geoNetwork;
    }

    /** Starts a point-in-time restore: {@code restorePointInTime} ISO-8601 with an offset, latest or fast. */
    public Operation startPointInTime(Caller caller, String restorePointInTime, String targetServerName,
                                      Reporter reporter) {
        return start(caller, ServerRestoreRequest.pointInTime(restorePointInTime, targetServerName), reporter);
    }

    /** Starts a geo-restore into {@code location} (null: the source region's pair). */
    public Operation startGeo(Caller caller, String targetServerName, String location, Reporter reporter) {
        return start(caller, ServerRestoreRequest.geo(targetServerName, location), reporter);
    }

    /** Checks the request, starts the create and reports it started. */
    public Operation start(Caller caller, ServerRestoreRequest request, Reporter reporter) {
        return start(caller, request, null, reporter);
    }

    /**
     * Starts the restore of recovery drill {@code drillId} as {@link #start} does, into the
     * drill group, tagged as a drill server, marked with the drill's id, and without reminders
     * of its own: the drill moves it on, one step per drill step.
     */
    public Operation startForDrill(Caller caller, ServerRestoreRequest request, String drillId, Reporter reporter) {
        return start(caller, request.into(null, Map.of(com.shiftsync.backup.domain.Drill.TAG, "true")), drillId,
                reporter);
    }

    private Operation start(Caller caller, ServerRestoreRequest request, String drillId, Reporter reporter) {
        String target = request.target().value();
        String sourceName = servers.sourceName();
        if (target.equalsIgnoreCase(sourceName)) {
            throw ShiftSyncException.badInput("targetServerName '" + target + "' is the source server itself; "
                    + "a restore creates a new server: choose a new name, e.g. " + suggestion());
        }
        Instant now = clock.instant();
        if (request.restorePointInTime() != null && request.restorePointInTime().toInstant().isAfter(now)) {
            throw ShiftSyncException.badInput("restorePointInTime " + request.restorePointInTime()
                    + " is in the future (it is now " + now.truncatedTo(ChronoUnit.SECONDS)
                    + "): choose a moment in the past");
        }
        ServerAdmin.Server source = admin.source();
        OffsetDateTime pointInTime = pointInTime(source, request, now);
        String location = location(source, request, now);
        ServerAdmin.Network network = network(source, request);
        String group = servers.groupFor(drillId != null);
        Optional<ServerAdmin.Server> existing = admin.find(group, target);
        if (existing.isPresent()) {
            throw new ShiftSyncException(ErrorCode.CONFLICT, "server " + target + " already exists (state "
                    + existing.get().state() + "); a restore creates a new server: choose another name, "
                    + "or delete " + target + " first");
        }
        ServerAdmin.NameCheck name = admin.checkName(target);
        if (!name.available()) {
            String why = name.message() == null || name.message().isBlank() ? "" : " (" + name.message() + ")";
            if ("AlreadyExists".equalsIgnoreCase(name.reason())) {
                throw new ShiftSyncException(ErrorCode.CONFLICT, "the name " + target + " is taken by another "
                        + "server in Azure" + why + "; server names are global: choose another name", name.reason(),
                        null);
            }
            throw new ShiftSyncException(ErrorCode.BAD_INPUT, "Resource Manager refuses the name " + target + why
                    + ": choose another name", name.reason(), null);
        }

        ServerRestoreState asked = ServerRestoreState.asked(request, drillId, source.name(), source.id(),
                source.location(), location, pointInTime, network.isPrivate()
                        ? new ServerRestoreRequest.TargetNetwork(network.delegatedSubnetId(), network.privateDnsZoneId())
                        : null, group);
        Operation operation = Operation.start(request.kind(), target, caller, now, asked);
        operations.create(operation);

        ServerAdmin.StartedCreate started;
        try {
            started = admin.startCreate(new ServerAdmin.CreateRequest(request.kind(), target, location, source.id(),
                    pointInTime, network, RestoredServers.tags(operation.id(), request.tags()), group));
        } catch (RuntimeException e) {
            ShiftSyncException error = ShiftSyncException.wrap(e);
            operations.trySave(operation.failed(clock.instant(), Operation.Failure.of(error)));
            throw e;
        }
        Operation running = operation.started(clock.instant(), asked.sent(started.httpStatus(),
                started.trackingUrl()));
        operations.trySave(running);
        RestoreEvents.serverStarted(running, reporter);
        if (drillId == null) {
            reminders.remind(running.id());
        }
        return running;
    }

    /** The moment to restore to: the chosen one (inside the window), now (latest), or the newest full backup (fast). */
    private OffsetDateTime pointInTime(ServerAdmin.Server source, ServerRestoreRequest request, Instant now) {
        if (request.kind() == OperationKind.GEO || ServerRestoreRequest.LATEST.equals(request.restorePoint())) {
            return now.atOffset(ZoneOffset.UTC);
        }
        if (ServerRestoreRequest.FAST.equals(request.restorePoint())) {
            Instant earliest = source.earliestRestoreDate() == null ? Instant.MIN
                    : source.earliestRestoreDate().toInstant();
            return admin.fullBackups().stream().map(ServerAdmin.FullBackup::completedTime)
                    .filter(t -> !t.isBefore(earliest) && !t.isAfter(now)).max(Comparator.naturalOrder())
                    .map(t -> t.atOffset(ZoneOffset.UTC))
                    .orElseThrow(() -> ShiftSyncException.badInput("server " + source.name() + " has no full backup "
                            + "inside its restore window, so there is no fast restore point: restore to latest or "
                            + "to a chosen time instead"));
        }
        OffsetDateTime chosen = request.restorePointInTime();
        if (source.earliestRestoreDate() != null && chosen.isBefore(source.earliestRestoreDate())) {
            throw ShiftSyncException.badInput("restorePointInTime " + chosen
                    + " is before the earliest restore point of server " + source.name() + " ("
                    + secondAfter(source.earliestRestoreDate()) + retention(source)
                    + "): choose a moment between then and now");
        }
        return chosen.withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** The source's region for point-in-time; for a geo-restore its pair, which is the only region Azure allows. */
    private String location(ServerAdmin.Server source, ServerRestoreRequest request, Instant now) {
        if (request.kind() != OperationKind.GEO) {
            return source.location();
        }
        if (!source.geoRedundantBackup()) {
            throw ShiftSyncException.badInput("server " + source.name() + " has no geo-redundant backup, so it "
                    + "cannot be geo-restored (Azure lets you choose geo-redundant backup only when a server is "
                    + "created); use a point-in-time restore into " + source.location() + " instead");
        }
        if (source.createdAt() != null && source.createdAt().plus(FIRST_GEO_BACKUP).isAfter(now)) {
            throw ShiftSyncException.badInput("server " + source.name() + " was created at "
                    + source.createdAt().truncatedTo(ChronoUnit.SECONDS) + ", less than "
                    + FIRST_GEO_BACKUP.toMinutes() + " minutes ago: Azure copies its first geo-backup to the paired "
                    + "region within an hour of creation, so there is none to restore yet; try after "
                    + source.createdAt().plus(FIRST_GEO_BACKUP).truncatedTo(ChronoUnit.MINUTES));
        }
        String pair = RegionPairs.pairOf(source.location()).orElseThrow(() -> ShiftSyncException.badInput(
                "region " + source.location() + " of server " + source.name() + " has no paired region, so Azure "
                        + "cannot geo-restore it: restore a dump into a server in another region instead"));
        if (request.location() != null && !request.location().equals(pair)) {
            throw ShiftSyncException.badInput("location " + request.location() + " is not the paired region of "
                    + source.location() + ": Azure geo-restores " + source.name() + " only into " + pair
                    + "; leave location out, or send \"location\": \"" + pair + "\"");
        }
        return pair;
    }

    /**
     * Public access stays public; private access is restored into a subnet and private DNS
     * zone: the request's, else for point-in-time the source's own, for geo-restore the
     * settings' (GEO_RESTORE_*), since a virtual network cannot span regions.
     */
    private ServerAdmin.Network network(ServerAdmin.Server source, ServerRestoreRequest request) {
        ServerRestoreRequest.TargetNetwork asked = request.network();
        if (!source.network().isPrivate()) {
            if (asked != null) {
                throw ShiftSyncException.badInput("server " + source.name() + " has public access, and Azure "
                        + "restores a public-access server only with public access: leave targetSubnetId and "
                        + "targetPrivateDnsZoneId out");
            }
            return ServerAdmin.Network.PUBLIC;
        }
        if (asked != null) {
            return new ServerAdmin.Network(asked.subnetId(), asked.privateDnsZoneId());
        }
        if (request.kind() == OperationKind.POINT_IN_TIME) {
            return source.network();
        }
        if (geoNetwork != null) {
            return new ServerAdmin.Network(geoNetwork.subnetId(), geoNetwork.privateDnsZoneId());
        }
        throw ShiftSyncException.badInput("server " + source.name() + " has private access (VNet integration), and "
                + "Azure geo-restores it only into a virtual network in the paired region "
                + RegionPairs.pairOf(source.location()).orElse("") + ": send targetSubnetId and "
                + "targetPrivateDnsZoneId, or set GEO_RESTORE_SUBNET_ID and GEO_RESTORE_PRIVATE_DNS_ZONE_ID");
    }

    /**
     * A running restore, one step further: while Azure creates the server, as Resource
     * Manager reports the create (and, when it no longer knows the create, the server's own
     * state); once Azure has finished, the completion. A server that is not this
     * operation's (another group, no tag of ours, the source) ends it failed, untouched.
     */
    @Override
    public Operation step(Operation op, Reporter reporter) {
        try {
            Operation now = op.completion() == null ? followAzure(op) : op;
            return now.completion() != null && !now.status().finished() ? completion.advance(now) : now;
        } catch (ShiftSyncException e) {
            if ("NotOurs".equals(e.upstreamCode())) {
                return op.failed(clock.instant(), new Operation.Failure("NotOurs", e.getMessage()));
            }
            throw e;
        }
    }

    /**
     * Reports what the step changed: the end of Azure's part (ShiftSync.ServerRestore.*,
     * with the restore's duration), and the end of the recovery (ShiftSync.Recovery.*, with
     * every measured duration).
     */
    @Override
    public void changed(Operation before, Operation after, Reporter reporter) {
        boolean azureFinishedNow = before.completion() == null
                && (after.completion() != null || after.status().finished());
        if (azureFinishedNow) {
            RestoreEvents.serverFinished(after, reporter);
        }
        if (after.status().finished() && after.completion() != null) {
            RestoreEvents.recovered(after, reporter);
        }
    }

    private Operation followAzure(Operation op) {
        ServerRestoreState s = op.state(ServerRestoreState.class);
        ServerAdmin.Progress progress = s.asyncOperationUrl() == null ? ServerAdmin.Progress.UNKNOWN
                : admin.progress(s.asyncOperationUrl());
        // ARM's own end time is the most exact measure; the time of this check is the fallback
        // (and guards against an ARM clock that disagrees with ours by more than the restore took).
        Instant end = progress.endTime() != null && !progress.endTime().isBefore(op.requestedAt())
                ? progress.endTime() : clock.instant();
        return switch (progress.status()) {
            case IN_PROGRESS -> op;
            case FAILED -> op.failed(end, new Operation.Failure(progress.errorCode(), progress.errorMessage()));
            case CANCELED -> op.failed(end, new Operation.Failure(
                    progress.errorCode() != null ? progress.errorCode() : "Canceled",
                    progress.errorMessage() != null ? progress.errorMessage() : "the create was cancelled in Azure"));
            case SUCCEEDED, UNKNOWN -> {
                Optional<ServerAdmin.Server> server = servers.of(op);
                if (server.isEmpty()) {
                    yield op.failed(clock.instant(), new Operation.Failure("TargetServerMissing",
                            "Resource Manager no longer reports the create of " + op.target()
                                    + " and the server does not exist: the restore did not complete; start it again"));
                }
                if (progress.status() == ServerAdmin.Status.UNKNOWN && !"Ready".equalsIgnoreCase(server.get().state())) {
                    yield op;
                }
                yield azureDone(op, server.get(), progress.status() == ServerAdmin.Status.SUCCEEDED ? end
                        : clock.instant());
            }
        };
    }

    /** Azure has created the server: note what Resource Manager reports of it, and begin the completion. */
    private Operation azureDone(Operation op, ServerAdmin.Server server, Instant end) {
        ServerRestoreState s = op.state(ServerRestoreState.class);
        return op.with(clock.instant(), s.created(server.id(), server.state(), server.fullyQualifiedDomainName(),
                Completion.started(end, completion.followUps(op))));
    }

    /** The earliest point to the second, rounded up so that it is a point that can really be restored. */
    private static Instant secondAfter(OffsetDateTime t) {
        Instant i = t.toInstant();
        Instant whole = i.truncatedTo(ChronoUnit.SECONDS);
        return whole.equals(i) ? i : whole.plusSeconds(1);
    }

    private static String retention(ServerAdmin.Server source) {
        return source.backupRetentionDays() == null ? "" : ", backups kept " + source.backupRetentionDays() + " days";
    }

    private String suggestion() {
        String base = servers.sourceName() == null ? "shiftsync-db" : servers.sourceName();
        String s = base + "-restored";
        return s.length() > 63 ? s.substring(0, 63) : s;
    }
}
