package com.shiftsync.backup.recovery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.RecoveryScenario;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Which way to recover, and what each way loses, before anything is started: for a
 * scenario of the guide, every way (point-in-time, geo-restore, a dump of ours), in the
 * guide's order, each with whether it is possible now and why not, the data it loses, how
 * long it is expected to take (this product's own measurements when it has them), where
 * the new server would go, what will still need a person, and whether it meets the
 * scenario's targets.
 *
 * @param plannedAt     when the plan was made
 * @param scenario      the scenario planned for
 * @param targets       the guide's targets for it
 * @param restorePoint  the moment asked for ({@code --to}), or null for "as recent as possible"
 * @param sourceServer  the server recovered (POSTGRES_SERVER_NAME), or null when not configured
 * @param options       every way to recover, the guide's preferred one first
 * @param alerts        what threatens the dumps before any recovery starts ({@code client-too-old}); empty when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecoveryPlan(Instant plannedAt, RecoveryScenario scenario, Targets targets, Instant restorePoint,
                           String sourceServer, List<Option> options,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Alert> alerts) {

    public RecoveryPlan {
        options = List.copyOf(options);
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }

    /** A plan without alerts. */
    public RecoveryPlan(Instant plannedAt, RecoveryScenario scenario, Targets targets, Instant restorePoint,
                        String sourceServer, List<Option> options) {
        this(plannedAt, scenario, targets, restorePoint, sourceServer, options, List.of());
    }

    /**
     * The guide's "RTO/RPO Targets" for the scenario.
     *
     * @param rtoMinutes how long the recovery may take
     * @param rpoMinutes how much data it may lose
     */
    public record Targets(long rtoMinutes, long rpoMinutes) {
    }

    /**
     * One way to recover.
     *
     * @param method           point-in-time, geo-restore or dump-restore
     * @param restorePoint     for point-in-time: latest, chosen or fast; for a dump: the backup's id
     * @param available        whether it can be started now
     * @param reason           why not, one sentence; null when available
     * @param dataLoss         what it loses
     * @param expectedDuration how long it is expected to take
     * @param targetRegion     the region of the new server (geo: the source region's pair)
     * @param targetNetwork    how the new server will be reached
     * @param followUps        what will still need a person afterwards
     * @param meetsRpo         whether its data loss is within the scenario's RPO
     * @param meetsRto         whether its expected duration is within the scenario's RTO; null while unmeasured
     * @param start            how to start it: the CLI command and the HTTP request
     * @param restoresInto     for a dump: the servers (PostgreSQL majors) it can be restored into with the clients
     *                         here, and with which pg_restore; else null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Option(String method, String restorePoint, boolean available, String reason, DataLoss dataLoss,
                         ExpectedDuration expectedDuration, String targetRegion, TargetNetwork targetNetwork,
                         List<String> followUps, Boolean meetsRpo, Boolean meetsRto, Map<String, Object> start,
                         String restoresInto) {
        public Option {
            followUps = followUps == null ? List.of() : List.copyOf(followUps);
        }

        /** An option that says nothing of restore targets (a server restore, or a dump while the clients are unknown). */
        public Option(String method, String restorePoint, boolean available, String reason, DataLoss dataLoss,
                      ExpectedDuration expectedDuration, String targetRegion, TargetNetwork targetNetwork,
                      List<String> followUps, Boolean meetsRpo, Boolean meetsRto, Map<String, Object> start) {
            this(method, restorePoint, available, reason, dataLoss, expectedDuration, targetRegion, targetNetwork,
                    followUps, meetsRpo, meetsRto, start, null);
        }
    }

    /**
     * What a way to recover loses.
     *
     * @param seconds  how much, at most (null when unknown)
     * @param intended the loss is the point: everything after a moment chosen on purpose (before a corruption)
     * @param text     in words
     */
    public record DataLoss(Long seconds, boolean intended, String text) {
    }

    /**
     * How long a way to recover is expected to take.
     *
     * @param basis   "measured" (the median of this product's own recoveries of the method) or "azure" (Azure's
     *                documented range), or "unknown"
     * @param seconds the median when measured, else null
     * @param samples how many measurements the median is of
     * @param text    in words
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExpectedDuration(String basis, Long seconds, Integer samples, String text) {
    }

    /**
     * How the new server will be reached.
     *
     * @param access           public or private
     * @param subnetId         the delegated subnet (private)
     * @param privateDnsZoneId the private DNS zone (private)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TargetNetwork(String access, String subnetId, String privateDnsZoneId) {
    }
}
