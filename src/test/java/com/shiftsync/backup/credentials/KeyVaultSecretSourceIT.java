package com.shiftsync.backup.credentials;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.ExportFunctions;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeKeyVault;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.ManagedIdentityFake;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database password lives only in Key Vault: the app asks the vault (through its
 * managed identity) at the start of every job, so a backup works with a role whose
 * password nothing else knows, and a password rotated in PostgreSQL and the vault is used
 * by the next run of the same process. When the vault cannot give the secret, the job
 * fails naming the vault and the secret, and leaves nothing behind.
 */
class KeyVaultSecretSourceIT {
    private static final String SECRET = "shiftsync-db-password";
    private static final PostgresCluster cluster = PostgresCluster.shared();
    private static ManagedIdentityFake identity;
    private static FakeKeyVault vault;
    private static String vaultToken;
    private static String database;
    private static String role;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        identity = new ManagedIdentityFake();
        vaultToken = TestSecrets.random("mi-token-for-vault-");
        identity.issue(FakeKeyVault.RESOURCE, vaultToken);
        vault = new FakeKeyVault(vaultToken);
        database = cluster.seededDatabase("kv");
        role = "kv_backup_" + Long.toHexString(System.nanoTime());
        cluster.execute("postgres", "CREATE ROLE " + role + " LOGIN");
        cluster.execute("postgres", "GRANT pg_read_all_data TO " + role);
    }

    @AfterAll
    static void stop() {
        identity.close();
        vault.close();
        cluster.dropDatabase(database);
        cluster.execute("postgres", "DROP ROLE IF EXISTS " + role);
    }

    private Map<String, String> settings(String vaultUrl, Path backupDir) {
        Map<String, String> env = new HashMap<>(identity.settings());
        env.put("DATABASE_URL", "postgresql://" + role + "@127.0.0.1:" + cluster.port() + "/" + database);
        env.put("KEY_VAULT_URL", vaultUrl);
        env.put("DATABASE_PASSWORD_SECRET", SECRET);
        env.put("BACKUP_DIR", backupDir.toString());
        return env;
    }

    private static void setRolePassword(String password) {
        cluster.execute("postgres", "ALTER ROLE " + role + " PASSWORD '" + password + "'");
    }

    @Test
    @DisplayName("a backup logs in with the password only Key Vault knows, and a rotated password is used by the next run without a restart")
    void passwordFromVaultAndRotation() throws IOException {
        String first = TestSecrets.random("kv-password-1-");
        String second = TestSecrets.random("kv-password-2-");
        setRolePassword(first);
        vault.put(SECRET, first);
        Path backups = dir.resolve("backups");
        App app = new App(new Settings(settings(vault.url(), backups)), steppingClock());

        BackupResult one = app.backups().toLocal().run(Tier.MANUAL, Reporter.NONE);
        CapturedOutput.record(one.toString());
        assertEquals(Fingerprint.rowCounts(cluster, database), one.manifest().rowCounts());

        // the operator rotates: PostgreSQL first ...
        setRolePassword(second);
        ShiftSyncException stale = assertThrows(ShiftSyncException.class,
                () -> app.backups().toLocal().run(Tier.MANUAL, Reporter.NONE));
        CapturedOutput.record(ShiftSyncException.wrap(stale));
        assertTrue(stale.getMessage().contains("password authentication failed"), stale.getMessage());
        assertEquals(List.of(one.manifest().id()), manifestIds(backups), "the failed run left nothing");

        // ... then the vault: the same process picks the new password up at the next run
        vault.put(SECRET, second);
        BackupResult three = app.backups().toLocal().run(Tier.MANUAL, Reporter.NONE);
        CapturedOutput.record(three.toString());
        assertEquals(List.of(one.manifest().id(), three.manifest().id()), manifestIds(backups));
        CapturedOutput.recordFiles(backups);

        List<LoggedRequest> asked = vault.requests(SECRET);
        assertEquals(null, asked.get(0).getHeader("Authorization"),
                "the first request is the unauthenticated challenge request, as Key Vault's client sends it");
        assertTrue(asked.stream().anyMatch(r -> ("Bearer " + vaultToken).equals(r.getHeader("Authorization"))),
                "the vault was read with the managed identity's token");
        long reads = asked.stream().filter(r -> r.getHeader("Authorization") != null).count();
        assertEquals(3, reads, "one read of the secret per job, nothing cached between jobs");
        LoggedRequest tokenRequest = identity.requests(FakeKeyVault.RESOURCE).get(0);
        assertEquals(identity.header(), tokenRequest.getHeader("X-IDENTITY-HEADER"));
        assertFalse(tokenRequest.getUrl().contains("client_id"), "the system-assigned identity names no client");
    }

    @Test
    @DisplayName("with AZURE_CLIENT_ID the user-assigned identity is asked for the vault's token")
    void userAssignedIdentity() {
        String password = TestSecrets.random("kv-password-ua-");
        vault.put("user-assigned-secret", password);
        Map<String, String> env = settings(vault.url(), dir);
        String clientId = "6f5a0c1e-1111-2222-3333-444455556666";
        env.put("AZURE_CLIENT_ID", clientId);
        App app = new App(new Settings(env), Clock.systemUTC());

        assertEquals(password, app.secretSource().get("user-assigned-secret"));
        assertTrue(identity.requests(FakeKeyVault.RESOURCE).stream()
                .anyMatch(r -> r.getUrl().contains("client_id=" + clientId)));
    }

    @Test
    @DisplayName("a secret the vault does not have fails the CLI backup naming vault and secret, and leaves no files")
    void missingSecretViaCli() {
        vault.missing("no-such-secret");
        Path backups = dir.resolve("cli-missing");
        Map<String, String> env = settings(vault.url(), backups);
        env.put("DATABASE_PASSWORD_SECRET", "no-such-secret");

        CliRun run = CliRun.run(env, "backup");

        assertEquals(1, run.exitCode(), run.stderr());
        String error = String.join("\n", run.errorLines());
        assertTrue(error.contains("'no-such-secret'") && error.contains(vault.url()), error);
        assertTrue(error.contains("does not exist") && error.contains("SecretNotFound"), error);
        assertEquals(List.of(), backupFiles(backups), "no manifest, no archive, no partial file, no lock");
        assertOneFailedBackupOnRecord(backups);
    }

    @Test
    @DisplayName("an unreachable vault fails the CLI backup after bounded retries, naming vault and secret, and leaves no files")
    void unreachableVaultViaCli() {
        Path backups = dir.resolve("cli-unreachable");
        String nowhere = FakeKeyVault.unreachableUrl();
        long start = System.nanoTime();

        CliRun run = CliRun.run(settings(nowhere, backups), "backup");

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(1, run.exitCode(), run.stderr());
        String error = String.join("\n", run.errorLines());
        assertTrue(error.contains("'" + SECRET + "'") && error.contains(nowhere), error);
        assertTrue(took.compareTo(Duration.ofSeconds(90)) < 0, "retries are bounded: took " + took);
        assertEquals(List.of(), backupFiles(backups));
        assertOneFailedBackupOnRecord(backups);
    }

    @Test
    @DisplayName("the nightly export fails on a missing secret with a failure event naming vault and secret, and writes no blob")
    void missingSecretInFunction() {
        vault.missing("gone-secret");
        Map<String, String> env = settings(vault.url(), dir);
        env.put("DATABASE_PASSWORD_SECRET", "gone-secret");
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        String container = "kv-missing-" + Long.toHexString(System.nanoTime());
        env.put("BACKUP_CONTAINER", container);
        // an audit log of the test's own: two tests' backups of the same database in one second share an id
        env.put("AUDIT_CONTAINER", container + "-audit");
        FakeExecutionContext context = new FakeExecutionContext("nightlyExport");

        ShiftSyncException error = assertThrows(ShiftSyncException.class,
                () -> new ExportFunctions(new App(new Settings(env), Clock.systemUTC())).nightlyExport("timer", context));
        CapturedOutput.record(error);

        assertEquals(ErrorCode.UPSTREAM_FAILED, error.code());
        String event = context.messages(Level.SEVERE).get(0);
        assertTrue(event.contains("ShiftSync.Backup.Failed") && event.contains("'gone-secret'")
                && event.contains(vault.url()), event);
        var blobs = new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString())
                .buildClient().getBlobContainerClient(container);
        assertTrue(!blobs.exists() || blobs.listBlobs().stream().allMatch(b -> b.getName().startsWith("history/")),
                "no backup blob at all, only the history's line of the failure");
        assertTrue(blobs.exists() && blobs.listBlobs().stream().count() == 1, "the failure is on record in history/");
    }

    @Test
    @DisplayName("a vault that refuses the identity says which role to grant")
    void forbidden() {
        vault.forbidden("locked-secret");
        App app = new App(new Settings(settings(vault.url(), dir)), Clock.systemUTC());

        ShiftSyncException error = assertThrows(ShiftSyncException.class, () -> app.secretSource().get("locked-secret"));
        CapturedOutput.record(error);

        assertEquals(ErrorCode.UPSTREAM_FAILED, error.code());
        assertTrue(error.getMessage().contains("'locked-secret'") && error.getMessage().contains(vault.url())
                && error.getMessage().contains("Key Vault Secrets User"), error.getMessage());
    }

    private static List<String> manifestIds(Path backups) {
        return filesUnder(backups).stream().filter(p -> p.endsWith(".manifest.json"))
                .map(p -> p.substring(p.lastIndexOf('/') + 1, p.length() - ".manifest.json".length())).sorted().toList();
    }

    /** Every file under {@code folder} but the history (which records the failure), hidden ones included. */
    private static List<String> backupFiles(Path folder) {
        return filesUnder(folder).stream().filter(p -> !p.contains("/history/")).toList();
    }

    /** The history holds the failed backup, one line, and nothing else. */
    private static void assertOneFailedBackupOnRecord(Path folder) {
        List<String> history = filesUnder(folder).stream().filter(p -> p.contains("/history/")).toList();
        assertEquals(1, history.size(), history.toString());
        try {
            List<String> lines = Files.readAllLines(Path.of(history.get(0)));
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("\"kind\":\"backup\"") && lines.get(0).contains("\"result\":\"failed\""),
                    lines.get(0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every file under {@code folder}, hidden ones included. */
    private static List<String> filesUnder(Path folder) {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each reading a minute later, so runs within one second still get distinct backup ids. */
    static Clock steppingClock() {
        AtomicLong calls = new AtomicLong();
        Instant start = Instant.now();
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return start.plusSeconds(60 * calls.getAndIncrement());
            }
        };
    }
}
