package com.shiftsync.backup.port;

import java.time.Instant;

/**
 * ShiftSync's uploaded user files ({@code UPLOADS_CONTAINER}), which the guide keeps for
 * 24 hours only. Uploads have no manifest: their age is the store's last-modified time.
 */
public interface UploadStore {

    /** Where the uploads are, for messages: "Blob container uploads at https://...". */
    String describe();

    /**
     * Deletes every upload last modified at or before {@code cutoff} (with {@code dryRun},
     * only counts them). Works through the listing page by page, so memory stays flat
     * whatever the number of uploads. An upload changed after it was listed is left alone.
     */
    SweepResult deleteModifiedUpTo(Instant cutoff, boolean dryRun);
}
