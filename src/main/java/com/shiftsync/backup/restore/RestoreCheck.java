package com.shiftsync.backup.restore;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Tier;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The record a restore leaves next to its backup ({@code <id>.restore-check.json}): whether
 * the restored database holds exactly the rows the manifest counted, and how long the
 * restore took, so {@code status} can set measured restore times against the RTO target.
 * The last restore of a backup replaces the record of the one before. It names the target
 * server and database, never a user or password.
 *
 * @param backupId        the backup restored
 * @param tier            its tier
 * @param store           where it was read from: "local" or "azure"
 * @param targetServer    host:port restored into
 * @param targetDatabase  database restored into
 * @param createdDatabase whether the restore created the target database
 * @param checkedAt       when the check ended
 * @param passed          true when every table of the manifest came back with its row count
 * @param tablesCompared  tables the manifest lists
 * @param differences     tables that differ or are missing
 * @param extraTables     tables in the target that the backup does not hold
 * @param restoreMs       pg_restore's wall time
 * @param durationMs      the whole restore: download, checksum, pg_restore and the count
 * @param roles           what the restore did about the backup's roles; null in records written before
 */
public record RestoreCheck(String backupId, Tier tier, String store, String targetServer, String targetDatabase,
                           boolean createdDatabase, Instant checkedAt, boolean passed, int tablesCompared,
                           List<TableDifference> differences, List<String> extraTables, long restoreMs,
                           long durationMs, @JsonInclude(JsonInclude.Include.NON_NULL) RolesOutcome roles) {
    public static final String KIND = "restore-check";

    public RestoreCheck {
        differences = differences == null ? List.of() : List.copyOf(differences);
        extraTables = extraTables == null ? List.of() : List.copyOf(extraTables);
    }

    /** A record that says nothing of roles (as every record did before roles files existed). */
    public RestoreCheck(String backupId, Tier tier, String store, String targetServer, String targetDatabase,
                        boolean createdDatabase, Instant checkedAt, boolean passed, int tablesCompared,
                        List<TableDifference> differences, List<String> extraTables, long restoreMs, long durationMs) {
        this(backupId, tier, store, targetServer, targetDatabase, createdDatabase, checkedAt, passed, tablesCompared,
                differences, extraTables, restoreMs, durationMs, null);
    }

    public static RestoreCheck read(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), RestoreCheck.class);
    }

    /** What the check found, in one sentence. */
    @JsonIgnore
    public String summary() {
        return new IntegrityCheck(passed, tablesCompared, differences, extraTables).summary();
    }

    public String toJson() {
        return Json.pretty(this);
    }
}
