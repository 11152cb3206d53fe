package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.OperationKind;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Resource Manager, as far as restores need it: read the source server, look for a
 * server of a given name, check a name is free, start a server create (a restore), and
 * follow a started create. Starting never waits for the create to finish: restores take
 * minutes to hours. Failures are ShiftSyncExceptions that carry the service's own code
 * and message.
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
     */
    record Server(String id, String name, String location, String state, String fullyQualifiedDomainName,
                  OffsetDateTime earliestRestoreDate, boolean geoRedundantBackup, Integer backupRetentionDays) {
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
     * @param target         the new server's name (same resource group as the source)
     * @param location       the new server's region
     * @param sourceServerId the source server's resource id
     * @param pointInTime    the moment to restore to
     */
    record CreateRequest(OperationKind kind, String target, String location, String sourceServerId,
                         OffsetDateTime pointInTime) {
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
     * The state of a started create.
     *
     * @param status       InProgress, Succeeded, Failed or Canceled, in Resource Manager's words
     * @param errorCode    Resource Manager's error code when it failed
     * @param errorMessage Resource Manager's error message when it failed
     * @param endTime      when Resource Manager says it ended, or null
     */
    record Progress(String status, String errorCode, String errorMessage, Instant endTime) {
    }

    /** The source server (the one the settings name). */
    Server source();

    /** A server of that name in the source's resource group, if there is one. */
    Optional<Server> find(String name);

    /** Resource Manager's checkNameAvailability for a Flexible Server name. */
    NameCheck checkName(String name);

    /** Sends the create and returns as soon as Resource Manager has accepted it. */
    StartedCreate startCreate(CreateRequest request);

    /**
     * Asks {@code trackingUrl} (from {@link StartedCreate}) how the create stands; empty when
     * Resource Manager no longer knows the operation (it keeps them for a limited time).
     */
    Optional<Progress> progress(String trackingUrl);

    /** Where this talks to, for messages. */
    String describe();
}
