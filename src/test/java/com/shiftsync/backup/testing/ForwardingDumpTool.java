package com.shiftsync.backup.testing;

import com.shiftsync.backup.domain.Cancellation;
import com.shiftsync.backup.domain.Compression;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.PgClients;
import com.shiftsync.backup.port.DumpProcess;
import com.shiftsync.backup.port.DumpTool;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * The real pg_dump and pg_restore with one call changed: a test extends this and overrides
 * only what it breaks or watches (a failing table-of-contents check, a tripwire in the dump's
 * output), so a new call on {@link DumpTool} is forwarded in one place.
 */
public class ForwardingDumpTool implements DumpTool {
    protected final DumpTool real;

    public ForwardingDumpTool(DumpTool real) {
        this.real = real;
    }

    @Override
    public PgClients clients() {
        return real.clients();
    }

    @Override
    public DumpProcess startDump(PgClients.Client client, DatabaseUrl source, String snapshot,
                                 Compression compression) {
        return real.startDump(client, source, snapshot, compression);
    }

    @Override
    public void checkArchive(InputStream archive) {
        real.checkArchive(archive);
    }

    @Override
    public void restore(PgClients.Client client, Path archive, DatabaseUrl target, int jobs,
                        boolean ownersAndGrants) {
        real.restore(client, archive, target, jobs, ownersAndGrants);
    }

    @Override
    public void restoreSandboxed(PgClients.Client client, Path archive, DatabaseUrl sandbox, Cancellation cancel) {
        real.restoreSandboxed(client, archive, sandbox, cancel);
    }
}
