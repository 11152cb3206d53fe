package com.shiftsync.backup.port;

/**
 * Short-lived access tokens for this app's identity (Microsoft Entra ID). A token for
 * Azure Database for PostgreSQL is the database password in passwordless mode; tokens
 * expire within about an hour, so one is asked for at the start of every job.
 */
public interface AccessTokenSource {

    /**
     * A token good right now for {@code scope} (e.g. {@code https://ossrdbms-aad.database.windows.net/.default});
     * registered with {@link com.shiftsync.backup.domain.Redaction} before it is returned.
     */
    String token(String scope);

    /** Which identity the tokens are for, for messages: "the managed identity (IDENTITY_ENDPOINT)". */
    String describe();
}
