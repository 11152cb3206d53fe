package com.shiftsync.backup.adapter.queue;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds the Queue service client once, from the same storage settings as Blob: the
 * connection string (its QueueEndpoint; local runs, Azurite), or the account's queue
 * endpoint derived from {@code AZURE_STORAGE_ACCOUNT_URL} with the app's token credential.
 *
 * <p>Messages are sent base64-encoded: the Functions queue trigger decodes base64 by
 * default (host.json states {@code "messageEncoding": "base64"} so nobody has to know
 * the default), and the function then receives exactly the text sent. Retries are
 * bounded: 3 tries, 1 to 5 seconds apart, each try at most 20 seconds, so a request that
 * enqueues still answers well within the 230 s an HTTP call may take.
 */
public final class QueueClients {
    public static final QueueMessageEncoding ENCODING = QueueMessageEncoding.BASE64;
    static final RequestRetryOptions RETRIES = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3,
            Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(5), null);

    private QueueClients() {
    }

    public static QueueServiceClient byConnectionString(String connectionString) {
        StorageClients.registerKeys(connectionString);
        return new QueueServiceClientBuilder().connectionString(connectionString).messageEncoding(ENCODING)
                .retryOptions(RETRIES).buildClient();
    }

    /** The queue service of the account whose Blob endpoint is {@code blobAccountUrl}, with {@code credential}. */
    public static QueueServiceClient byIdentity(String blobAccountUrl, TokenCredential credential) {
        return new QueueServiceClientBuilder().endpoint(queueServiceUrl(blobAccountUrl)).credential(credential)
                .messageEncoding(ENCODING).retryOptions(RETRIES).buildClient();
    }

    /**
     * {@code https://<account>.queue.core.windows.net} from
     * {@code https://<account>.blob.core.windows.net} (sovereign clouds alike: only the
     * service label changes).
     */
    public static String queueServiceUrl(String blobAccountUrl) {
        URI uri;
        try {
            uri = URI.create(blobAccountUrl.trim());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        String host = uri == null || uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        int blob = host.indexOf(".blob.");
        if (uri == null || !"https".equalsIgnoreCase(uri.getScheme()) || blob <= 0) {
            throw ShiftSyncException.badInput("AZURE_STORAGE_ACCOUNT_URL '" + blobAccountUrl + "' is not a Blob "
                    + "endpoint such as https://<account>.blob.core.windows.net, so the account's queue endpoint "
                    + "cannot be derived from it; give the account's Blob endpoint, or use "
                    + "AZURE_STORAGE_CONNECTION_STRING");
        }
        String queueHost = host.substring(0, blob) + ".queue." + host.substring(blob + ".blob.".length());
        return "https://" + queueHost + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }
}
