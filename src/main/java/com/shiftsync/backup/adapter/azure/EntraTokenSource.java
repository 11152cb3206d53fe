package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.AccessTokenSource;

/**
 * Microsoft Entra access tokens from this app's credential (see {@link AzureCredentials}):
 * in passwordless mode, a token for Azure Database for PostgreSQL is the password that
 * pg_dump, pg_restore and JDBC present. Asked anew for every job; the credential decides
 * whether a cached token is still good.
 */
public final class EntraTokenSource implements AccessTokenSource {
    private final TokenCredential credential;

    public EntraTokenSource(TokenCredential credential) {
        this.credential = credential;
    }

    @Override
    public String token(String scope) {
        AccessToken token;
        try {
            token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
        } catch (ShiftSyncException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, "could not get a Microsoft Entra token for "
                    + scope + " from " + credential + ": " + firstLine(e), Redaction.scrub(e));
        }
        if (token == null || token.getToken() == null || token.getToken().isEmpty()) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED,
                    credential + " gave an empty token for " + scope);
        }
        Redaction.register(token.getToken());
        return token.getToken();
    }

    private static String firstLine(Throwable e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }

    @Override
    public String describe() {
        return credential.toString();
    }
}
