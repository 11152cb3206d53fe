package com.shiftsync.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalAuditLog;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.AzureFakes;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.ManagedIdentityFake;
import com.shiftsync.backup.testing.TempFolders;
import com.shiftsync.backup.testing.TestSecrets;
import com.shiftsync.backup.testing.WorkerSteps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitr}, {@code geo-restore} and {@code restore-status} as an operator runs them:
 * the packaged jar in its own process, with the real ManagedIdentityCredential reading
 * IDENTITY_ENDPOINT / IDENTITY_HEADER (the managed-identity fake) and the Flexible Server
 * SDK talking to the Resource Manager fake. Every run is a new process, so every
 * restore-status also shows the status surviving a restart.
 */
class ServerRestoreCliIT {
    static final String TARGET = "shiftsync-db-pitr";
    @RegisterExtension
    static final AzureFakes azure = new AzureFakes();
    static final ArmFake arm = azure.arm;
    static final ManagedIdentityFake identity = azure.identity;

    Map<String, String> env;
    String auditContainer;
    Path backupDir;
    Instant now;

    @BeforeEach
    void fresh() throws IOException {
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        arm.source("Canada Central", now.minus(7, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toString(), true);
        arm.missing(TARGET);
        arm.nameAvailable(TARGET);
        auditContainer = "audit-cli-" + Long.toHexString(System.nanoTime());
        backupDir = TempFolders.create("shiftsync-cli-restore-");
        env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("AUDIT_CONTAINER", auditContainer);
        env.put("OPERATIONS_CONTAINER", "operations-cli");
        env.put("BACKUP_DIR", backupDir.toString());
        env.putAll(azure.settings());
    }

    CliRun run(String... args) {
        CliRun r = CliRun.run(env, args);
        assertEquals(List.of(), TestSecrets.foundIn(r.stdout() + r.stderr()), "no secret in the CLI's output");
        return r;
    }

    /** The Function App's operation-updates worker taking the operation's next step (a reminder came due). */
    void workerStep(String id) {
        WorkerSteps.step(new App(new Settings(env), Clock.systemUTC(), identity.credential(), AzureFakes.TUNING), id,
                java.util.logging.Logger.getLogger("operationUpdater"));
    }

    static void oneSentence(CliRun r, String contains) {
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), r.stderr());
        assertTrue(lines.get(0).startsWith("shiftsync-backup: "), lines.get(0));
        assertTrue(lines.get(0).contains(contains), lines.get(0));
        assertFalse(r.stderr().contains("\tat "), r.stderr());
    }

    @Test
    @DisplayName("pitr prints the operation id; restore-status (each a new process) follows it to Succeeded")
    void pitrThenStatus() {
        String armOp = arm.acceptCreate(TARGET, "canadacentral");
        String time = now.minus(1, ChronoUnit.HOURS).toString();
        CliRun started = run("pitr", "--restore-time", time, "--target-server", TARGET);
        assertEquals(0, started.exitCode(), started.stderr());
        String id = started.stdout().trim();
        assertTrue(id.matches("[0-9a-f-]{36}"), started.stdout());
        assertTrue(started.stderr().contains("follow it with: shiftsync-backup restore-status " + id), started.stderr());
        assertTrue(started.stderr().contains("audit record written to append blobs"), started.stderr());

        LoggedRequest put = arm.puts().get(0);
        assertTrue(equalToJson("""
                {"location": "canadacentral", "tags": {"shiftsync-operation": "%s"},
                 "properties": {"createMode": "PointInTimeRestore",
                                "sourceServerResourceId": "%s",
                                "pointInTimeUTC": "%s"}}""".formatted(id, ArmFake.serverId(ArmFake.SOURCE), time))
                .match(put.getBodyAsString()).isExactMatch(), put.getBodyAsString());
        assertEquals("Bearer " + identity.token(), put.getHeader("Authorization"),
                "the real ManagedIdentityCredential fetched the token from IDENTITY_ENDPOINT");

        arm.operation("canadacentral", armOp, "InProgress");
        workerStep(id);
        CliRun running = run("restore-status", id);
        assertEquals(0, running.exitCode(), running.stderr());
        assertTrue(running.stdout().contains("): InProgress,"), running.stdout());

        arm.operation("canadacentral", armOp, "Succeeded");
        arm.server(TARGET, "Ready", "Canada Central", now.toString(), false);
        workerStep(id);
        CliRun done = run("restore-status", id, "--json");
        assertEquals(0, done.exitCode(), done.stderr());
        JsonNode json = Json.MAPPER.valueToTree(Json.read(done.stdout().getBytes(), Map.class));
        assertEquals("Succeeded", json.get("status").asText());
        assertEquals(TARGET + ".postgres.database.azure.com", json.get("details").get("fullyQualifiedDomainName")
                .asText());
        assertTrue(json.has("durationSeconds"));

        List<AuditRecord> audit = new BlobAuditLog(StorageClients.byConnectionString(Azurite.shared()
                .connectionString()).getBlobContainerClient(auditContainer)).read(LocalDate.ofInstant(
                Instant.now(), ZoneOffset.UTC));
        assertEquals(1, audit.size(), audit.toString());
        AuditRecord record = audit.get(0);
        assertEquals(AuditRecord.ACCEPTED, record.decision());
        assertEquals(Caller.OS_USER, record.caller().via());
        assertEquals(System.getProperty("user.name"), record.caller().id());
        assertEquals(id, record.operationId());
    }

    @Test
    @DisplayName("restore-status of a failed restore: exit 1 with ARM's code and message")
    void failedStatus() {
        String armOp = arm.acceptCreate(TARGET, "canadacentral");
        String id = run("pitr", "--restore-time", now.minus(1, ChronoUnit.HOURS).toString(), "--target-server",
                TARGET).stdout().trim();
        arm.operationFailed("canadacentral", armOp, "ServerRestoreFailed", "The restore could not be completed.");
        workerStep(id);
        CliRun r = run("restore-status", id);
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("Failed after") && !r.stdout().contains("after 0.0 s") && r.stdout().contains(
                "ServerRestoreFailed: The restore could not be completed."), r.stdout());
    }

    @Test
    @DisplayName("geo-restore --json prints the operation; the PUT says GeoRestore into the region")
    void geo() {
        arm.missing("shiftsync-db-geo");
        arm.nameAvailable("shiftsync-db-geo");
        arm.acceptCreate("shiftsync-db-geo", "canadaeast");
        CliRun r = run("geo-restore", "--target-server", "shiftsync-db-geo", "--location", "canadaeast", "--json");
        assertEquals(0, r.exitCode(), r.stderr());
        Map<?, ?> json = Json.read(r.stdout().getBytes(), Map.class);
        assertEquals("geo", json.get("kind"));
        assertEquals("InProgress", json.get("status"));
        assertTrue(arm.puts().get(0).getBodyAsString().contains("\"createMode\":\"GeoRestore\""));
    }

    @Test
    @DisplayName("bad input: exit 2 with one sentence, nothing sent to ARM")
    void badInput() {
        CliRun noOffset = run("pitr", "--restore-time", "2024-01-15T10:30:00", "--target-server", TARGET);
        assertEquals(2, noOffset.exitCode(), noOffset.stderr());
        oneSentence(noOffset, "has no UTC offset");
        CliRun future = run("pitr", "--restore-time", now.plus(1, ChronoUnit.HOURS).toString(), "--target-server",
                TARGET);
        assertEquals(2, future.exitCode(), future.stderr());
        oneSentence(future, "is in the future");
        CliRun noGeo = run("geo-restore", "--target-server", "x");
        assertEquals(2, noGeo.exitCode());
        oneSentence(noGeo, "server name 'x' is 1 characters long; Azure needs 3 to 63");
        CliRun badId = run("restore-status", "nope");
        assertEquals(2, badId.exitCode());
        oneSentence(badId, "is not an operation id");
        assertEquals(List.of(), arm.puts());
    }

    @Test
    @DisplayName("ARM refusing: 400 is exit 2 and 500 (after bounded retries) exit 1, each with ARM's code and message")
    void armRefusing() {
        arm.refuseCreate(TARGET, 400, "InvalidParameterValue", "Invalid value given for parameter PointInTimeUTC.");
        CliRun bad = run("pitr", "--restore-time", now.minus(1, ChronoUnit.HOURS).toString(), "--target-server",
                TARGET);
        assertEquals(2, bad.exitCode(), bad.stderr());
        oneSentence(bad, "Resource Manager answered 400 InvalidParameterValue: Invalid value given for parameter");
        arm.refuseCreate(TARGET, 500, "InternalServerError", "Encountered internal server error.");
        CliRun broken = run("pitr", "--restore-time", now.minus(1, ChronoUnit.HOURS).toString(), "--target-server",
                TARGET);
        assertEquals(1, broken.exitCode(), broken.stderr());
        oneSentence(broken, "500 InternalServerError: Encountered internal server error; Azure had a problem");
        assertEquals(1 + 1 + 3, arm.puts().size(), "one try for the 400, 1 + 3 retries for the 500");
    }

    @Test
    @DisplayName("with a queue (Blob storage configured) restore-status only reads: the Function App's worker takes "
            + "the steps")
    void readsWithAQueue() {
        String armOp = arm.acceptCreate(TARGET, "canadacentral");
        String id = run("pitr", "--restore-time", now.minus(1, ChronoUnit.HOURS).toString(), "--target-server",
                TARGET).stdout().trim();
        arm.operation("canadacentral", armOp, "Succeeded");
        arm.server(TARGET, "Ready", "Canada Central", now.toString(), false);
        int before = arm.all().size();
        CliRun r = run("restore-status", id);
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("): InProgress,"), r.stdout());
        assertEquals(before, arm.all().size(), "a status read sends Resource Manager nothing");
        assertFalse(r.stderr().contains("took a step"), r.stderr());
    }

    @Test
    @DisplayName("without Blob storage, operations and audit records stay under BACKUP_DIR, and restore-status takes "
            + "the next step itself, saying so; --follow steps to the end")
    void local() {
        env.remove("AZURE_STORAGE_CONNECTION_STRING");
        String armOp = arm.acceptCreate(TARGET, "canadacentral");
        CliRun started = run("pitr", "--restore-time", now.minus(1, ChronoUnit.HOURS).toString(), "--target-server",
                TARGET);
        assertEquals(0, started.exitCode(), started.stderr());
        String id = started.stdout().trim();
        assertTrue(started.stderr().contains("audit record written to local files " + backupDir.resolve("audit")),
                started.stderr());
        assertTrue(Files.exists(backupDir.resolve("operations").resolve(id + ".json")));
        List<AuditRecord> audit = new LocalAuditLog(backupDir.resolve("audit"))
                .read(LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC));
        assertEquals(1, audit.size());
        assertEquals(id, audit.get(0).operationId());
        arm.operation("canadacentral", armOp, "InProgress");
        CliRun running = run("restore-status", id);
        assertEquals(0, running.exitCode(), running.stderr());
        assertTrue(running.stderr().contains("operation " + id + " is restoring; nothing changed yet"),
                running.stderr());

        arm.operation("canadacentral", armOp, "Succeeded");
        arm.server(TARGET, "Ready", "Canada Central", now.toString(), false);
        CliRun followed = run("restore-status", id, "--follow", "--interval", "0");
        assertEquals(0, followed.exitCode(), followed.stderr());
        assertTrue(followed.stderr().contains("took a step: restoring -> succeeded"), followed.stderr());
        assertTrue(followed.stdout().contains("): Succeeded in "), followed.stdout());
    }
}
