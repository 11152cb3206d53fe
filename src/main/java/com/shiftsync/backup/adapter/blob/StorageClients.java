package com.shiftsync.backup.adapter.blob;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.shiftsync.backup.domain.Redaction;

import java.time.Duration;

/**
 * Builds the Blob service client once: by connection string (local runs, Azurite) or by
 * account URL and a token credential (the managed identity in Azure). Retries are
 * bounded: 4 tries, 1 to 10 seconds apart, each try at most 2 minutes.
 */
public final class StorageClients {
    static final RequestRetryOptions RETRIES = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, StorageErrors.TRIES,
            Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(10), null);

    private StorageClients() {
    }

    public static BlobServiceClient byConnectionString(String connectionString) {
        registerKeys(connectionString);
        return new BlobServiceClientBuilder().connectionString(connectionString).retryOptions(RETRIES).buildClient();
    }

    /**
     * Parses {@code connectionString} as {@link #byConnectionString} does, without building the
     * client (which loads the SDK's HTTP stack): a string the SDK refuses is refused now.
     *
     * @throws IllegalArgumentException as the SDK's builder does
     */
    public static BlobServiceClientBuilder checkConnectionString(String connectionString) {
        registerKeys(connectionString);
        return new BlobServiceClientBuilder().connectionString(connectionString);
    }

    /** The account key and SAS token of a connection string are secrets: masked wherever they might show up. */
    public static void registerKeys(String connectionString) {
        for (String part : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                String key = part.substring(0, eq).trim();
                if (key.equalsIgnoreCase("AccountKey") || key.equalsIgnoreCase("SharedAccessSignature")) {
                    Redaction.register(part.substring(eq + 1).trim());
                }
            }
        }
    }

    public static BlobServiceClient byIdentity(String accountUrl, TokenCredential credential) {
        return new BlobServiceClientBuilder().endpoint(accountUrl).credential(credential).retryOptions(RETRIES)
                .buildClient();
    }
}
