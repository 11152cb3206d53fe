package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.PgClients;

import java.io.InputStream;
import java.time.Duration;

/** A running pg_dump. */
public interface DumpProcess extends AutoCloseable {

    /** The client dumping: its major and version go into the manifest. */
    PgClients.Client client();

    /** The archive as pg_dump writes it. */
    InputStream output();

    /**
     * Waits for the end; throws a ShiftSyncException when pg_dump exited non-zero, wrote an
     * error to stderr, or did not end within {@code timeout}.
     */
    void awaitSuccess(Duration timeout);

    /** Kills the process if it still runs. */
    @Override
    void close();
}
