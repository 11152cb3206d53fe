package com.shiftsync.backup.credentials;

import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.ConfiguredLogin;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.ChildProcesses.Sighting;
import com.shiftsync.backup.testing.ChildProcesses;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.ManagedIdentityFake;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Passwordless PostgreSQL ({@code DATABASE_AUTH=entra}): the app asks its managed identity
 * for a Microsoft Entra token for Azure Database for PostgreSQL at the start of each job
 * and presents it as the password, to JDBC and to pg_dump through its environment. Here
 * the role's password is the token the fake identity issues, so a backup succeeds only if
 * the token really arrives; /proc shows it in pg_dump's environment and in no argv.
 */
class EntraPasswordlessIT {
    private static final String RESOURCE = ConfiguredLogin.POSTGRES_SCOPE.replace("/.default", "");
    private static final PostgresCluster cluster = PostgresCluster.shared();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static ManagedIdentityFake identity;
    private static String database;
    /** Like a managed identity's role in Azure Database for PostgreSQL: the identity's name, dashes and all. */
    private static String role;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        identity = new ManagedIdentityFake();
        database = cluster.seededDatabase("entra");
        role = "shiftsync-backup-func-" + Long.toHexString(System.nanoTime());
        cluster.execute("postgres", "CREATE ROLE \"" + role + "\" LOGIN");
        cluster.execute("postgres", "GRANT pg_read_all_data TO \"" + role + "\"");
    }

    @AfterAll
    static void stop() {
        identity.close();
        cluster.dropDatabase(database);
        cluster.execute("postgres", "DROP ROLE IF EXISTS \"" + role + "\"");
    }

    /** A token shaped like Entra's (a JWT of about 2 KB), registered with TestSecrets; the role's password becomes it. */
    private static String newToken() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        byte[] nonce = new byte[400];
        byte[] signature = new byte[256];
        RANDOM.nextBytes(nonce);
        RANDOM.nextBytes(signature);
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"shiftsync-test\"}";
        String payload = "{\"aud\":\"" + RESOURCE + "\",\"iss\":\"https://sts.windows.net/tenant/\",\"nonce\":\""
                + HexFormat.of().formatHex(nonce) + "\"}";
        String token = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(signature);
        TestSecrets.register(token);
        cluster.execute("postgres", "ALTER ROLE \"" + role + "\" PASSWORD '" + token + "'");
        identity.issue(RESOURCE, token);
        return token;
    }

    private Map<String, String> settings(Path backups) {
        Map<String, String> env = new HashMap<>(identity.settings());
        env.put("DATABASE_URL", "postgresql://" + role + "@127.0.0.1:" + cluster.port() + "/" + database);
        env.put("DATABASE_AUTH", "entra");
        env.put("BACKUP_DIR", backups.toString());
        return env;
    }

    @Test
    @DisplayName("the token reaches pg_dump through its environment, never its argv, and each job asks for a fresh one")
    void tokenInEnvironmentNotArgv() throws Exception {
        String token = newToken();
        int asked = identity.requests(RESOURCE).size();
        Path backups = dir.resolve("backups");
        Map<String, String> env = settings(backups);
        env.put("PG_BIN_DIR", PgWrappers.create(Files.createDirectories(dir.resolve("bin")), 0.3).toString());
        App app = new App(new Settings(env), KeyVaultSecretSourceIT.steppingClock());
        String realPgDump = PostgresCluster.serverBinaries().resolve("pg_dump").toString();

        BackupResult result;
        Sighting dump;
        List<Sighting> seen;
        // hold a lock pg_dump must wait for, so the real pg_dump (after the wrapper's exec) is caught running
        try (Connection blocker = cluster.connect(database); ChildProcesses.Watch watch = ChildProcesses.watch()) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE public.shifts IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<BackupResult> run = CompletableFuture.supplyAsync(
                    () -> app.backups().toLocal().run(Tier.MANUAL, Reporter.NONE));
            dump = watch.await(s -> s.exe().equals(realPgDump) && s.commandLine().contains("--snapshot="), 60,
                    run::isDone).orElseThrow(() -> new AssertionError("pg_dump was never seen running: "
                    + (run.isDone() ? run.handle((r, e) -> String.valueOf(e)).join() : "timeout")));
            blocker.rollback();
            result = run.get(120, TimeUnit.SECONDS);
            seen = watch.seen();
        }
        CapturedOutput.record(result.toString());
        CapturedOutput.recordFiles(backups);

        assertEquals(token, dump.env().get("PGPASSWORD"), "pg_dump got the token as PGPASSWORD");
        assertTrue(dump.argv().stream().anyMatch(a -> a.startsWith("--dbname=postgresql://" + role + "@127.0.0.1:")),
                "the URL on pg_dump's command line names the user and no password: " + dump.argv());
        List<Sighting> pgChildren = seen.stream().filter(s -> s.commandLine().contains("pg_dump")
                || s.commandLine().contains("pg_restore")).toList();
        assertTrue(pgChildren.stream().anyMatch(s -> s.argv().get(0).equals("/bin/sh")), "the wrappers ran too");
        for (Sighting s : pgChildren) {
            assertFalse(s.commandLine().contains(token.substring(0, 40)), "a token in argv: " + s.commandLine());
            assertFalse(s.commandLine().contains(token.substring(token.length() - 40)), "a token in argv");
        }
        assertEquals(Fingerprint.rowCounts(cluster, database), result.manifest().rowCounts());
        assertEquals(asked + 1, identity.requests(RESOURCE).size(), "one token request per job");
        assertTrue(identity.requests(RESOURCE).stream()
                .allMatch(r -> identity.header().equals(r.getHeader("X-IDENTITY-HEADER"))));

        // an hour later the token has changed: the next job in the same process asks again and uses the new one
        newToken();
        BackupResult next = app.backups().toLocal().run(Tier.MANUAL, Reporter.NONE);
        CapturedOutput.record(next.toString());
        assertEquals(asked + 2, identity.requests(RESOURCE).size(), "one token request per job");
    }

    @Test
    @DisplayName("the packaged CLI backs up passwordless with the identity from its environment")
    void cli() {
        newToken();
        Path backups = dir.resolve("cli");

        CliRun run = CliRun.run(settings(backups), "backup", "--json");

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("\"rowCounts\""), run.stdout());
        CapturedOutput.recordFiles(backups);
    }

    @Test
    @DisplayName("no token, no backup: the job names the identity endpoint and leaves no files")
    void identityRefuses() {
        identity.refuse(RESOURCE);
        Path backups = dir.resolve("refused");
        App app = new App(new Settings(settings(backups)), Clock.systemUTC());

        ShiftSyncException error = assertThrows(ShiftSyncException.class,
                () -> app.backups().toLocal().run(Tier.DAILY, Reporter.NONE));
        CapturedOutput.record(error);

        assertEquals(ErrorCode.UPSTREAM_FAILED, error.code());
        assertTrue(error.getMessage().contains(identity.endpoint()) && error.getMessage().contains(RESOURCE)
                && error.getMessage().contains("No Managed Identity found"), error.getMessage());
        assertEquals(List.of(), files(backups));
        newToken();   // the other tests' identity works again
    }

    private static List<Path> files(Path folder) {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
