package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a long-running restore creates: a server restored to a point in time, a geo-restored server, or a database from a dump. */
public enum OperationKind {
    POINT_IN_TIME("point-in-time"),
    GEO("geo"),
    FROM_BACKUP("from-backup");

    private final String id;

    OperationKind(String id) {
        this.id = id;
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
