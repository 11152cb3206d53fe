package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a long-running operation does: create a server restored to a point in time, a
 * geo-restored server, or a database restored from a dump; or make an on-demand backup.
 * The last two run from a queue in this app ({@link #queued()}), the first two in Azure.
 */
public enum OperationKind {
    POINT_IN_TIME("point-in-time", ServerRestoreState.class),
    GEO("geo", ServerRestoreState.class),
    FROM_BACKUP("from-backup", DumpRestoreState.class),
    BACKUP("backup", BackupRunState.class),
    /** A recovery drill: a point-in-time restore into a temporary server, verified, measured and deleted. */
    DRILL("drill", DrillState.class);

    private final String id;
    private final Class<? extends OperationState> stateType;

    OperationKind(String id, Class<? extends OperationState> stateType) {
        this.id = id;
        this.stateType = stateType;
    }

    /** The state an operation of this kind keeps. */
    public Class<? extends OperationState> stateType() {
        return stateType;
    }

    /** Run by a queue-triggered function of this app, not by Resource Manager. */
    public boolean queued() {
        return this == FROM_BACKUP || this == BACKUP;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static OperationKind parse(String text) {
        for (OperationKind kind : values()) {
            if (kind.id.equals(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown operation kind '" + text + "'");
    }

    @Override
    public String toString() {
        return id;
    }
}
