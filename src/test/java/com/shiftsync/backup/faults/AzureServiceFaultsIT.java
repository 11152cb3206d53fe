package com.shiftsync.backup.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.functions.BackupFunctions;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.AzureFakes;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.QueueHost;
import com.shiftsync.backup.testing.TempFolders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The faults of the Azure services around the backups, with "nothing lost" checked from the
 * user's side: Resource Manager answering 429 and 5xx in bursts (a burst shorter than the
 * bounded retries is ridden out; a longer one is one sentence, nothing half-started, and the
 * next try works), and the backup queue delivering a message twice or a poison message (one
 * backup, never two; nothing made of garbage; list and status say the same before and after).
 */
class AzureServiceFaultsIT {
    @RegisterExtension
    static final AzureFakes azure = new AzureFakes();
    static final ArmFake arm = azure.arm;
    static PostgresCluster pg;
    static String db;

    Map<String, String> env;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("azurefaults");
    }

    @BeforeEach
    void environment() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        arm.source("Canada Central", now.minus(7, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toString(), true);
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", "azfaults-" + Long.toHexString(System.nanoTime()));
        env.put("AUDIT_CONTAINER", "azfaults-audit-" + Long.toHexString(System.nanoTime()));
        env.put("OPERATIONS_CONTAINER", "azfaults-ops-" + Long.toHexString(System.nanoTime()));
        env.put("BACKUP_DIR", TempFolders.create("shiftsync-azfaults-").toString());
        env.putAll(azure.settings());
    }

    private String restoreTime() {
        return Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Test
    @DisplayName("Resource Manager answers 429 twice, or 503 twice: pitr rides the burst out and the restore is followed to its end")
    void burstsRiddenOut() {
        for (Object[] burst : List.of(new Object[] {429, "TooManyRequests"}, new Object[] {503, "ServiceUnavailable"})) {
            String target = "shiftsync-db-burst-" + burst[0];
            arm.missing(target);
            arm.nameAvailable(target);
            String operation = arm.burstThenAccept(target, "canadacentral", (Integer) burst[0], (String) burst[1], 2);
            int putsBefore = arm.puts().size();
            CliRun started = CliRun.run(env, "pitr", "--restore-time", restoreTime(), "--target-server", target);
            assertEquals(0, started.exitCode(), burst[0] + ": " + started.stderr());
            assertEquals(3, arm.puts().size() - putsBefore, "two refused, the third accepted");
            String id = started.stdout().strip();
            arm.operation("canadacentral", operation, "InProgress");
            CliRun status = CliRun.run(env, "restore-status", id);
            assertEquals(0, status.exitCode(), status.stderr());
            assertTrue(status.stdout().contains("InProgress"), status.stdout());
        }
    }

    @Test
    @DisplayName("Resource Manager failing longer than the retries: one sentence with its code, the operation recorded as Failed (none left in progress), and the next try works")
    void burstTooLong() {
        String target = "shiftsync-db-burst-long";
        arm.missing(target);
        arm.nameAvailable(target);
        arm.burstThenAccept(target, "canadacentral", 500, "InternalServerError", 10);
        CliRun failed = CliRun.run(env, "pitr", "--restore-time", restoreTime(), "--target-server", target, "--json");
        assertEquals(1, failed.exitCode(), failed.stderr());
        assertEquals(1, failed.errorLines().size(), failed.stderr());
        assertTrue(failed.stderr().contains("InternalServerError"), failed.stderr());
        JsonNode error = read(failed.stdout()).get("error");
        assertEquals("upstream-failed", error.get("code").asText());
        assertEquals("InternalServerError", error.get("upstreamCode").asText());
        com.azure.storage.blob.BlobContainerClient operations = com.shiftsync.backup.adapter.blob.StorageClients
                .byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(env.get("OPERATIONS_CONTAINER"));
        for (com.azure.storage.blob.models.BlobItem item : operations.listBlobs()) {
            JsonNode op = read(operations.getBlobClient(item.getName()).downloadContent().toString());
            assertEquals("Failed", op.get("status").asText(), "no operation is left in progress: " + op);
            assertEquals("InternalServerError", op.get("error").get("code").asText(), op.toString());
        }

        String later = "shiftsync-db-burst-later";
        arm.missing(later);
        arm.nameAvailable(later);
        arm.acceptCreate(later, "canadacentral");
        CliRun retry = CliRun.run(env, "pitr", "--restore-time", restoreTime(), "--target-server", later);
        assertEquals(0, retry.exitCode(), retry.stderr());
    }

    @Test
    @DisplayName("a backup request delivered twice makes one backup; a poison message makes none and lands in the poison queue; list and status agree")
    void queueDuplicateAndPoison() throws IOException {
        env.put("WEBSITE_AUTH_ENABLED", "True");
        QueueHost host = new QueueHost(WorkQueue.BACKUP_REQUESTS);
        host.clear();
        App app = new App(new Settings(env), Clock.systemUTC());
        HttpResponseMessage accepted = new BackupFunctions(app).request(FakeHttpRequest.post(
                        "https://shiftsync-backup.azurewebsites.net/api/backups?code=k", null)
                .header("X-MS-CLIENT-PRINCIPAL", admin()), new FakeExecutionContext("onDemandBackup"));
        assertEquals(202, accepted.getStatusCode(), String.valueOf(accepted.getBody()));
        String raw = host.peekRaw().get(0);

        QueueHost.Delivery first = host.deliver(text -> new BackupFunctions(app).worker(text,
                new FakeExecutionContext("onDemandBackupWorker")));
        assertNull(first.error(), () -> String.valueOf(first.error()));
        app.queued().workQueue(WorkQueue.BACKUP_REQUESTS).send(QueueHost.decode(raw), Duration.ofMinutes(5));
        FakeExecutionContext again = new FakeExecutionContext("onDemandBackupWorker");
        QueueHost.Delivery second = host.deliver(text -> new BackupFunctions(app).worker(text, again));
        assertNull(second.error());
        assertTrue(again.messages().stream().anyMatch(m -> m.contains("ShiftSync.Queue.Duplicate")), again.messages()
                .toString());

        CliRun listed = CliRun.run(env, "list", "--source", "azure", "--json");
        assertEquals(1, read(listed.stdout()).size(), "one backup, never two: " + listed.stdout());
        JsonNode statusBefore = read(CliRun.run(env, "status", "--source", "azure", "--json").stdout());

        app.queued().workQueue(WorkQueue.BACKUP_REQUESTS).send("{\"operationId\": 42, \"tier\": \"nightly\"}",
                Duration.ofMinutes(5));
        QueueHost.Delivery poison = null;
        for (int delivery = 1; delivery <= 3; delivery++) {
            FakeExecutionContext worker = new FakeExecutionContext("onDemandBackupWorker");
            poison = host.deliver(text -> new BackupFunctions(app).worker(text, worker));
            assertNotNull(poison.error(), "a poison message fails its invocation");
            CapturedOutput.record(poison.error());
            assertTrue(poison.error().getMessage().contains("no backup was made"), poison.error().getMessage());
        }
        assertTrue(poison.poisoned(), "after maxDequeueCount deliveries it moves to backup-requests-poison");
        assertEquals(List.of(), host.peekRaw());
        assertEquals(1, read(CliRun.run(env, "list", "--source", "azure", "--json").stdout()).size());
        JsonNode statusAfter = read(CliRun.run(env, "status", "--source", "azure", "--json").stdout());
        assertEquals(statusBefore.get("rpo").get("newestBackupId"), statusAfter.get("rpo").get("newestBackupId"));
        assertEquals(statusBefore.get("alerts"), statusAfter.get("alerts"));
    }

    private static String admin() {
        String json = "{\"auth_typ\":\"aad\",\"name_typ\":\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name\","
                + "\"role_typ\":\"http://schemas.microsoft.com/ws/2008/06/identity/claims/role\",\"claims\":["
                + "{\"typ\":\"http://schemas.microsoft.com/identity/claims/objectidentifier\",\"val\":\"oid-ana\"},"
                + "{\"typ\":\"preferred_username\",\"val\":\"ana@shiftsync.test\"},{\"typ\":\"roles\",\"val\":\"Backup.Admin\"}]}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
