package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A restore of a dump into a database on DATABASE_URL's server, asked for over HTTP and run
 * by the queue worker: what was asked (the backup as given, the target, the two consents),
 * the backup it was resolved to, and the step the worker reached. The step makes the
 * destructive part happen at most once: {@link Step#RESTORING} is recorded before
 * pg_restore starts and {@link Step#COMMITTED} the moment it returns, so a worker that
 * dies in between is never followed by a second {@code pg_restore --clean} over the same
 * database (it may have committed, and ShiftSync may have written since).
 *
 * @param step                       where the worker is
 * @param askedBackup                the backup as the request named it (an id, or latest)
 * @param overwriteExisting          the request's consent to restore into an existing database
 * @param confirmProductionOverwrite the request's consent to restore into the production database itself
 * @param backupId                   the backup it restores (latest resolved when the request was accepted)
 * @param tier                       the backup's tier
 * @param backupStartedAt            when the backup was taken
 * @param backupSizeBytes            its archive's size
 * @param targetServer               host:port of DATABASE_URL's server when the request was accepted
 * @param newDatabase                the target did not exist when the request was accepted
 * @param productionOverwrite        the target is the production database
 * @param attempts                   deliveries of the message that started the work
 * @param restoreStartedAt           when pg_restore was started, or null
 * @param committedAt                when pg_restore returned, committed, or null
 * @param result                     the integrity check at the end, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DumpRestoreState(Step step, String askedBackup, boolean overwriteExisting,
                               boolean confirmProductionOverwrite, String backupId, Tier tier,
                               Instant backupStartedAt, long backupSizeBytes, String targetServer, boolean newDatabase,
                               boolean productionOverwrite, int attempts, Instant restoreStartedAt,
                               Instant committedAt, Result result) implements OperationState {

    /** Where the queue worker of a restore from a dump is. */
    public enum Step {
        /** Accepted and queued; nothing done yet. */
        QUEUED,
        /** A worker took it: fetching and checking the archive (safe to repeat). */
        FETCHING,
        /** pg_restore was started: it may have committed. */
        RESTORING,
        /** pg_restore returned: committed; the integrity check follows. */
        COMMITTED,
        /** Ended: checked (or failed). */
        ENDED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Step parse(String text) {
            for (Step s : values()) {
                if (s.id().equals(text)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown step '" + text + "'");
        }
    }

    /**
     * What a finished restore found: the restored tables against the manifest, and how long it took.
     *
     * @param integrity       the check in one sentence
     * @param passed          every table of the manifest came back with its row count
     * @param tablesCompared  tables the manifest lists
     * @param differingTables tables that differ or are missing
     * @param createdDatabase the restore created the target database
     * @param restoreMs       pg_restore's wall time
     * @param durationMs      the whole restore
     * @param recordError     why the restore-check record next to the backup could not be written, or null
     * @param rolesCreated    the roles the restore created from the backup's roles file
     * @param roles           what the restore did about the backup's roles, in a sentence, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String integrity, boolean passed, int tablesCompared, List<String> differingTables,
                         boolean createdDatabase, long restoreMs, long durationMs, String recordError,
                         List<String> rolesCreated, String roles) {
        public Result {
            differingTables = differingTables == null ? List.of() : List.copyOf(differingTables);
            rolesCreated = rolesCreated == null ? List.of() : List.copyOf(rolesCreated);
        }
    }

    /** A request just accepted. */
    public static DumpRestoreState queued(String askedBackup, boolean overwriteExisting,
                                          boolean confirmProductionOverwrite, Manifest backup, String targetServer,
                                          boolean newDatabase, boolean productionOverwrite) {
        return new DumpRestoreState(Step.QUEUED, askedBackup, overwriteExisting, confirmProductionOverwrite,
                backup.id(), backup.tier(), backup.startedAt(), backup.sizeBytes(), targetServer, newDatabase,
                productionOverwrite, 0, null, null, null);
    }

    /** This state at {@code next}, after {@code attempts} deliveries, with pg_restore's times and the result. */
    public DumpRestoreState at(Step next, int attemptsSoFar, Instant restoreStart, Instant committed, Result end) {
        return new DumpRestoreState(next, askedBackup, overwriteExisting, confirmProductionOverwrite, backupId, tier,
                backupStartedAt, backupSizeBytes, targetServer, newDatabase, productionOverwrite, attemptsSoFar,
                restoreStart, committed, end);
    }

    /** This state at {@code next}, the rest as it is. */
    public DumpRestoreState at(Step next) {
        return at(next, attempts, restoreStartedAt, committedAt, result);
    }

    @Override
    @JsonIgnore
    public String stepName() {
        return step.id();
    }

    @Override
    public Map<String, String> parameters(Operation op) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("backupId", askedBackup);
        p.put("targetDatabase", op.target());
        if (overwriteExisting) {
            p.put("overwriteExisting", "true");
        }
        if (confirmProductionOverwrite) {
            p.put("confirmProductionOverwrite", "true");
        }
        return p;
    }

    @Override
    public Map<String, String> details(Operation op) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("backupId", backupId);
        d.put("tier", tier.folder());
        d.put("backupStartedAt", backupStartedAt.toString());
        d.put("backupSizeBytes", String.valueOf(backupSizeBytes));
        d.put("targetServer", targetServer);
        d.put("newDatabase", String.valueOf(newDatabase));
        d.put("productionOverwrite", String.valueOf(productionOverwrite));
        if (attempts > 0) {
            d.put("attempts", String.valueOf(attempts));
        }
        ServerRestoreState.put(d, "restoreStartedAt", restoreStartedAt == null ? null : restoreStartedAt.toString());
        ServerRestoreState.put(d, "committedAt", committedAt == null ? null : committedAt.toString());
        if (result != null) {
            d.put("integrity", result.integrity());
            d.put("integrityPassed", String.valueOf(result.passed()));
            d.put("tablesCompared", String.valueOf(result.tablesCompared()));
            if (!result.differingTables().isEmpty()) {
                d.put("differingTables", String.join(", ", result.differingTables()));
            }
            d.put("createdDatabase", String.valueOf(result.createdDatabase()));
            d.put("rolesCreated", String.join(", ", result.rolesCreated()));
            ServerRestoreState.put(d, "roles", result.roles());
            d.put("restoreMs", String.valueOf(result.restoreMs()));
            d.put("durationMs", String.valueOf(result.durationMs()));
            ServerRestoreState.put(d, "recordError", result.recordError());
        }
        return d;
    }
}
