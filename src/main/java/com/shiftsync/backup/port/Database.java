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

    /**
     * A sandbox for SQL nobody vouches for (a dump's): a new database {@code name} owned by a
     * new login role {@code name} that may do nothing else: not a superuser, cannot create
     * roles or databases, replicate or bypass row security, member of no role, its random
     * password valid for a day and set as a SCRAM verifier (the password itself never reaches
     * the server or any command line), and nobody but it and {@code server}'s user may
     * connect to the database. Whatever that role runs cannot create or alter roles or touch
     * another database, which {@code pg_restore --role} (a SET ROLE the SQL can reset) would
     * not guarantee. Checks that the role can log in and has no more than that; undoes what it
     * created when any step fails, and never touches a role or database it did not create.
     *
     * @return {@code server}'s address for that role on that database, with its password
     */
    DatabaseUrl createSandbox(DatabaseUrl server, String name);

    /**
     * Drops sandbox {@code name}: its database (closing its sessions, undoing a template flag
     * its SQL may have set) and then its role. Either may be absent.
     */
    void dropSandbox(DatabaseUrl server, String name);

    /**
     * Drops sandbox {@code name} only if nobody is connected to its database. Returns false,
     * dropping nothing, when a session uses it; absent counts as dropped.
     */
    boolean dropSandboxIfIdle(DatabaseUrl server, String name);

    /**
     * Names starting with {@code prefix} of the server's databases and of its roles that have
     * no more rights than a sandbox's, sorted, each once.
     */
    List<String> sandboxesStartingWith(DatabaseUrl server, String prefix);
}
