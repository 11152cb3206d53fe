package com.shiftsync.backup.store;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import com.shiftsync.backup.adapter.queue.QueueClients;
import com.shiftsync.backup.adapter.queue.StorageQueue;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.QueueHost;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue adapter against Azurite's Queue service. */
class StorageQueueIT {

    @Test
    @DisplayName("send creates the queue on first use and stores base64 of the text, which is what the trigger decodes")
    void sendsBase64() {
        String name = "q-" + Long.toHexString(System.nanoTime());
        String cs = Azurite.shared().connectionString();
        StorageQueue queue = new StorageQueue(QueueClients.byConnectionString(cs).getQueueClient(name));
        String text = "{\"operationId\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"note\":\"café ✓\"}";
        queue.send(text, Duration.ofMinutes(10));
        assertEquals(name, queue.name());
        assertTrue(queue.describe().startsWith("queue " + name + " at http://127.0.0.1:"), queue.describe());

        QueueClient raw = new QueueClientBuilder().connectionString(cs).queueName(name).buildClient();
        QueueMessageItem item = raw.receiveMessage();
        String body = item.getBody().toString();
        assertEquals(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)), body);
        assertEquals(text, QueueHost.decode(body));
        assertTrue(item.getExpirationTime().isBefore(item.getInsertionTime().plusMinutes(11)), "the time to live is set");
    }

    @Test
    @DisplayName("an unreachable queue service: upstream-failed with one sentence, within the bounded retries")
    void unreachable() {
        String cs = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Azurite.ACCOUNT_KEY
                + ";QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        StorageQueue queue = new StorageQueue(QueueClients.byConnectionString(cs).getQueueClient("nowhere"));
        long start = System.nanoTime();
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> queue.send("{}", Duration.ofMinutes(1)));
        assertEquals(ErrorCode.UPSTREAM_FAILED, e.code());
        assertTrue(e.getMessage().startsWith("could not reach queue nowhere at http://127.0.0.1:9/"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 60);
    }
}
