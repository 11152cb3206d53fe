package com.shiftsync.backup.verify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.restore.TableDifference;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The result of a restore test, kept next to the backup as {@code <id>.verification.json}.
 * Retention and {@code status} read {@code passed} and {@code verifiedAt}; the rest says
 * what happened. A later test of the same backup replaces it.
 *
 * @param backupId        the backup tested
 * @param tier            its tier
 * @param store           where the archive was read from: "local" or "azure"
 * @param passed          true only when the archive matched its manifest, restored, and every table's rows matched
 * @param verifiedAt      when the test ended
 * @param stage           where it ended: archive, scratch-database, restore, count, compare (passed: compare)
 * @param reason          one sentence on why it failed; null when it passed
 * @param tablesCompared  tables the manifest lists (0 when the test ended before the comparison)
 * @param differences     tables whose restored rows differ from the manifest, or that are missing
 * @param extraTables     tables in the scratch database the backup does not hold (from the server's template)
 * @param scratchDatabase the database restored into, on DATABASE_URL's server, and the name of the
 *                        throwaway role that owned it and ran the restore
 * @param scratchDropped  whether the scratch database and its role are gone again
 * @param jobs            pg_restore's parallel jobs: 1 (one transaction) since the restore test runs as a
 *                        throwaway role; older records may say more
 * @param fetchMs         download (or read) and SHA-256 check of the archive
 * @param restoreMs       pg_restore's wall time; 0 when it did not run
 * @param durationMs      the whole test
 * @param leftoversDropped scratch databases (and roles) of earlier, interrupted tests that this one dropped
 * @param leftoversProblem why some of those could not be dropped; null when none were left
 */
public record Verification(String backupId, Tier tier, String store, boolean passed, Instant verifiedAt,
                           String stage, String reason, int tablesCompared, List<TableDifference> differences,
                           List<String> extraTables, String scratchDatabase, boolean scratchDropped, int jobs,
                           long fetchMs, long restoreMs, long durationMs, List<String> leftoversDropped,
                           String leftoversProblem) {
    public static final String KIND = "verification";

    public Verification {
        differences = differences == null ? List.of() : List.copyOf(differences);
        extraTables = extraTables == null ? List.of() : List.copyOf(extraTables);
        leftoversDropped = leftoversDropped == null ? List.of() : List.copyOf(leftoversDropped);
    }

    public static Verification read(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), Verification.class);
    }

    public String toJson() {
        return Json.pretty(this);
    }

    /** One sentence for people: what passed, or why not. */
    @JsonIgnore
    public String summary() {
        if (passed) {
            return "backup " + backupId + " restored into a scratch database and all " + tablesCompared
                    + " tables match the manifest's row counts";
        }
        return "backup " + backupId + " failed its restore test: " + reason;
    }
}
