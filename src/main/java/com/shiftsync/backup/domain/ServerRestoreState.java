package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A point-in-time or geo-restore of the source server into a new server: what was asked,
 * what the app found when it started it, how to follow Azure's create, and, once Azure has
 * finished, the {@link Completion} (rules, parameters, verification). Its step is
 * {@code restoring} while Azure creates the server, then the completion's stage.
 *
 * <p>Nothing here is trusted for an action on its own: the group, the host name and the
 * server are read again from Resource Manager and the settings before every write, restart
 * or connection ({@code ServerTarget} in the restore job).
 *
 * @param restorePoint             latest, fast or chosen (a point-in-time restore's kind of point)
 * @param restorePointInTime       the moment asked for (chosen only), else null
 * @param askedLocation            the region the request named (geo), or null
 * @param askedNetwork             the subnet and DNS zone the request named, or null
 * @param scenario                 the scenario the request named, or null for the method's default
 * @param restart                  the request asked to restart the new server for copied parameters
 * @param drillId                  the recovery drill that started this restore, or null
 * @param sourceServer             the source server's name
 * @param sourceServerId           its resource id
 * @param sourceLocation           its region
 * @param location                 the new server's region
 * @param pointInTimeUtc           the moment restored to
 * @param network                  where the new server was put (null: public access)
 * @param resourceGroup            the group the new server was created in (null: the source's)
 * @param resourceManagerAnswer    Resource Manager's HTTP status for the create
 * @param asyncOperationUrl        Resource Manager's Azure-AsyncOperation URL of the create, while it runs
 * @param targetServerId           the new server's resource id, once Azure finished
 * @param targetState              its state as Resource Manager last reported it
 * @param fullyQualifiedDomainName its host name as Resource Manager last reported it (shown, never connected to:
 *                                 the verification asks Resource Manager again)
 * @param pendingWrites            writes of the completion Resource Manager accepted but has not finished
 * @param verifyAttempts           how often the verification could not reach the new server so far
 * @param completion               what the app did after Azure's part, or null while Azure creates the server
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerRestoreState(String restorePoint, OffsetDateTime restorePointInTime, String askedLocation,
                                 ServerRestoreRequest.TargetNetwork askedNetwork, RecoveryScenario scenario,
                                 boolean restart, String drillId, String sourceServer, String sourceServerId,
                                 String sourceLocation, String location, OffsetDateTime pointInTimeUtc,
                                 ServerRestoreRequest.TargetNetwork network, String resourceGroup,
                                 Integer resourceManagerAnswer, String asyncOperationUrl, String targetServerId,
                                 String targetState, String fullyQualifiedDomainName,
                                 List<PendingWrite> pendingWrites, int verifyAttempts, Completion completion)
        implements OperationState {
    /** The step while Azure creates the server. */
    public static final String RESTORING = "restoring";

    public ServerRestoreState {
        pendingWrites = pendingWrites == null ? List.of() : List.copyOf(pendingWrites);
    }

    /**
     * A write of the completion that Resource Manager accepted but had not finished.
     *
     * @param write       what it writes
     * @param name        the rule's or parameter's name (empty for a restart)
     * @param trackingUrl where Resource Manager reports it
     */
    public record PendingWrite(Write write, String name, String trackingUrl) {
        public PendingWrite {
            name = name == null ? "" : name;
        }
    }

    /** What the completion writes to a restored server. */
    public enum Write {
        FIREWALL_RULE, PARAMETER, RESTART
    }

    /** A restore just checked, about to be sent to Resource Manager. */
    public static ServerRestoreState asked(ServerRestoreRequest request, String drillId, String sourceServer,
                                           String sourceServerId, String sourceLocation, String location,
                                           OffsetDateTime pointInTimeUtc, ServerRestoreRequest.TargetNetwork network,
                                           String resourceGroup) {
        return new ServerRestoreState(request.restorePoint(), request.restorePointInTime(), request.location(),
                request.network(), request.scenario(), request.restart(), drillId, sourceServer, sourceServerId,
                sourceLocation, location, pointInTimeUtc, network, resourceGroup, null, null, null, null, null,
                List.of(), 0, null);
    }

    /** Resource Manager accepted the create: how to follow it. */
    public ServerRestoreState sent(int answer, String trackingUrl) {
        return new ServerRestoreState(restorePoint, restorePointInTime, askedLocation, askedNetwork, scenario, restart,
                drillId, sourceServer, sourceServerId, sourceLocation, location, pointInTimeUtc, network,
                resourceGroup, answer, trackingUrl, targetServerId, targetState, fullyQualifiedDomainName,
                pendingWrites, verifyAttempts, completion);
    }

    /** Azure has created the server: what Resource Manager reports of it, and the completion begun. */
    public ServerRestoreState created(String serverId, String state, String host, Completion begun) {
        return new ServerRestoreState(restorePoint, restorePointInTime, askedLocation, askedNetwork, scenario, restart,
                drillId, sourceServer, sourceServerId, sourceLocation, location, pointInTimeUtc, network,
                resourceGroup, resourceManagerAnswer, null, serverId, state, host, List.of(), 0, begun);
    }

    /** The completion one step further: its writes still running, the attempts to reach the server so far. */
    public ServerRestoreState completing(List<PendingWrite> pending, int attempts, Completion now) {
        return new ServerRestoreState(restorePoint, restorePointInTime, askedLocation, askedNetwork, scenario, restart,
                drillId, sourceServer, sourceServerId, sourceLocation, location, pointInTimeUtc, network,
                resourceGroup, resourceManagerAnswer, asyncOperationUrl, targetServerId, targetState,
                fullyQualifiedDomainName, pending, attempts, now);
    }

    /** What Resource Manager reported of the new server at the last step that asked. */
    public ServerRestoreState seen(String serverId, String state, String host) {
        return new ServerRestoreState(restorePoint, restorePointInTime, askedLocation, askedNetwork, scenario, restart,
                drillId, sourceServer, sourceServerId, sourceLocation, location, pointInTimeUtc, network,
                resourceGroup, resourceManagerAnswer, asyncOperationUrl, serverId, state, host, pendingWrites,
                verifyAttempts, completion);
    }

    /** The pending write of {@code write} and {@code name}, if Resource Manager is still at it. */
    public java.util.Optional<PendingWrite> pending(Write write, String name) {
        return pendingWrites.stream().filter(p -> p.write() == write && p.name().equals(name == null ? "" : name))
                .findFirst();
    }

    /** The scenario it serves: the one asked for, else what the guide uses the method for. */
    public RecoveryScenario scenarioFor(OperationKind kind) {
        return scenario != null ? scenario : RecoveryScenario.defaultFor(kind,
                ServerRestoreRequest.CHOSEN.equals(restorePoint));
    }

    @Override
    @JsonIgnore
    public String stepName() {
        return completion == null ? RESTORING : completion.stage().id();
    }

    @Override
    public Map<String, String> parameters(Operation op) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("targetServerName", op.target());
        if (restorePointInTime != null) {
            p.put("restorePointInTime", restorePointInTime.toString());
        } else if (op.kind() == OperationKind.POINT_IN_TIME) {
            p.put("restorePointInTime", restorePoint);
        }
        put(p, "location", askedLocation);
        if (askedNetwork != null) {
            p.put("targetSubnetId", askedNetwork.subnetId());
            p.put("targetPrivateDnsZoneId", askedNetwork.privateDnsZoneId());
        }
        put(p, "scenario", scenario == null ? null : scenario.id());
        if (restart) {
            p.put("restart", "true");
        }
        return p;
    }

    @Override
    public Map<String, String> details(Operation op) {
        Map<String, String> d = new LinkedHashMap<>();
        put(d, "drillId", drillId);
        put(d, "sourceServer", sourceServer);
        put(d, "sourceServerId", sourceServerId);
        put(d, "sourceLocation", sourceLocation);
        put(d, "location", location);
        put(d, "pointInTimeUTC", pointInTimeUtc == null ? null : pointInTimeUtc.toString());
        put(d, "restorePoint", restorePoint);
        d.put("scenario", scenarioFor(op.kind()).id());
        d.put("network", network == null ? "public" : "private");
        if (network != null) {
            d.put("delegatedSubnetId", network.subnetId());
            d.put("privateDnsZoneId", network.privateDnsZoneId());
        }
        put(d, "resourceGroup", resourceGroup);
        put(d, "resourceManagerAnswer", resourceManagerAnswer == null ? null : String.valueOf(resourceManagerAnswer));
        put(d, "targetServerId", targetServerId);
        put(d, "targetState", targetState);
        put(d, "fullyQualifiedDomainName", fullyQualifiedDomainName);
        return d;
    }

    static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
