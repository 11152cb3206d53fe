package com.shiftsync.backup.port;

import java.util.List;

/**
 * What an uploads sweep did (or, in a dry run, would do).
 *
 * @param location     the store, as {@link UploadStore#describe()} says
 * @param missing      the container does not exist: nothing to sweep
 * @param examined     uploads listed
 * @param deleted      uploads deleted (dry run: that would be deleted)
 * @param deletedBytes their size
 * @param kept         uploads newer than the cutoff
 * @param skipped      uploads changed or removed by someone else between listing and delete
 * @param failed       deletes that failed
 * @param failures     the first few failures, one sentence each
 */
public record SweepResult(String location, boolean missing, long examined, long deleted, long deletedBytes, long kept,
                          long skipped, long failed, List<String> failures) {
    public SweepResult {
        failures = List.copyOf(failures);
    }

    public static SweepResult missing(String location) {
        return new SweepResult(location, true, 0, 0, 0, 0, 0, 0, List.of());
    }
}
