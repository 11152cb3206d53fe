package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Tier;

import java.time.Instant;
import java.util.Objects;

/**
 * A backup prune keeps whose protection falls short, and how far prune extends it: one kept past
 * its retention (the safety floor, keep-last), or one inside its retention with a blob left
 * unprotected (made before the container had version-level immutability).
 *
 * @param tier   its tier
 * @param id     its id
 * @param until  the until-date prune sets on every blob of it but its records
 * @param reason why, in words
 */
public record Renewal(Tier tier, String id, Instant until, String reason) {
    public Renewal {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(until, "until");
    }

    public BackupId backupId() {
        return BackupId.parse(id);
    }
}
