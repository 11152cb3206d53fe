package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.Cancellation;
import com.shiftsync.backup.domain.DatabaseUrl;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * pg_dump and pg_restore. Passwords reach them through the environment, never argv.
 */
public interface DumpTool {

    /** What {@code pg_dump --version} prints, e.g. "pg_dump (PostgreSQL) 15.18". */
    String version();

    /** Starts {@code pg_dump -Fc} of {@code source} in the exported {@code snapshot}; its archive is on {@link DumpProcess#output()}. */
    DumpProcess startDump(DatabaseUrl source, String snapshot);

    /** Reads the archive's table of contents ({@code pg_restore --list}); throws if it cannot. */
    void checkArchive(InputStream archive);

    /**
     * Restores an archive file into an existing database with {@code --clean --if-exists}.
     *
     * @param jobs 1 restores in a single transaction (all or nothing); more runs that many jobs in parallel
     */
    void restore(Path archive, DatabaseUrl target, int jobs);

    /**
     * Restores an archive into a sandbox ({@link Database#createSandbox}), logged in as its
     * role: in one transaction whatever the archive's size (all or nothing), without the
     * archive's owners and privileges ({@code --no-owner --no-privileges}), which name other
     * roles, and without {@code --clean} (the database is new). {@code cancel} stops pg_restore
     * at once; this then fails.
     */
    void restoreSandboxed(Path archive, DatabaseUrl sandbox, Cancellation cancel);
}
