package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.DatabaseUrl;

import java.util.List;
import java.util.Map;

/** What the jobs ask PostgreSQL itself (over JDBC), beside what pg_dump does. */
public interface Database {

    /** Opens a read-only repeatable-read transaction and exports its snapshot for pg_dump. */
    SnapshotSession openSnapshot(DatabaseUrl url);

    /** Rows of every table ({@code "schema.table" -> n}), counted now. */
    Map<String, Long> countRows(DatabaseUrl url);

    boolean exists(DatabaseUrl server, String database);

    /** The {@code server_version} of {@code server} ("17.12 (Debian 17.12-0+deb13u1)"): which client fits it. */
    String serverVersion(DatabaseUrl server);

    /**
     * What an existing database holds, for a person deciding whether to restore over it.
     *
     * @param sizeBytes {@code pg_database_size}
     * @param tables    its tables (outside system schemas)
     */
    record Facts(long sizeBytes, int tables) {
        public boolean empty() {
            return tables == 0;
        }
    }

    /** The size and table count of {@code url}'s database; empty when it does not exist. */
    java.util.Optional<Facts> facts(DatabaseUrl url);

    /** Creates an empty database on the server of {@code server}. */
    void create(DatabaseUrl server, String database);

    /** Drops a database, closing other sessions first. Absent is fine. */
    void drop(DatabaseUrl server, String database);

    /** Names of the server's databases that start with {@code prefix}, sorted. */
    List<String> namesStartingWith(DatabaseUrl server, String prefix);

    /**
     * Drops a database only if nobody is connected to it. Returns false, dropping nothing,
     * when a session uses it; absent counts as dropped.
     */
    boolean dropIfIdle(DatabaseUrl server, String database);
}
