package com.shiftsync.backup.verify;

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
 */
public record OffsiteReport(Instant checkedAt, String store, List<OffsiteCopy> copies, List<Alert> alerts) {
    public OffsiteReport {
        copies = List.copyOf(copies);
        alerts = List.copyOf(alerts);
    }

    public boolean passed() {
        return alerts.isEmpty();
    }
}
