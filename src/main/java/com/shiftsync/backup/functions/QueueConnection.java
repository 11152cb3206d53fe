package com.shiftsync.backup.functions;

/**
 * How the Functions host reaches the work queues ({@code restore-requests},
 * {@code backup-requests}): the connection named {@value #NAME}. Locally (Azurite) that is
 * an app setting {@code ShiftSyncStorage} holding a connection string; in Azure the
 * identity-based form, {@code ShiftSyncStorage__queueServiceUri} =
 * {@code https://<account>.queue.core.windows.net} with
 * {@code ShiftSyncStorage__credential} = {@code managedidentity}. It must name the same
 * account as AZURE_STORAGE_CONNECTION_STRING / AZURE_STORAGE_ACCOUNT_URL, which the app
 * sends the messages through.
 */
final class QueueConnection {
    static final String NAME = "ShiftSyncStorage";

    private QueueConnection() {
    }
}
