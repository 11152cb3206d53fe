package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.ShiftSyncException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Blob containers the app uses, checked together: the uploads sweep deletes everything
 * in UPLOADS_CONTAINER older than UPLOADS_TTL_HOURS, so it must be a container of its own,
 * never one where the app keeps backups, operations or the audit log.
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

    /**
     * UPLOADS_CONTAINER, refused (by name, before the sweep deletes anything) when it is any other
     * container the app uses: the hourly sweep would delete every backup, operation record or
     * audit day older than UPLOADS_TTL_HOURS.
     */
    public String checkedUploads() {
        Map<Setting, String> others = new LinkedHashMap<>();
        others.put(Setting.BACKUP_CONTAINER, backups);
        others.put(Setting.OPERATIONS_CONTAINER, operations);
        others.put(Setting.AUDIT_CONTAINER, audit);
        for (Map.Entry<Setting, String> other : others.entrySet()) {
            // container names are lowercase in Azure; a differently written same name is the same container
            if (uploads.trim().equalsIgnoreCase(other.getValue().trim())) {
                throw ShiftSyncException.badInput("UPLOADS_CONTAINER is '" + uploads + "', the same as "
                        + other.getKey() + ": the uploads sweep deletes everything in it older than "
                        + "UPLOADS_TTL_HOURS, so it must be a container of its own, never one the app keeps its "
                        + what(other.getKey()) + " in");
            }
        }
        return uploads;
    }

    private static String what(Setting container) {
        return switch (container) {
            case BACKUP_CONTAINER -> "backups";
            case OPERATIONS_CONTAINER -> "operation records";
            case AUDIT_CONTAINER -> "audit log";
            default -> "data";
        };
    }
}
