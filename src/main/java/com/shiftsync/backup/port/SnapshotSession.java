package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.RoleSet;

import java.util.Map;

/** A transaction holding an exported snapshot open; pg_dump attaches to it with {@code --snapshot}. */
public interface SnapshotSession extends AutoCloseable {

    /** The id from {@code pg_export_snapshot()}. */
    String snapshotId();

    /** The server's {@code server_version}. */
    String serverVersion();

    /** Rows of every table in this snapshot; {@code "schema.table" -> n}. */
    Map<String, Long> countRows();

    /**
     * The roles the database's objects and grants need, read in this snapshot (roles belong to the
     * whole server, so one created or altered meanwhile may still differ from what pg_dump saw by
     * name: a short race a backup accepts). Not concurrently with {@link #countRows()}: one session.
     */
    RoleSet neededRoles();

    @Override
    void close();
}
