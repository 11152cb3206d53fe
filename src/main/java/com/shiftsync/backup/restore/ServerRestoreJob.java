package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.operations.OperationFollower;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerAdmin;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Point-in-time restore and geo-restore of the source Flexible Server into a new server,
 * as the guide's {@code az postgres flexible-server restore} / {@code geo-restore} do, for
 * both doors (HTTP and CLI). A request is checked in full before anything is created:
 * its form, the clock, the source server's restore window and geo-redundancy, and the
 * target name (free in the resource group and in Azure). Then the create is started and
 * the operation is kept in the {@link OperationStore}; as the {@link OperationFollower} of
 * its kinds it is followed later through Resource Manager, from any instance, after any
 * restart.
 */
public final class ServerRestoreJob implements OperationFollower {
    /** Tracking key: Resource Manager's Azure-AsyncOperation URL of the create. */
    public static final String ASYNC_OPERATION = "asyncOperationUrl";
    private static final Logger LOG = Logger.getLogger(ServerRestoreJob.class.getName());

    private final Supplier<ServerAdmin> admin;
    private final OperationStore operations;
    private final Clock clock;
    private final String sourceName;

    /**
     * @param sourceName POSTGRES_SERVER_NAME, known before Resource Manager is asked
     */
    public ServerRestoreJob(ServerAdmin admin, OperationStore operations, Clock clock, String sourceName) {
        this(() -> admin, operations, clock, sourceName);
    }

    /**
     * With Resource Manager built on first use, so building this needs no Resource Manager
     * settings.
     *
     * @param sourceName POSTGRES_SERVER_NAME, or null when it is not set (a start then fails building {@code admin})
     */
    public ServerRestoreJob(Supplier<ServerAdmin> admin, OperationStore operations, Clock clock, String sourceName) {
        this.admin = admin;
        this.operations = operations;
        this.clock = clock;
        this.sourceName = sourceName;
    }

    /** Starts a point-in-time restore: {@code restorePointInTime} ISO-8601 with an offset. */
    public Operation startPointInTime(Caller caller, String restorePointInTime, String targetServerName,
                                      Reporter reporter) {
        return start(caller, ServerRestoreRequest.pointInTime(restorePointInTime, targetServerName), reporter);
    }

    /** Starts a geo-restore into {@code location} (normally the source region's pair). */
    public Operation startGeo(Caller caller, String targetServerName, String location, Reporter reporter) {
        return start(caller, ServerRestoreRequest.geo(targetServerName, location), reporter);
    }

    /** Checks the request, starts the create and reports it started. */
    public Operation start(Caller caller, ServerRestoreRequest request, Reporter reporter) {
        String target = request.target().value();
        if (target.equalsIgnoreCase(sourceName)) {
            throw ShiftSyncException.badInput("targetServerName '" + target + "' is the source server itself; "
                    + "a restore creates a new server: choose a new name, e.g. " + suggestion());
        }
        Instant now = clock.instant();
        if (request.kind() == OperationKind.POINT_IN_TIME && request.restorePointInTime().toInstant().isAfter(now)) {
            throw ShiftSyncException.badInput("restorePointInTime " + request.restorePointInTime()
                    + " is in the future (it is now " + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + "): choose a moment in the past");
        }
        ServerAdmin admin = this.admin.get();
        ServerAdmin.Server source = admin.source();
        if (request.kind() == OperationKind.POINT_IN_TIME && source.earliestRestoreDate() != null
                && request.restorePointInTime().isBefore(source.earliestRestoreDate())) {
            throw ShiftSyncException.badInput("restorePointInTime " + request.restorePointInTime()
                    + " is before the earliest restore point of server " + source.name() + " ("
                    + secondAfter(source.earliestRestoreDate()) + retention(source)
                    + "): choose a moment between then and now");
        }
        if (request.kind() == OperationKind.GEO && !source.geoRedundantBackup()) {
            throw ShiftSyncException.badInput("server " + source.name() + " has no geo-redundant backup, so it "
                    + "cannot be geo-restored (Azure lets you choose geo-redundant backup only when a server is "
                    + "created); use a point-in-time restore into " + source.location() + " instead");
        }
        Optional<ServerAdmin.Server> existing = admin.find(target);
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

        OffsetDateTime pointInTime = request.kind() == OperationKind.POINT_IN_TIME
                ? request.restorePointInTime().withOffsetSameInstant(ZoneOffset.UTC)
                : now.atOffset(ZoneOffset.UTC);
        String location = request.kind() == OperationKind.GEO ? request.location() : source.location();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("sourceServer", source.name());
        details.put("sourceServerId", source.id());
        details.put("sourceLocation", source.location());
        details.put("location", location);
        details.put("pointInTimeUTC", pointInTime.toString());
        Operation operation = Operation.start(request.kind(), target, caller, now, request.parameters(), details);
        operations.create(operation);

        ServerAdmin.StartedCreate started;
        try {
            started = admin.startCreate(new ServerAdmin.CreateRequest(request.kind(), target, location, source.id(),
                    pointInTime));
        } catch (RuntimeException e) {
            ShiftSyncException error = ShiftSyncException.wrap(e);
            operations.trySave(operation.failed(clock.instant(), Operation.Failure.of(error)));
            throw e;
        }
        Map<String, String> tracking = new LinkedHashMap<>();
        if (started.trackingUrl() != null) {
            tracking.put(ASYNC_OPERATION, started.trackingUrl());
        }
        Operation running = operation.started(clock.instant(), tracking,
                Map.of("resourceManagerAnswer", String.valueOf(started.httpStatus())));
        operations.trySave(running);
        RestoreEvents.serverStarted(running, reporter);
        return running;
    }

    /**
     * A running restore as Resource Manager reports it now (the Azure-AsyncOperation URL;
     * when Resource Manager no longer knows the operation, the target server's own state).
     */
    @Override
    public Operation follow(Operation op) {
        String url = op.tracking().get(ASYNC_OPERATION);
        Optional<ServerAdmin.Progress> progress = url == null ? Optional.empty() : admin.get().progress(url);
        return progress.isPresent() ? follow(op, progress.get()) : fromTargetState(op);
    }

    @Override
    public void finished(Operation op, Reporter reporter) {
        RestoreEvents.serverFinished(op, reporter);
    }

    private Operation follow(Operation op, ServerAdmin.Progress progress) {
        String status = progress.status() == null ? "" : progress.status().toLowerCase(Locale.ROOT);
        // ARM's own end time is the most exact measure; the time of this check is the fallback
        // (and guards against an ARM clock that disagrees with ours by more than the restore took).
        Instant end = progress.endTime() != null && !progress.endTime().isBefore(op.requestedAt())
                ? progress.endTime() : clock.instant();
        switch (status) {
            case "succeeded":
                return op.succeeded(end, targetDetails(op.target()));
            case "failed":
                return op.failed(end, new Operation.Failure(progress.errorCode(), progress.errorMessage()));
            case "canceled":
            case "cancelled":
                return op.failed(end, new Operation.Failure(progress.errorCode() != null ? progress.errorCode()
                        : "Canceled", progress.errorMessage() != null ? progress.errorMessage()
                        : "the create was cancelled in Azure"));
            default:
                return op;
        }
    }

    private Operation fromTargetState(Operation op) {
        Optional<ServerAdmin.Server> server = admin.get().find(op.target());
        if (server.isEmpty()) {
            return op.failed(clock.instant(), new Operation.Failure("TargetServerMissing",
                    "Resource Manager no longer reports the create of " + op.target()
                            + " and the server does not exist: the restore did not complete; start it again"));
        }
        if ("Ready".equalsIgnoreCase(server.get().state())) {
            return op.succeeded(clock.instant(), details(server.get()));
        }
        return op;
    }

    /** The final GET of the new server: its host name and state, for the caller's next step. */
    private Map<String, String> targetDetails(String target) {
        try {
            return admin.get().find(target).map(ServerRestoreJob::details).orElse(Map.of());
        } catch (RuntimeException e) {
            LOG.warning("restore of " + target + " succeeded but reading the new server failed: "
                    + ShiftSyncException.wrap(e).getMessage());
            return Map.of();
        }
    }

    private static Map<String, String> details(ServerAdmin.Server server) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("targetServerId", server.id());
        d.put("targetState", server.state());
        if (server.fullyQualifiedDomainName() != null) {
            d.put("fullyQualifiedDomainName", server.fullyQualifiedDomainName());
        }
        return d;
    }


    /** The earliest point to the second, rounded up so that it is a point that can really be restored. */
    private static Instant secondAfter(OffsetDateTime t) {
        Instant i = t.toInstant();
        Instant whole = i.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return whole.equals(i) ? i : whole.plusSeconds(1);
    }

    private static String retention(ServerAdmin.Server source) {
        return source.backupRetentionDays() == null ? "" : ", backups kept " + source.backupRetentionDays() + " days";
    }

    private String suggestion() {
        String base = sourceName == null ? "shiftsync-db" : sourceName;
        String s = base + "-restored";
        return s.length() > 63 ? s.substring(0, 63) : s;
    }
}
