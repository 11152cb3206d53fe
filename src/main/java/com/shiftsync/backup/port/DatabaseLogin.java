package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.DatabaseUrl;

/**
 * The database to back up, with a password good right now. Asked once at the start of
 * every job, so a rotated password (Key Vault) or a fresh token (Microsoft Entra) is used
 * by the next run without a restart.
 */
@FunctionalInterface
public interface DatabaseLogin {

    DatabaseUrl current();

    /**
     * The database as configured, without a secret looked up: what to reach (host, port,
     * database), not how to log in. By default {@link #current()}.
     */
    default DatabaseUrl configured() {
        return current();
    }
}
