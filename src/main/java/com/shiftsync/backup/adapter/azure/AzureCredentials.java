package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.util.HttpClientOptions;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Optional;

/**
 * The one place that builds Azure credentials, always explicitly from settings: the
 * managed identity through App Service's protocol ({@code IDENTITY_ENDPOINT} +
 * {@code IDENTITY_HEADER}, optionally a user-assigned identity's {@code AZURE_CLIENT_ID}),
 * or a service principal's client secret. Never DefaultAzureCredential, which probes the
 * instance-metadata address 169.254.169.254. Every secret that goes in (client secret,
 * identity header) and every token that comes out is registered with {@link Redaction}.
 */
public final class AzureCredentials {
    /** Bounded: three tries, each with a timeout, then a clear failure. */
    private static final int MAX_RETRIES = 3;
    private static final HttpClientOptions TIMEOUTS = new HttpClientOptions()
            .setConnectTimeout(Duration.ofSeconds(10)).setResponseTimeout(Duration.ofSeconds(30))
            .setReadTimeout(Duration.ofSeconds(30)).setWriteTimeout(Duration.ofSeconds(30));

    private AzureCredentials() {
    }

    /**
     * The credential the settings describe, or empty when they describe none. A client
     * secret wins over the managed identity (a local run on a machine that has both).
     *
     * @param identityEndpoint IDENTITY_ENDPOINT, or null
     * @param identityHeader   IDENTITY_HEADER, or null (required with IDENTITY_ENDPOINT)
     * @param clientId         AZURE_CLIENT_ID: a user-assigned identity, or the service principal; or null
     * @param tenantId         AZURE_TENANT_ID, or null
     * @param clientSecret     AZURE_CLIENT_SECRET, or null
     */
    public static Optional<TokenCredential> fromSettings(String identityEndpoint, String identityHeader,
                                                         String clientId, String tenantId, String clientSecret) {
        if (clientSecret != null) {
            if (clientId == null || tenantId == null) {
                throw ShiftSyncException.badInput(
                        "AZURE_CLIENT_SECRET is set but AZURE_CLIENT_ID or AZURE_TENANT_ID is not: set all three");
            }
            Redaction.register(clientSecret);
            TokenCredential secret = new ClientSecretCredentialBuilder()
                    .clientId(clientId).tenantId(tenantId).clientSecret(clientSecret)
                    .maxRetry(MAX_RETRIES).httpClient(HttpClient.createDefault(TIMEOUTS)).build();
            return Optional.of(new Described(secret, "the service principal " + clientId + " of tenant " + tenantId
                    + " (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET)"));
        }
        if (identityEndpoint != null) {
            if (identityHeader == null) {
                throw ShiftSyncException.badInput("IDENTITY_ENDPOINT is set but IDENTITY_HEADER is not: App Service "
                        + "sets both for a managed identity; set neither to run without one");
            }
            AppServiceManagedIdentityCredential identity =
                    new AppServiceManagedIdentityCredential(identityEndpoint, identityHeader, clientId);
            return Optional.of(new Described(identity, identity.toString()));
        }
        return Optional.empty();
    }


    /** The credential, or a refusal that says how to configure one. */
    public static TokenCredential require(Optional<TokenCredential> credential, String forWhat) {
        return credential.orElseThrow(() -> ShiftSyncException.badInput(forWhat
                + " needs Azure credentials: run with a managed identity (IDENTITY_ENDPOINT and IDENTITY_HEADER, "
                + "set by App Service) or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET"));
    }

    /**
     * A credential that says which identity it is ({@link #toString()}, for messages) and
     * registers every token it hands out with {@link Redaction}.
     */
    private record Described(TokenCredential delegate, String description) implements TokenCredential {
        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return delegate.getToken(request).doOnNext(token -> Redaction.register(token.getToken()));
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            AccessToken token = delegate.getTokenSync(request);
            Redaction.register(token.getToken());
            return token;
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
