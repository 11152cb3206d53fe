package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.OperationKind;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resource Manager, as far as restores need it: read the source server (its network, high
 * availability, backups, replicas, firewall rules and parameters), look for a server of a
 * given name, check a name is free, start a server create (a restore, or an empty server a
 * dump drill restores into), follow anything started, and finish a restored server (firewall
 * rules, parameters, restart, a new admin password for a drill's empty server) or delete a
 * drill's. Starting never waits for the work to finish: restores take minutes to hours.
 * Failures are ShiftSyncExceptions that carry the service's own code and message.
 */
public interface ServerAdmin {

    /**
     * A Flexible Server as Resource Manager describes it.
     *
     * @param id                  its resource id
     * @param name                its name
     * @param location            its region, normalised ({@code canadacentral}, never "Canada Central")
     * @param state               Ready, Updating, Stopped, ...
     * @param fullyQualifiedDomainName its host name, or null
     * @param earliestRestoreDate the oldest point it can be restored to, or null when unknown
     * @param geoRedundantBackup  whether its backups are copied to the paired region
     * @param backupRetentionDays days of backups kept, or null
     * @param shape               its version, compute and storage, as far as Resource Manager reports them
     */
    record Server(String id, String name, String location, String state, String fullyQualifiedDomainName,
                  OffsetDateTime earliestRestoreDate, boolean geoRedundantBackup, Integer backupRetentionDays,
                  Network network, String highAvailability, Instant createdAt, String replicationRole,
                  Map<String, String> tags, Shape shape) {
        public Server {
            network = network == null ? Network.PUBLIC : network;
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            shape = shape == null ? Shape.UNKNOWN : shape;
        }

        /** A server whose version, compute and storage are not known. */
        public Server(String id, String name, String location, String state, String fullyQualifiedDomainName,
                      OffsetDateTime earliestRestoreDate, boolean geoRedundantBackup, Integer backupRetentionDays,
                      Network network, String highAvailability, Instant createdAt, String replicationRole,
                      Map<String, String> tags) {
            this(id, name, location, state, fullyQualifiedDomainName, earliestRestoreDate, geoRedundantBackup,
                    backupRetentionDays, network, highAvailability, createdAt, replicationRole, tags, Shape.UNKNOWN);
        }

        /** A server as restores before this knew it: public access, no high availability, no tags. */
        public Server(String id, String name, String location, String state, String fullyQualifiedDomainName,
                      OffsetDateTime earliestRestoreDate, boolean geoRedundantBackup, Integer backupRetentionDays) {
            this(id, name, location, state, fullyQualifiedDomainName, earliestRestoreDate, geoRedundantBackup,
                    backupRetentionDays, Network.PUBLIC, null, null, null, Map.of());
        }

        /** High availability is on (ZoneRedundant or SameZone). */
        public boolean highlyAvailable() {
            return highAvailability != null && !highAvailability.isBlank()
                    && !"Disabled".equalsIgnoreCase(highAvailability);
        }
    }

    /**
     * What a new server like this one is made of: the PostgreSQL major version, the compute SKU
     * and the storage size. Any of them null when Resource Manager did not report it.
     *
     * @param version       the major version, e.g. "15"
     * @param skuName       the compute, e.g. Standard_D2ds_v4
     * @param skuTier       Burstable, GeneralPurpose or MemoryOptimized
     * @param storageSizeGb the storage size in GiB
     */
    record Shape(String version, String skuName, String skuTier, Integer storageSizeGb) {
        public static final Shape UNKNOWN = new Shape(null, null, null, null);

        /** Every part known: a server like this one can be created. */
        public boolean complete() {
            return version != null && skuName != null && skuTier != null && storageSizeGb != null;
        }

        @Override
        public String toString() {
            return "PostgreSQL " + version + ", " + skuName + " (" + skuTier + "), " + storageSizeGb + " GiB";
        }
    }

    /**
     * How a server is reached: public access, or private access in a delegated subnet with a
     * private DNS zone (VNet integration).
     *
     * @param delegatedSubnetId the subnet's resource id, or null for public access
     * @param privateDnsZoneId  the private DNS zone's resource id, or null for public access
     */
    record Network(String delegatedSubnetId, String privateDnsZoneId) {
        public static final Network PUBLIC = new Network(null, null);

        public boolean isPrivate() {
            return delegatedSubnetId != null && !delegatedSubnetId.isBlank();
        }
    }

    /** A firewall rule: clients from {@code startIp} to {@code endIp} may connect. */
    record FirewallRule(String name, String startIp, String endIp) {
        @Override
        public String toString() {
            return name + " " + startIp + "-" + endIp;
        }
    }

    /**
     * A server parameter (configuration).
     *
     * @param source         "user-override" when someone set it, "system-default" otherwise
     * @param dynamic        takes effect without a restart
     * @param readOnly       cannot be set
     * @param pendingRestart set, but waiting for a restart to take effect
     */
    record Parameter(String name, String value, String source, boolean dynamic, boolean readOnly,
                     boolean pendingRestart) {
        public boolean userSet() {
            return "user-override".equalsIgnoreCase(source);
        }
    }

    /** A full backup Azure keeps of the source (a snapshot: the fast restore points). */
    record FullBackup(String name, Instant completedTime) {
    }

    /**
     * A write Resource Manager accepted.
     *
     * @param trackingUrl where to follow it, or null when it was done at once
     */
    record Accepted(String trackingUrl) {
        public boolean done() {
            return trackingUrl == null;
        }
    }

    /**
     * What Resource Manager says about a name.
     *
     * @param available whether a new server may take it
     * @param reason    Invalid or AlreadyExists when not, else null
     * @param message   Resource Manager's explanation, or null
     */
    record NameCheck(boolean available, String reason, String message) {
    }

    /**
     * What to create.
     *
     * @param kind           POINT_IN_TIME or GEO
     * @param target         the new server's name
     * @param location       the new server's region
     * @param sourceServerId the source server's resource id
     * @param pointInTime    the moment to restore to
     * @param network        where the new server goes: {@link Network#PUBLIC} or a subnet and DNS zone
     * @param tags           the new server's tags
     * @param resourceGroup  the new server's resource group, or null for the source's
     */
    record CreateRequest(OperationKind kind, String target, String location, String sourceServerId,
                         OffsetDateTime pointInTime, Network network, Map<String, String> tags, String resourceGroup) {
        public CreateRequest {
            network = network == null ? Network.PUBLIC : network;
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }

        public CreateRequest(OperationKind kind, String target, String location, String sourceServerId,
                             OffsetDateTime pointInTime) {
            this(kind, target, location, sourceServerId, pointInTime, Network.PUBLIC, Map.of(), null);
        }
    }

    /**
     * An empty server to create ({@code createMode} Create): what a dump is restored into on the
     * day the old server is gone. The admin password is the caller's to forget; it is never
     * printed ({@link #toString}).
     *
     * @param target        the new server's name
     * @param resourceGroup its resource group (null: the source's)
     * @param location      its region
     * @param shape         its version, compute and storage
     * @param network       public access, or a delegated subnet and private DNS zone
     * @param adminLogin    the administrator's login
     * @param adminPassword the administrator's password
     * @param tags          its tags
     */
    record EmptyServer(String target, String resourceGroup, String location, Shape shape, Network network,
                       String adminLogin, String adminPassword, Map<String, String> tags) {
        public EmptyServer {
            network = network == null ? Network.PUBLIC : network;
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            if (shape == null || !shape.complete()) {
                throw new IllegalArgumentException("an empty server needs a version, a SKU and a storage size");
            }
        }

        @Override
        public String toString() {
            return "EmptyServer[" + target + " in " + resourceGroup + ", " + location + ", " + shape + ", admin "
                    + adminLogin + "]";
        }
    }

    /**
     * A create Resource Manager accepted.
     *
     * @param trackingUrl the URL that reports its progress (Azure-AsyncOperation), or null when it finished at once
     * @param httpStatus  Resource Manager's answer to the create: 201 or 202 (200 when it finished at once)
     */
    record StartedCreate(String trackingUrl, int httpStatus) {
    }

    /**
     * How a started write (a create, a rule, a parameter, a restart, a delete) stands, read
     * from Resource Manager's operation status once, here, into one of these.
     */
    enum Status {
        /** Resource Manager is still at it (InProgress, Accepted, Running, ...). */
        IN_PROGRESS,
        SUCCEEDED,
        FAILED,
        CANCELED,
        /** Resource Manager no longer knows the operation (it keeps them for a limited time): ask the resource itself. */
        UNKNOWN;

        public boolean ended() {
            return this == SUCCEEDED || this == FAILED || this == CANCELED;
        }
    }

    /**
     * The state of a started write.
     *
     * @param status       where it stands
     * @param errorCode    Resource Manager's error code when it failed
     * @param errorMessage Resource Manager's error message when it failed
     * @param endTime      when Resource Manager says it ended, or null
     */
    record Progress(Status status, String errorCode, String errorMessage, Instant endTime) {
        public static final Progress UNKNOWN = new Progress(Status.UNKNOWN, null, null, null);

        /** Why it failed or was cancelled, in one line: "ServerRestoreFailed: The restore ..." */
        public String problem() {
            return (errorCode == null ? status.name() : errorCode) + (errorMessage == null ? "" : ": " + errorMessage);
        }
    }

    /** The source server (the one the settings name). */
    Server source();

    /** A server of that name in the source's resource group, if there is one. */
    default Optional<Server> find(String name) {
        return find(null, name);
    }

    /** A server of that name in {@code resourceGroup} (null: the source's), if there is one. */
    Optional<Server> find(String resourceGroup, String name);

    /** Every server in {@code resourceGroup} (null: the source's). */
    List<Server> servers(String resourceGroup);

    /** The source server's full backups (its fast restore points), oldest first. */
    List<FullBackup> fullBackups();

    /** The names of the source server's read replicas. */
    List<String> replicas();

    /** The firewall rules of a server in {@code resourceGroup} (null: the source's). */
    List<FirewallRule> firewallRules(String resourceGroup, String server);

    /** Creates or replaces a firewall rule. */
    Accepted putFirewallRule(String resourceGroup, String server, FirewallRule rule);

    /** Every server parameter of a server. */
    List<Parameter> parameters(String resourceGroup, String server);

    /** Sets a server parameter to {@code value} (as a user override). */
    Accepted setParameter(String resourceGroup, String server, String name, String value);

    /** Restarts a server (after parameters that need it). */
    Accepted restart(String resourceGroup, String server);

    /** Deletes a server. */
    Accepted delete(String resourceGroup, String server);

    /** Resource Manager's checkNameAvailability for a Flexible Server name. */
    NameCheck checkName(String name);

    /** Sends the create and returns as soon as Resource Manager has accepted it. */
    StartedCreate startCreate(CreateRequest request);

    /** Sends the create of an empty server and returns as soon as Resource Manager has accepted it. */
    StartedCreate startCreateEmpty(EmptyServer request);

    /** Sets the administrator password of a server (a PATCH of the server); the caller keeps it nowhere. */
    Accepted setAdminPassword(String resourceGroup, String server, String password);

    /**
     * Asks {@code trackingUrl} (from {@link StartedCreate} or {@link Accepted}) how the work
     * stands; {@link Status#UNKNOWN} when Resource Manager no longer knows the operation.
     */
    Progress progress(String trackingUrl);

    /** Where this talks to, for messages. */
    String describe();
}
