package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.nio.charset.StandardCharsets;

/**
 * The message on queue {@code restore-requests}:
 * {@code {"operationId": "...", "backupId": "...", "targetDatabase": "..."}}. It only says
 * which operation to run; the operation in the store, written when the request was
 * accepted, is what counts, and a message that disagrees with it restores nothing.
 *
 * @param operationId    the operation the request started
 * @param backupId       the backup to restore (never "latest": resolved when the request was accepted)
 * @param targetDatabase the database on DATABASE_URL's server to restore into
 */
public record RestoreMessage(String operationId, String backupId, String targetDatabase) {

    public String toJson() {
        return Json.write(this);
    }

    /** The message in {@code text}, or a refusal (bad-input) that says what is wrong with it. */
    public static RestoreMessage parse(String text) {
        RestoreMessage m;
        try {
            m = Json.read((text == null ? "" : text).getBytes(StandardCharsets.UTF_8), RestoreMessage.class);
        } catch (RuntimeException e) {
            throw ShiftSyncException.badInput("the message is not a restore request (JSON with operationId, backupId "
                    + "and targetDatabase); nothing was restored");
        }
        if (m == null || m.operationId() == null || m.backupId() == null || m.targetDatabase() == null
                || m.targetDatabase().isBlank()) {
            throw ShiftSyncException.badInput("the restore request message lacks operationId, backupId or "
                    + "targetDatabase; nothing was restored");
        }
        return new RestoreMessage(Operation.checkId(m.operationId()), BackupId.parse(m.backupId()).toString(),
                m.targetDatabase());
    }
}
