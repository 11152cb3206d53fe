package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.Cancellation;
import com.shiftsync.backup.domain.Compression;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.PgClients;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * pg_dump and pg_restore, of every major on the machine: the jobs choose one per server
 * ({@link PgClients}). Passwords reach them through the environment, never argv.
 */
public interface DumpTool {

    /** The clients here, one per major, each asked its version once. */
    PgClients clients();

    /**
     * Starts {@code pg_dump -Fc} of {@code client} on {@code source} in the exported {@code snapshot},
     * compressing with {@code compression} (which {@code client} writes); its archive is on
     * {@link DumpProcess#output()}.
     */
    DumpProcess startDump(PgClients.Client client, DatabaseUrl source, String snapshot, Compression compression);

    /** Reads the archive's table of contents ({@code pg_restore --list} of the newest client); throws if it cannot. */
    void checkArchive(InputStream archive);

    /**
     * Restores an archive file with {@code client}'s pg_restore into an existing database with
     * {@code --clean --if-exists}.
     *
     * @param jobs            1 restores in a single transaction (all or nothing); more runs that many jobs in parallel
     * @param ownersAndGrants false: {@code --no-owner --no-privileges}, so every object belongs to the restoring user,
     *                        no privilege is granted, and no role of the backup needs to exist on the target
     */
    void restore(PgClients.Client client, Path archive, DatabaseUrl target, int jobs, boolean ownersAndGrants);

    /**
     * Restores an archive with {@code client}'s pg_restore into a sandbox
     * ({@link Database#createSandbox}), logged in as its role: in one transaction whatever the
     * archive's size (all or nothing), without the archive's owners and privileges
     * ({@code --no-owner --no-privileges}), which name other roles, and without {@code --clean}
     * (the database is new). {@code cancel} stops pg_restore at once; this then fails.
     */
    void restoreSandboxed(PgClients.Client client, Path archive, DatabaseUrl sandbox, Cancellation cancel);
}
