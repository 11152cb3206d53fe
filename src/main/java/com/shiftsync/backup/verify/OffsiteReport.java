package com.shiftsync.backup.verify;

import com.shiftsync.backup.backup.CopyRepair;
import com.shiftsync.backup.domain.Alert;

import java.time.Instant;
import java.util.List;

/**
 * The weekly offsite verification: each tier's newest copy in Azure, read back.
 *
 * @param checkedAt when the check ended
 * @param store     the store read ("azure")
 * @param copies    one per tier that has, or must have, a copy
 * @param alerts    a missing or mismatching copy each; empty when all is well
 * @param repairs   copies made before the check ({@code --repair}): backups whose upload had failed, uploaded from
 *                  the local copy after its SHA-256 was checked; empty without --repair
 */
public record OffsiteReport(Instant checkedAt, String store, List<OffsiteCopy> copies, List<Alert> alerts,
                            List<CopyRepair.Copied> repairs) {
    public OffsiteReport {
        copies = List.copyOf(copies);
        alerts = List.copyOf(alerts);
        repairs = List.copyOf(repairs);
    }

    public OffsiteReport(Instant checkedAt, String store, List<OffsiteCopy> copies, List<Alert> alerts) {
        this(checkedAt, store, copies, alerts, List.of());
    }

    /** The same report, with the repairs made before it. */
    OffsiteReport withRepairs(List<CopyRepair.Copied> made) {
        return new OffsiteReport(checkedAt, store, copies, alerts, made);
    }

    /** No alert, and every repair tried succeeded. */
    public boolean passed() {
        return alerts.isEmpty() && repairs.stream().allMatch(CopyRepair.Copied::copied);
    }
}
