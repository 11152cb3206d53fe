package com.shiftsync.backup.testing;

import com.shiftsync.backup.domain.Cancellation;
import com.shiftsync.backup.domain.DatabaseUrl;
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
    public String version() {
        return real.version();
    }

    @Override
    public DumpProcess startDump(DatabaseUrl source, String snapshot) {
        return real.startDump(source, snapshot);
    }

    @Override
    public void checkArchive(InputStream archive) {
        real.checkArchive(archive);
    }

    @Override
    public void restore(Path archive, DatabaseUrl target, int jobs) {
        real.restore(archive, target, jobs);
    }

    @Override
    public void restoreSandboxed(Path archive, DatabaseUrl sandbox, Cancellation cancel) {
        real.restoreSandboxed(archive, sandbox, cancel);
    }
}
