package com.shiftsync.backup.backup;

import com.shiftsync.backup.domain.Manifest;

import java.time.Duration;
import java.util.List;

/**
 * A finished backup: stored in at least one store.
 *
 * @param manifest     what was written
 * @param duration     wall time of the whole run
 * @param stores       names of the stores that hold it ("local", "azure")
 * @param storeResults every store the run wrote, stored or not, in the job's order
 * @param caughtUp     copies that earlier runs could not make and this run made (see {@link CopyRepair}), one line each
 */
public record BackupResult(Manifest manifest, Duration duration, List<String> stores, List<StoreResult> storeResults,
                           List<String> caughtUp) {
    public BackupResult {
        stores = List.copyOf(stores);
        storeResults = List.copyOf(storeResults);
        caughtUp = List.copyOf(caughtUp);
    }

    /** A backup every store holds. */
    public BackupResult(Manifest manifest, Duration duration, List<String> stores) {
        this(manifest, duration, stores, stores.stream().map(s -> new StoreResult(s, s, true, null)).toList(),
                List.of());
    }

    /** Whether every store the run wrote holds the backup. */
    public boolean complete() {
        return storeResults.stream().allMatch(StoreResult::stored);
    }

    /** The stores that do not hold it, with why. */
    public List<StoreResult> failures() {
        return storeResults.stream().filter(r -> !r.stored()).toList();
    }

    /** "backup X is in local folder A, but not in Blob container B: why". */
    public String partialSummary() {
        return "backup " + manifest.id() + " is in " + String.join(" and ", storeResults.stream()
                .filter(StoreResult::stored).map(StoreResult::location).toList()) + ", but not in "
                + String.join("; nor in ", failures().stream().map(f -> f.location() + " (" + f.reason() + ")")
                .toList());
    }
}
