package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.ShiftSyncException;

/**
 * The Blob containers the app uses, checked together: the uploads sweep deletes everything
 * in UPLOADS_CONTAINER older than UPLOADS_TTL_HOURS, so it must never be the backup container.
 *
 * @param backups    BACKUP_CONTAINER
 * @param uploads    UPLOADS_CONTAINER
 * @param operations OPERATIONS_CONTAINER
 * @param audit      AUDIT_CONTAINER
 */
public record StorageSettings(String backups, String uploads, String operations, String audit) {

    public static StorageSettings from(Settings settings) {
        return new StorageSettings(settings.text(Setting.BACKUP_CONTAINER).orElseThrow(),
                settings.text(Setting.UPLOADS_CONTAINER).orElseThrow(),
                settings.text(Setting.OPERATIONS_CONTAINER).orElseThrow(),
                settings.text(Setting.AUDIT_CONTAINER).orElseThrow());
    }

    /** UPLOADS_CONTAINER, refused when it is the backup container. */
    public String checkedUploads() {
        if (uploads.equals(backups)) {
            throw ShiftSyncException.badInput("UPLOADS_CONTAINER is '" + uploads + "', the same as BACKUP_CONTAINER: "
                    + "the uploads sweep deletes everything in it older than UPLOADS_TTL_HOURS, so it must never be "
                    + "the backup container");
        }
        return uploads;
    }
}
