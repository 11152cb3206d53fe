package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.util.Optional;

/**
 * The one place that builds Azure credentials, always explicitly from settings: the
 * managed identity through App Service's protocol ({@code IDENTITY_ENDPOINT} +
 * {@code IDENTITY_HEADER}), or a service principal's client secret. Never
 * DefaultAzureCredential, which probes the instance-metadata address 169.254.169.254.
 */
public final class AzureCredentials {
    private AzureCredentials() {
    }

    /**
     * @param identityEndpoint IDENTITY_ENDPOINT, or null
     * @param clientId         AZURE_CLIENT_ID: a user-assigned identity, or the service principal; or null
     * @param tenantId         AZURE_TENANT_ID, or null
     * @param clientSecret     AZURE_CLIENT_SECRET, or null
     */
    public static Optional<TokenCredential> fromSettings(String identityEndpoint, String clientId, String tenantId,
                                                         String clientSecret) {
        if (clientSecret != null) {
            if (clientId == null || tenantId == null) {
                throw ShiftSyncException.badInput(
                        "AZURE_CLIENT_SECRET is set but AZURE_CLIENT_ID or AZURE_TENANT_ID is not: set all three");
            }
            return Optional.of(new ClientSecretCredentialBuilder()
                    .clientId(clientId).tenantId(tenantId).clientSecret(clientSecret).build());
        }
        if (identityEndpoint != null) {
            ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
            if (clientId != null) {
                builder.clientId(clientId);
            }
            return Optional.of(builder.build());
        }
        return Optional.empty();
    }

    /** The credential, or a refusal that says how to configure one. */
    public static TokenCredential require(Optional<TokenCredential> credential, String forWhat) {
        return credential.orElseThrow(() -> ShiftSyncException.badInput(forWhat
                + " needs Azure credentials: run with a managed identity (IDENTITY_ENDPOINT and IDENTITY_HEADER, "
                + "set by App Service) or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET"));
    }
}
