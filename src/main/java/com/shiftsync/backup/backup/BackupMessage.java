package com.shiftsync.backup.backup;

import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;

import java.nio.charset.StandardCharsets;

/**
 * The message on queue {@code backup-requests}: {@code {"operationId": "...", "tier": "manual"}}.
 *
 * @param operationId the operation the request started
 * @param tier        always manual: the tier of on-demand backups
 */
public record BackupMessage(String operationId, Tier tier) {

    public String toJson() {
        return Json.write(this);
    }

    /** The message in {@code text}, or a refusal (bad-input) that says what is wrong with it. */
    public static BackupMessage parse(String text) {
        BackupMessage m;
        try {
            m = Json.read((text == null ? "" : text).getBytes(StandardCharsets.UTF_8), BackupMessage.class);
        } catch (RuntimeException e) {
            throw ShiftSyncException.badInput("the message is not a backup request (JSON with operationId and tier); "
                    + "no backup was made");
        }
        if (m == null || m.operationId() == null || m.tier() != Tier.MANUAL) {
            throw ShiftSyncException.badInput("the backup request message lacks operationId or is not of tier "
                    + "manual; no backup was made");
        }
        return new BackupMessage(Operation.checkId(m.operationId()), m.tier());
    }
}
