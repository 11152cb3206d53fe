package com.shiftsync.backup.verify;

import com.shiftsync.backup.domain.Tier;

/**
 * One tier's newest Azure copy as the offsite check read it back.
 *
 * @param tier           the tier
 * @param backupId       its newest backup, or null when Azure holds none
 * @param passed         true when the copy was read whole and matches its manifest's size and SHA-256
 * @param expectedSha256 the manifest's SHA-256, or null
 * @param actualSha256   what was read, or null when nothing could be read
 * @param sizeBytes      bytes read
 * @param reason         why not, or null
 */
public record OffsiteCopy(Tier tier, String backupId, boolean passed, String expectedSha256, String actualSha256,
                          long sizeBytes, String reason) {
}
