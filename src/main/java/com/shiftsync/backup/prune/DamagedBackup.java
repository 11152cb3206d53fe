package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.Tier;

/**
 * A backup that is not complete, as the prune found it. One whose manifest is unreadable is
 * never deleted, nor its archive (it may be restored by hand): it is reported, here and by the
 * monitor's {@code backup-damaged} alert, until a person deals with it.
 *
 * @param tier      its tier
 * @param id        its id
 * @param condition "damaged: archive missing", "damaged: archive size differs", "damaged: manifest unreadable"
 * @param reason    the sentence that says so, with what prune does about it
 */
public record DamagedBackup(Tier tier, String id, String condition, String reason) {
}
