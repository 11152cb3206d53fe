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
}
