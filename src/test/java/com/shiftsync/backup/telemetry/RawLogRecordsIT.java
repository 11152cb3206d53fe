package com.shiftsync.backup.telemetry;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.restore.FromBackupRestore;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.AzureFakes;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.FakeKeyVault;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.RawLogRecords;
import com.shiftsync.backup.testing.TestKeys;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret reaches a log record, as the Application Insights agent sees records: before any
 * handler or filter runs (so before {@link LogRedaction}). Every job runs here with a known
 * database password (in Key Vault), the Key Vault secret, the storage account key (in the
 * connection string), the managed identity's access token and header, the manifests' key and
 * the archives' age identity (both in Key Vault: backups are signed and encrypted), succeeding and
 * failing; {@link RawLogRecords}, ahead of every handler, keeps each record whole (message,
 * parameters, the thrown exception and its causes), and none may hold a secret. The suite's
 * own secrets scan checks the records of every other test the same way.
 */
class RawLogRecordsIT {
    static final Instant NOW = Instant.parse("2024-01-15T12:00:00Z");
    static final String PASSWORD_SECRET = "shiftsync-db-password";
    static final String CUTOVER = "shiftsync-db-host";
    static final String IDENTITY_SECRET = "shiftsync-backup-identity";
    static String identity;
    static String recipient;

    @RegisterExtension
    static final AzureFakes azure = new AzureFakes();
    static FakeKeyVault vault;
    static PostgresCluster pg;
    static String db;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("rawlog");
        vault = new FakeKeyVault(azure.identity.token());
        vault.put(PASSWORD_SECRET, pg.password());
        // the manifests' key and the archives' age identity, both read from the vault like the password
        vault.put(TestKeys.MANIFEST_KEY_SECRET, TestKeys.value());
        KeyPair age = ageKeys();
        identity = TestSecrets.register(age.getPrivate().toString());
        recipient = age.getPublic().toString();
        vault.put(IDENTITY_SECRET, identity);
        TestSecrets.register(Azurite.ACCOUNT_KEY);
        TestSecrets.register(azure.identity.token());
        TestSecrets.register(azure.identity.header());
    }

    @AfterAll
    static void stop() {
        vault.close();
    }

    static List<String> secrets() {
        return List.of(pg.password(), Azurite.ACCOUNT_KEY, azure.identity.token(), azure.identity.header(),
                TestKeys.value(), identity);
    }

    static KeyPair ageKeys() {
        try {
            return new X25519KeyPairGenerator().generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, String> settings() throws IOException {
        Map<String, String> s = new HashMap<>(azure.settings());
        s.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + db);
        s.put("KEY_VAULT_URL", vault.url());
        s.put("DATABASE_PASSWORD_SECRET", PASSWORD_SECRET);
        s.put("CUTOVER_SECRET_NAME", CUTOVER);
        s.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        s.put("BACKUP_CONTAINER", "rawlog-" + Long.toHexString(System.nanoTime()));
        s.put("OPERATIONS_CONTAINER", "rawlog-ops-" + Long.toHexString(System.nanoTime()));
        s.put("AUDIT_CONTAINER", "rawlog-audit-" + Long.toHexString(System.nanoTime()));
        s.put("BACKUP_DIR", Files.createTempDirectory("shiftsync-rawlog").toString());
        s.put("WEBSITE_AUTH_ENABLED", "True");
        s.put("MANIFEST_KEY_SECRET", TestKeys.MANIFEST_KEY_SECRET);
        s.put("BACKUP_ENCRYPTION_RECIPIENTS", recipient);
        s.put("BACKUP_ENCRYPTION_IDENTITY_SECRET", IDENTITY_SECRET);
        return s;
    }

    /** Runs {@code work} and lets it fail: a failure's messages are what most often carry a secret. */
    static void attempt(List<String> ran, String what, Runnable work) {
        try {
            work.run();
            ran.add(what + ": ok");
        } catch (RuntimeException e) {
            ran.add(what + ": " + e.getClass().getSimpleName());
        }
    }

    @Test
    @DisplayName("every job, succeeding and failing, with a known password, Key Vault secret, storage key and access "
            + "token: no raw log record holds any of them")
    void noSecretInAnyRawRecord() throws IOException {
        assertTrue(RawLogRecords.installedFirst(), "the recorder runs ahead of every root handler");
        int mark = RawLogRecords.mark();
        Logger function = Logger.getLogger("Host.Function.RawLogRecordsIT");
        function.setLevel(Level.ALL);
        Map<String, String> env = settings();
        MutableClock clock = new MutableClock(NOW);
        App app = new App(new Settings(env), clock, azure.identity.credential(), AzureFakes.TUNING);
        Reporter reporter = app.reporter(function);
        List<String> ran = new ArrayList<>();
        Caller ana = new Caller("oid-ana", "ana@shiftsync.test", Caller.EASY_AUTH, Set.of("Backup.Admin"));
        ArmFake arm = azure.arm;
        arm.source("Canada Central", "2024-01-08T02:13:55Z", true);
        arm.fullBackups("2024-01-15T04:10:00+00:00");

        // backups, restore tests, offsite check, retention, monitor, the page and the history
        Manifest backup = app.backups().toAzure().run(Tier.DAILY, reporter).manifest();
        clock.advance(Duration.ofSeconds(1));
        attempt(ran, "backup to both", () -> app.backups().toLocalAndAzure().run(Tier.MANUAL, reporter));
        attempt(ran, "verify", () -> app.backups().verifyJob().run(app.stores().azure(), "latest", reporter));
        attempt(ran, "offsite check", () -> app.backups().offsiteCheckJob().run(app.stores().azure(), reporter));
        attempt(ran, "prune", () -> app.backups().pruneJob().run(false, reporter));
        attempt(ran, "monitor", () -> app.monitoring().monitorJob().run(app.stores().azure(), reporter));
        attempt(ran, "dashboard", () -> app.monitoring().dashboardJob().build(app.stores().azure(), List.of(app.stores().azure()),
                com.shiftsync.backup.report.Window.defaultWindow()));
        String target = pg.createDatabase("rawlog_target");
        attempt(ran, "restore", () -> app.backups().restoreJob().run(app.stores().azure(), backup.id(), app.login().current()
                .withDatabase(target), reporter));

        // queued work: an on-demand backup and a restore from a backup, through Azurite's queues
        clock.advance(Duration.ofSeconds(1));
        attempt(ran, "on-demand backup", () -> {
            app.queued().onDemandBackup().start(ana, "manual", reporter);
            work(WorkQueue.BACKUP_REQUESTS, text -> app.queued().queuedWork().run(text, app.queued().onDemandBackup(), reporter));
        });
        attempt(ran, "restore from backup", () -> {
            app.queued().fromBackupRestore().start(ana, new FromBackupRestore.Request(backup.id(), "rawlog_queued", false,
                    false), reporter);
            work(WorkQueue.RESTORE_REQUESTS, text -> app.queued().queuedWork().run(text, app.queued().fromBackupRestore(), reporter));
        });

        // recovery: plan, a point-in-time restore completed and verified, the cutover, a drill and the sweeper
        PostgresCluster restored = PostgresCluster.restoredServer();
        restored.restoreFrom(pg, db);
        String pitr = "shiftsync-db-rawlog";
        arm.missing(pitr);
        arm.nameAvailable(pitr);
        String armOp = arm.acceptCreate(pitr, "canadacentral");
        vault.holds(CUTOVER, "shiftsync-db.postgres.database.azure.com");
        vault.acceptWrites(CUTOVER);
        attempt(ran, "plan", () -> app.recovery().planner().plan(null, null, reporter));
        attempt(ran, "pitr", () -> {
            Operation op = app.recovery().serverRestoreJob().start(ana, ServerRestoreRequest.pointInTime("latest",
                    pitr), reporter);
            clock.advance(Duration.ofMinutes(30));
            arm.operation("canadacentral", armOp, "Succeeded");
            arm.server(ArmFake.ServerSpec.of(pitr, "Ready", "Canada Central", "2024-01-08T02:13:55Z", true)
                    .fqdn(PostgresCluster.RESTORED_HOST));
            app.queued().operationWorker().step(op.id(), reporter);
            app.queued().operationWorker().step(op.id(), reporter);
            app.recovery().cutoverJob().cutover(ana, op.id(), reporter);
        });
        arm.acceptDrills(ArmFake.RESOURCE_GROUP, "canadacentral", PostgresCluster.RESTORED_HOST);
        attempt(ran, "drill", () -> {
            String drill = app.recovery().drillJob().start(ana, "http", reporter).id();
            for (int i = 0; i < 5 && !app.queued().operationWorker().step(drill, reporter).after().status().finished(); i++) {
                clock.advance(Duration.ofMinutes(1));
            }
            assertEquals("passed", app.recovery().drillJob().view(app.queued().operations().read(drill)).step());
        });
        arm.serversIn(ArmFake.RESOURCE_GROUP);
        attempt(ran, "sweeper", () -> app.recovery().sweepDrillServers(reporter));

        // failures: the wrong password, a Key Vault secret that is not there, a bad storage key, Resource Manager down
        String wrong = TestSecrets.random("wrong-password-");
        Map<String, String> badPassword = new HashMap<>(env);
        badPassword.put("DATABASE_URL", "postgresql://postgres:" + wrong + "@127.0.0.1:" + pg.port() + "/" + db);
        badPassword.remove("DATABASE_PASSWORD_SECRET");
        attempt(ran, "backup, wrong password", () -> new App(new Settings(badPassword), clock,
                azure.identity.credential(), AzureFakes.TUNING).backups().toAzure().run(Tier.DAILY, reporter));
        vault.missing("no-such-secret");
        Map<String, String> noSecret = new HashMap<>(env);
        noSecret.put("DATABASE_PASSWORD_SECRET", "no-such-secret");
        attempt(ran, "backup, no Key Vault secret", () -> new App(new Settings(noSecret), clock,
                azure.identity.credential(), AzureFakes.TUNING).backups().toAzure().run(Tier.DAILY, reporter));
        String badKey = TestSecrets.register(java.util.Base64.getEncoder().encodeToString(
                TestSecrets.random("storage-key-").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Map<String, String> wrongKey = new HashMap<>(env);
        wrongKey.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString()
                .replace(Azurite.ACCOUNT_KEY, badKey));
        attempt(ran, "backup, wrong storage key", () -> new App(new Settings(wrongKey), clock,
                azure.identity.credential(), AzureFakes.TUNING).backups().toAzure().run(Tier.DAILY, reporter));
        attempt(ran, "list, wrong storage key", () -> new App(new Settings(wrongKey), clock,
                azure.identity.credential(), AzureFakes.TUNING).stores().azure().list());
        vault.put("shiftsync-other-identity", TestSecrets.register(ageKeys().getPrivate().toString()));
        Map<String, String> otherIdentity = new HashMap<>(env);
        otherIdentity.put("BACKUP_ENCRYPTION_IDENTITY_SECRET", "shiftsync-other-identity");
        String notRestored = pg.createDatabase("rawlog_not_restored");
        attempt(ran, "restore, an identity that is not a recipient", () -> new App(new Settings(otherIdentity), clock,
                azure.identity.credential(), AzureFakes.TUNING).backups().restoreJob().run(app.stores().azure(), backup.id(),
                app.login().current().withDatabase(notRestored), reporter));
        String weakKey = TestSecrets.register(java.util.Base64.getEncoder().encodeToString(new byte[16]));
        vault.put("shiftsync-weak-manifest-key", weakKey);
        Map<String, String> weak = new HashMap<>(env);
        weak.put("MANIFEST_KEY_SECRET", "shiftsync-weak-manifest-key");
        attempt(ran, "backup, a manifest key too short", () -> new App(new Settings(weak), clock,
                azure.identity.credential(), AzureFakes.TUNING).backups().toAzure().run(Tier.DAILY, reporter));
        arm.brokenEverywhere();
        attempt(ran, "pitr, Resource Manager down", () -> app.recovery().serverRestoreJob().start(ana,
                ServerRestoreRequest.pointInTime("latest", "shiftsync-db-down"), reporter));
        arm.reset();

        assertTrue(ran.containsAll(List.of("verify: ok", "restore: ok", "restore from backup: ok",
                "restore, an identity that is not a recipient: ShiftSyncException",
                "backup, a manifest key too short: ShiftSyncException")), "encrypted and signed, read back: " + ran);
        List<String> records = RawLogRecords.since(mark);
        assertTrue(records.stream().anyMatch(r -> r.contains("ShiftSync.Backup.Succeeded")),
                "the recorder saw the jobs' events: " + ran);
        assertTrue(records.stream().anyMatch(r -> r.contains("ShiftSync.Backup.Failed")), "and their failures");
        List<String> secrets = new ArrayList<>(secrets());
        secrets.add(wrong);
        secrets.add(badKey);
        secrets.add(weakKey);
        List<String> leaks = new ArrayList<>();
        for (String record : records) {
            for (int i = 0; i < secrets.size(); i++) {
                if (record.contains(secrets.get(i))) {
                    leaks.add("secret #" + i + " in: " + record.replace(secrets.get(i), "<secret #" + i + ">"));
                }
            }
        }
        assertEquals(List.of(), leaks, records.size() + " raw records of: " + ran);
    }

    /** Takes the one message waiting on {@code queue} and hands it to its worker, as the Functions host would. */
    static void work(String queue, Consumer<String> worker) {
        QueueClient client = new QueueClientBuilder().connectionString(Azurite.shared().connectionString())
                .queueName(queue).buildClient();
        for (QueueMessageItem m : client.receiveMessages(32)) {
            worker.accept(new String(java.util.Base64.getDecoder().decode(m.getBody().toString()),
                    java.nio.charset.StandardCharsets.UTF_8));
            client.deleteMessage(m.getMessageId(), m.getPopReceipt());
        }
    }
}
