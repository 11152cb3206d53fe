package com.shiftsync.backup.port;

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
    default void restore(Path archive, DatabaseUrl target, int jobs) {
        restore(archive, target, jobs, true);
    }

    /**
     * Restores as {@link #restore(Path, DatabaseUrl, int)} does; without {@code ownersAndGrants}
     * ({@code pg_restore --no-owner --no-privileges}) every object belongs to the restoring user and
     * no privilege is granted, so no role of the backup needs to exist on the target.
     */
    void restore(Path archive, DatabaseUrl target, int jobs, boolean ownersAndGrants);
}
