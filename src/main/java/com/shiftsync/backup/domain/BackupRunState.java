package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An on-demand backup asked for over HTTP and made by the queue worker: its tier (always
 * manual), the database, how often a worker started it, and the backup it made.
 *
 * @param step     queued, running or ended
 * @param tier     the tier it goes to
 * @param database DATABASE_URL's database when it was asked for
 * @param attempts deliveries of the message that started the work
 * @param made     the backup made, once it succeeded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupRunState(Step step, Tier tier, String database, int attempts, Made made)
        implements OperationState {

    /** Where the queue worker of an on-demand backup is. */
    public enum Step {
        QUEUED, RUNNING, ENDED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return StepIds.id(this);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Step parse(String text) {
            return StepIds.parse(Step.class, text, "step");
        }
    }

    /**
     * The backup an on-demand run made.
     *
     * @param backupId   its id
     * @param sizeBytes  its archive's size
     * @param tables     tables in it
     * @param rowTotal   rows in them
     * @param sha256     its archive's SHA-256
     * @param durationMs how long the backup took
     * @param stores     the stores holding it
     */
    public record Made(String backupId, long sizeBytes, int tables, long rowTotal, String sha256, long durationMs,
                       String stores) {
    }

    public static BackupRunState queued(Tier tier, String database) {
        return new BackupRunState(Step.QUEUED, tier, database, 0, null);
    }

    public BackupRunState running(int attemptsSoFar) {
        return new BackupRunState(Step.RUNNING, tier, database, attemptsSoFar, made);
    }

    public BackupRunState ended(Made backup) {
        return new BackupRunState(Step.ENDED, tier, database, attempts, backup);
    }

    @Override
    @JsonIgnore
    public String stepName() {
        return step.id();
    }

    @Override
    public Map<String, String> parameters(Operation op) {
        return Map.of("tier", tier.folder());
    }

    @Override
    public Map<String, String> details(Operation op) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("database", database);
        if (attempts > 0) {
            d.put("attempts", String.valueOf(attempts));
        }
        if (made != null) {
            d.put("backupId", made.backupId());
            d.put("sizeBytes", String.valueOf(made.sizeBytes()));
            d.put("tables", String.valueOf(made.tables()));
            d.put("rowTotal", String.valueOf(made.rowTotal()));
            d.put("sha256", made.sha256());
            d.put("durationMs", String.valueOf(made.durationMs()));
            d.put("stores", made.stores());
        }
        return d;
    }
}
