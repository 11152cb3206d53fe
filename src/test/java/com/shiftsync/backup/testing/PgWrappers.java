package com.shiftsync.backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A PG_BIN_DIR of wrapper scripts: pg_dump and pg_restore that wait a moment, then exec
 * the machine's real binaries with the same arguments and environment. The pause lets a
 * test read the child's /proc entries while it runs.
 */
public final class PgWrappers {
    private PgWrappers() {
    }

    /** Creates the wrappers in {@code folder} (which must exist); returns it, for PG_BIN_DIR. */
    public static Path create(Path folder, double pauseSeconds) {
        Path real = PostgresCluster.serverBinaries();
        try {
            for (String tool : new String[] {"pg_dump", "pg_restore"}) {
                Path script = folder.resolve(tool);
                Files.writeString(script, "#!/bin/sh\nsleep " + pauseSeconds + "\nexec " + real.resolve(tool)
                        + " \"$@\"\n");
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
