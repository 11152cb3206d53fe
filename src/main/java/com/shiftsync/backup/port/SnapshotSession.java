package com.shiftsync.backup.port;

import java.util.Map;

/** A transaction holding an exported snapshot open; pg_dump attaches to it with {@code --snapshot}. */
public interface SnapshotSession extends AutoCloseable {

    /** The id from {@code pg_export_snapshot()}. */
    String snapshotId();

    /** The server's {@code server_version}. */
    String serverVersion();

    /** Rows of every table in this snapshot; {@code "schema.table" -> n}. */
    Map<String, Long> countRows();

    @Override
    void close();
}
