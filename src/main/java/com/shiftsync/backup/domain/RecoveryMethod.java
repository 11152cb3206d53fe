package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** A way to recover the database: a new server from Azure's backups, or a dump of ours restored. */
public enum RecoveryMethod {
    POINT_IN_TIME("point-in-time"),
    GEO_RESTORE("geo-restore"),
    DUMP_RESTORE("dump-restore");

    private final String id;

    RecoveryMethod(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** The operation kind that carries it out. */
    public OperationKind kind() {
        return switch (this) {
            case POINT_IN_TIME -> OperationKind.POINT_IN_TIME;
            case GEO_RESTORE -> OperationKind.GEO;
            case DUMP_RESTORE -> OperationKind.FROM_BACKUP;
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
