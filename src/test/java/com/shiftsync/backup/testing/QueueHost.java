package com.shiftsync.backup.testing;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Functions host's queue listener, as far as a test needs it, on a real Azurite queue:
 * it receives one message (invisible to others while the function runs), decodes its
 * body as host.json's {@code messageEncoding} says, hands the text to the function, and
 * deletes the message when the function returns. When the function throws, the message
 * becomes visible again (at once here, after host.json's visibilityTimeout in Azure),
 * and after {@code maxDequeueCount} failed deliveries it moves to {@code <queue>-poison}.
 * Messages are read raw (no client-side decoding), so a test sees exactly what is stored.
 */
public final class QueueHost {
    private static final JsonNode QUEUES = queuesSection();

    private final QueueClient queue;
    private final QueueClient poison;

    public QueueHost(String queueName) {
        String cs = Azurite.shared().connectionString();
        this.queue = new QueueClientBuilder().connectionString(cs).queueName(queueName).buildClient();
        this.poison = new QueueClientBuilder().connectionString(cs).queueName(queueName + "-poison").buildClient();
        queue.createIfNotExists();
    }

    /**
     * One delivery.
     *
     * @param text         what the function was given
     * @param dequeueCount how often the message has been received, this time included
     * @param error        what the function threw, or null
     * @param poisoned     the message went to the poison queue after this delivery
     */
    public record Delivery(String text, long dequeueCount, RuntimeException error, boolean poisoned) {
    }

    /** Removes every message, so a test starts with an empty queue. */
    public void clear() {
        queue.clearMessages();
    }

    /** The raw bodies of the messages waiting, without receiving them. */
    public List<String> peekRaw() {
        return queue.peekMessages(32, null, null).stream().map(m -> m.getBody().toString()).toList();
    }

    /** The text the function would get from a raw body. */
    public static String decode(String raw) {
        String encoding = QUEUES.path("messageEncoding").asText("base64");
        if (encoding.equalsIgnoreCase("none")) {
            return raw;
        }
        return new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8);
    }

    /** Delivers the next message to {@code function}; empty when the queue is empty. */
    public Optional<Delivery> deliverNext(Consumer<String> function) {
        QueueMessageItem item = queue.receiveMessage();
        if (item == null) {
            return Optional.empty();
        }
        String text = decode(item.getBody().toString());
        try {
            function.accept(text);
        } catch (RuntimeException e) {
            CapturedOutput.record(e);
            boolean poisoned = item.getDequeueCount() >= QUEUES.path("maxDequeueCount").asLong(5);
            if (poisoned) {
                poison.createIfNotExists();
                poison.sendMessage(item.getBody().toString());
                queue.deleteMessage(item.getMessageId(), item.getPopReceipt());
            } else {
                queue.updateMessage(item.getMessageId(), item.getPopReceipt(), null, Duration.ZERO);
            }
            return Optional.of(new Delivery(text, item.getDequeueCount(), e, poisoned));
        }
        queue.deleteMessage(item.getMessageId(), item.getPopReceipt());
        return Optional.of(new Delivery(text, item.getDequeueCount(), null, false));
    }

    /** Delivers the next message, which must exist. */
    public Delivery deliver(Consumer<String> function) {
        return deliverNext(function).orElseThrow(() -> new AssertionError("no message on " + queue.getQueueName()));
    }

    private static JsonNode queuesSection() {
        try {
            return Json.MAPPER.readTree(Path.of("host.json").toFile()).path("extensions").path("queues");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
