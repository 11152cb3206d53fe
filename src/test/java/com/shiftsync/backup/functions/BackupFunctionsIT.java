package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.testing.Azurite;
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

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.shiftsync.backup.functions.RestoreFunctionsIT.error;
import static com.shiftsync.backup.functions.RestoreFunctionsIT.json;
import static com.shiftsync.backup.functions.RestoreFunctionsIT.principal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /api/backups and POST /api/backups (with its queue function) as the Functions host
 * runs them, against real PostgreSQL and Azurite.
 */
class BackupFunctionsIT {
    static final String URL = "https://shiftsync-backup.azurewebsites.net/api/backups?code=k";
    static final String ADMIN = principal("oid-ana", "ana@shiftsync.test", "Backup.Admin");
    static final String READER = principal("oid-cy", "cy@shiftsync.test", "Backup.Reader");

    static PostgresCluster pg;
    static String db;

    Map<String, String> env;
    String auditContainer;
    QueueHost host;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("fnbackups");
    }

    @BeforeEach
    void fresh() throws IOException {
        auditContainer = "audit-" + Long.toHexString(System.nanoTime());
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", "fnbackups-" + Long.toHexString(System.nanoTime()));
        env.put("AUDIT_CONTAINER", auditContainer);
        env.put("OPERATIONS_CONTAINER", "ops-" + Long.toHexString(System.nanoTime()));
        env.put("WEBSITE_AUTH_ENABLED", "True");
        env.put("BACKUP_DIR", TempFolders.create("shiftsync-backups-it-").toString());
        host = new QueueHost(WorkQueue.BACKUP_REQUESTS);
        host.clear();
    }

    App app() {
        return new App(new Settings(env), Clock.systemUTC());
    }

    HttpResponseMessage list(String principal) {
        FakeHttpRequest r = FakeHttpRequest.get(URL);
        if (principal != null) {
            r.header("X-MS-CLIENT-PRINCIPAL", principal);
        }
        return new BackupFunctions(app()).list(r, new FakeExecutionContext("listBackups"));
    }

    HttpResponseMessage post(String body, String principal, FakeExecutionContext context) {
        FakeHttpRequest r = FakeHttpRequest.post(URL, body);
        if (principal != null) {
            r.header("X-MS-CLIENT-PRINCIPAL", principal);
        }
        return new BackupFunctions(app()).request(r, context);
    }

    /** The records of today's requests: the backups' own records of their commits left out ({@link #commits()}). */
    List<AuditRecord> audit() {
        return today().stream().filter(a -> !a.action().equals(AuditActions.BACKUP_COMMITTED)).toList();
    }

    /** The records the backups keep of their commits (id, SHA-256): a second witness beside each manifest. */
    List<AuditRecord> commits() {
        return today().stream().filter(a -> a.action().equals(AuditActions.BACKUP_COMMITTED)).toList();
    }

    List<AuditRecord> today() {
        return new BlobAuditLog(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(auditContainer)).read(LocalDate.now(ZoneOffset.UTC));
    }

    JsonNode status(String id) {
        HttpResponseMessage r = new RestoreFunctions(app()).status(FakeHttpRequest.get(
                "https://shiftsync-backup.azurewebsites.net/api/restores/" + id).header("X-MS-CLIENT-PRINCIPAL", ADMIN),
                id, new FakeExecutionContext("restoreStatus"));
        assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
        return json(r);
    }

    @Test
    @DisplayName("GET /api/backups: 200 with every manifest and its verification, exactly what list --source azure "
            + "--json prints; an admin's read leaves no audit record")
    void listBackups() throws IOException {
        App app = app();
        new ExportFunctions(app).nightlyExport("{}", new FakeExecutionContext("nightlyExport"));
        new VerifyFunctions(app).monthlyVerify("{}", new FakeExecutionContext("monthlyVerify"));
        new ExportFunctions(app).weeklyExport("{}", new FakeExecutionContext("weeklyExport"));

        HttpResponseMessage r = list(ADMIN);
        assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
        JsonNode backups = json(r);
        assertEquals(2, backups.size());
        assertEquals("weekly", backups.get(0).get("tier").asText(), "newest first");
        assertTrue(backups.get(0).get("verification").isNull(), "never tested");
        JsonNode daily = backups.get(1);
        assertEquals("azure", daily.get("store").asText());
        assertTrue(daily.get("verification").get("passed").asBoolean());
        assertTrue(daily.get("verification").has("verifiedAt"));
        assertEquals(5, daily.get("rowCounts").size());
        assertTrue(daily.get("sha256").asText().matches("[0-9a-f]{64}"));

        CliRun cli = CliRun.run(env, "list", "--source", "azure", "--json");
        assertEquals(0, cli.exitCode(), cli.stderr());
        assertEquals(Json.MAPPER.readTree(cli.stdout()), backups, "the same shape as the CLI's");
        assertEquals(List.of(), audit(), "status-like reads record only denials");
    }

    @Test
    @DisplayName("GET /api/backups: 403 for a caller without the admin role, 401 without a principal; both audited")
    void listDenied() {
        JsonNode e = error(list(READER), 403);
        assertTrue(e.get("message").asText().contains("lacks the app role Backup.Admin needed to list the backups"),
                e.toString());
        error(list(null), 401);
        List<AuditRecord> records = audit();
        assertEquals(List.of("backups.list denied oid-cy", "backups.list denied anonymous"),
                records.stream().map(a -> a.action() + " " + a.decision() + " " + a.caller().id()).toList());
    }

    @Test
    @DisplayName("POST /api/backups: 202 with an operation, one message on backup-requests, the worker makes a "
            + "manual backup in Blob with the timers' events, status Succeeded with the backup's id; a redelivery "
            + "makes no second backup")
    void onDemandBackup() throws IOException {
        FakeExecutionContext http = new FakeExecutionContext("onDemandBackup");
        HttpResponseMessage r = post(null, ADMIN, http);
        assertEquals(202, r.getStatusCode(), String.valueOf(r.getBody()));
        JsonNode accepted = json(r);
        String id = accepted.get("operationId").asText();
        assertEquals("https://shiftsync-backup.azurewebsites.net/api/restores/" + id, accepted.get("statusUrl").asText());
        assertEquals("backup", accepted.get("kind").asText());
        assertEquals("manual", accepted.get("tier").asText());
        assertEquals("InProgress", status(id).get("status").asText());
        assertEquals(List.of(), app().stores().azure().list(), "no backup inside the HTTP call");
        assertNotNull(FromBackupRestoreIT.event(http, "ShiftSync.Backup.Queued"));

        List<String> raw = host.peekRaw();
        assertEquals(1, raw.size());
        assertEquals(Json.MAPPER.readTree("{\"operationId\":\"" + id + "\",\"tier\":\"manual\"}"),
                Json.MAPPER.readTree(QueueHost.decode(raw.get(0))));

        FakeExecutionContext worker = new FakeExecutionContext("onDemandBackupWorker");
        QueueHost.Delivery d = host.deliver(text -> new BackupFunctions(app()).worker(text, worker));
        assertNull(d.error(), () -> String.valueOf(d.error()));
        List<Manifest> backups = app().stores().azure().list();
        assertEquals(1, backups.size());
        Manifest manual = backups.get(0);
        assertEquals(Tier.MANUAL, manual.tier());
        JsonNode event = FromBackupRestoreIT.event(worker, "ShiftSync.Backup.Succeeded");
        assertEquals(manual.id(), event.get("id").asText());
        assertEquals("manual", event.get("tier").asText());
        assertEquals(id, event.get("operationId").asText());

        JsonNode done = status(id);
        assertEquals("Succeeded", done.get("status").asText());
        assertEquals(manual.id(), done.get("details").get("backupId").asText());
        assertEquals(String.valueOf(manual.sizeBytes()), done.get("details").get("sizeBytes").asText());

        List<AuditRecord> records = audit();
        assertEquals(List.of("backup.on-demand accepted", "backup.on-demand.run succeeded"),
                records.stream().map(a -> a.action() + " " + a.decision()).toList());
        assertEquals(id, records.get(1).operationId());
        assertEquals(List.of(manual.sha256()), commits().stream().filter(c -> c.parameters().get("backup")
                .equals(manual.id())).map(c -> c.parameters().get("sha256")).toList(), "the commit is witnessed");

        app().queued().workQueue(WorkQueue.BACKUP_REQUESTS).send(QueueHost.decode(raw.get(0)), java.time.Duration.ofMinutes(5));
        FakeExecutionContext again = new FakeExecutionContext("onDemandBackupWorker");
        assertNull(host.deliver(text -> new BackupFunctions(app()).worker(text, again)).error());
        FromBackupRestoreIT.event(again, "ShiftSync.Queue.Duplicate");
        assertEquals(1, app().stores().azure().list().size(), "no second backup");
    }

    @Test
    @DisplayName("POST /api/backups: a tier other than manual is 400, a caller without the admin role 403; nothing "
            + "queued, both audited")
    void refused() {
        JsonNode e = error(post("{\"tier\":\"daily\"}", ADMIN, new FakeExecutionContext("onDemandBackup")), 400);
        assertTrue(e.get("message").asText().contains("an on-demand backup is of tier manual"), e.toString());
        error(post("{}", READER, new FakeExecutionContext("onDemandBackup")), 403);
        assertEquals(List.of(), host.peekRaw());
        assertEquals(List.of("refused", "denied"), audit().stream().map(AuditRecord::decision).toList());
    }

    @Test
    @DisplayName("a failing backup: the invocation fails with ShiftSync.Backup.Failed, the operation is Failed with "
            + "the reason, the redelivery does nothing")
    void failingBackup() throws IOException {
        env.put("DATABASE_URL", "postgresql://postgres:hunter2-wrong@127.0.0.1:" + pg.port() + "/" + db);
        String id = json(post("{\"tier\":\"manual\"}", ADMIN, new FakeExecutionContext("onDemandBackup")))
                .get("operationId").asText();
        FakeExecutionContext worker = new FakeExecutionContext("onDemandBackupWorker");
        QueueHost.Delivery d = host.deliver(text -> new BackupFunctions(app()).worker(text, worker));
        assertNotNull(d.error());
        JsonNode event = FromBackupRestoreIT.event(worker, "ShiftSync.Backup.Failed");
        assertEquals(id, event.get("operationId").asText());
        assertEquals("manual", event.get("tier").asText());
        JsonNode s = status(id);
        assertEquals("Failed", s.get("status").asText());
        assertTrue(s.get("error").get("message").asText().contains("password authentication failed"), s.toString());
        assertFalse(s.toString().contains("hunter2-wrong"));

        FakeExecutionContext again = new FakeExecutionContext("onDemandBackupWorker");
        assertNull(host.deliver(text -> new BackupFunctions(app()).worker(text, again)).error());
        FromBackupRestoreIT.event(again, "ShiftSync.Queue.Duplicate");
        assertEquals(List.of(), app().stores().azure().list());
        assertEquals(List.of("accepted", "failed"), audit().stream().map(AuditRecord::decision).toList());
    }
}
