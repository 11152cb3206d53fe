package com.shiftsync.backup.functions;

import com.azure.storage.queue.QueueMessageEncoding;
import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.queue.QueueClients;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.queued.QueuedWork;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bindings the Functions host reads for the restore from a backup, the backup list,
 * the on-demand backup and the dashboard: HTTP routes with the function key, queue triggers on the
 * fixed queue names through connection ShiftSyncStorage, and a message encoding the
 * sender and the host agree on.
 */
class QueueFunctionJsonIT {

    @ParameterizedTest(name = "{0}: {2} /api/{1}")
    @CsvSource({
            "restoreFromBackup, restores/from-backup, POST, FromBackupFunctions.request",
            "listBackups,       backups,              GET,  BackupFunctions.list",
            "onDemandBackup,    backups,              POST, BackupFunctions.request",
            "backupDashboard,   dashboard,            GET,  DashboardFunctions.dashboard",
    })
    void http(String function, String route, String method, String entryPoint) throws IOException {
        JsonNode json = FunctionJsonIT.functionJson(function);
        assertEquals("com.shiftsync.backup.functions." + entryPoint, json.get("entryPoint").asText());
        JsonNode bindings = json.get("bindings");
        assertEquals(2, bindings.size());
        JsonNode trigger = bindings.get(0);
        assertEquals("httpTrigger", trigger.get("type").asText());
        assertEquals(route, trigger.get("route").asText());
        assertEquals(1, trigger.get("methods").size());
        assertEquals(method, trigger.get("methods").get(0).asText());
        assertEquals("FUNCTION", trigger.get("authLevel").asText());
        assertEquals("http", bindings.get(1).get("type").asText());
        assertEquals("$return", bindings.get(1).get("name").asText());
    }

    @ParameterizedTest(name = "{0} reads queue {1}")
    @CsvSource({
            "restoreFromBackupWorker, restore-requests, FromBackupFunctions.worker",
            "onDemandBackupWorker,    backup-requests,  BackupFunctions.worker",
    })
    void queue(String function, String queueName, String entryPoint) throws IOException {
        JsonNode json = FunctionJsonIT.functionJson(function);
        assertEquals("com.shiftsync.backup.functions." + entryPoint, json.get("entryPoint").asText());
        JsonNode bindings = json.get("bindings");
        assertEquals(1, bindings.size(), bindings.toString());
        JsonNode trigger = bindings.get(0);
        assertEquals("queueTrigger", trigger.get("type").asText());
        assertEquals("in", trigger.get("direction").asText());
        assertEquals("message", trigger.get("name").asText());
        assertEquals(queueName, trigger.get("queueName").asText());
        assertEquals("ShiftSyncStorage", trigger.get("connection").asText());
    }

    @Test
    @DisplayName("the queue names are the ones infra/ was told")
    void queueNames() {
        assertEquals("restore-requests", WorkQueue.RESTORE_REQUESTS);
        assertEquals("backup-requests", WorkQueue.BACKUP_REQUESTS);
    }

    @Test
    @DisplayName("host.json decodes base64, as the app encodes; a restore may run for hours, retried at most 3 times")
    void hostJson() throws IOException {
        JsonNode queues = Json.MAPPER.readTree(Path.of("host.json").toFile()).get("extensions").get("queues");
        assertEquals("base64", queues.get("messageEncoding").asText());
        assertEquals(QueueMessageEncoding.BASE64, QueueClients.ENCODING);
        assertEquals(3, queues.get("maxDequeueCount").asInt());
        assertEquals(1, queues.get("batchSize").asInt(), "one restore or backup at a time per instance");
        String timeout = Json.MAPPER.readTree(Path.of("host.json").toFile()).get("functionTimeout").asText();
        assertEquals(com.shiftsync.backup.domain.RetryPolicy.DEFAULT.functionTimeout(), java.time.Duration.parse("PT" + timeout.replaceFirst(
                "^(\\d+):(\\d+):(\\d+)$", "$1H$2M$3S")), "a status read calls a worker lost only after the host "
                + "would have stopped it");
    }

    @Test
    @DisplayName("local.settings.json.example gives the connection ShiftSyncStorage (a connection string locally)")
    void localSettings() throws IOException {
        JsonNode settings = Json.MAPPER.readTree(Path.of("local.settings.json.example").toFile()).get("Values");
        assertTrue(settings.has("ShiftSyncStorage"));
        assertEquals("UseDevelopmentStorage=true", settings.get("ShiftSyncStorage").asText());
    }
}
