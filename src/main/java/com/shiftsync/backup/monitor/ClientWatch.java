package com.shiftsync.backup.monitor;

import com.shiftsync.backup.domain.ClientReadiness;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.PgClients;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.DumpTool;


/**
 * Reads what {@link ClientReadiness} needs, now: the clients here and the version of
 * DATABASE_URL's server, which an in-place upgrade changes without anyone telling the app.
 * Never throws: status and the monitor must still report when the server or the clients
 * cannot be read, and say why.
 */
public final class ClientWatch {
    private final DatabaseLogin login;
    private final Database database;
    private final DumpTool dumpTool;

    public ClientWatch(DatabaseLogin login, Database database, DumpTool dumpTool) {
        this.login = login;
        this.database = database;
        this.dumpTool = dumpTool;
    }

    /** The clients the next backup and a restore of {@code newest} (null: none) would use. */
    public ClientReadiness read(Manifest newest) {
        String server = null;
        String version = null;
        String unknown = null;
        try {
            DatabaseUrl url = login.current();
            server = url.host() + ":" + url.port();
            version = database.serverVersion(url);
        } catch (RuntimeException e) {
            unknown = "the server's version could not be read: " + ShiftSyncException.wrap(e).getMessage();
        }
        PgClients clients;
        try {
            clients = dumpTool.clients();
        } catch (RuntimeException e) {
            return ClientReadiness.noClients(server, version, ShiftSyncException.wrap(e).getMessage());
        }
        return ClientReadiness.of(clients, server, version, unknown, newest);
    }
}
