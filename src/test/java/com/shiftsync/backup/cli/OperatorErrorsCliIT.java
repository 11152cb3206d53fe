package com.shiftsync.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.HttpsFake;
import com.shiftsync.backup.testing.SeededCli;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mistakes a tired operator makes, each answered with one sentence that names what to
 * fix; with --json the same failure as {"error": {"code", "message"}} on stdout; and a restore
 * over a database that holds tables only with --confirm.
 */
class OperatorErrorsCliIT extends SeededCli {
    /** Exactly one sentence on stderr, containing every one of {@code words}, and none of {@code never}. */
    private static void oneSentence(CliRun run, int exit, List<String> words, List<String> never) {
        assertEquals(exit, run.exitCode(), run.stderr());
        assertEquals(1, run.errorLines().size(), "one sentence: " + run.stderr());
        String line = run.errorLines().get(0);
        for (String w : words) {
            assertTrue(line.contains(w), "'" + w + "' missing from: " + line);
        }
        for (String n : never) {
            assertFalse(line.contains(n), "'" + n + "' in: " + line);
        }
    }

    @Test
    @DisplayName("mistakes in --target-url name --target-url, not DATABASE_URL; an unknown host says so")
    void targetUrl() {
        CliRun.backup(env);
        for (String[] c : new String[][] {
                {"mysql://root@127.0.0.1/x", "--target-url 'mysql://root@127.0.0.1/x' is not a postgresql:// URL"},
                {"postgresql://postgres@127.0.0.1:" + pg.port(), "--target-url names no database"},
                {"postgresql://postgres@127.0.0.1:99999/x", "--target-url port 99999 is out of range"}}) {
            oneSentence(CliRun.run(env, "restore", "--backup", "latest", "--target-url", c[0]), 2, List.of(c[1]),
                    List.of("DATABASE_URL"));
        }
        oneSentence(CliRun.run(env, "restore", "--backup", "latest", "--target-url",
                        "postgresql://postgres@no-such-host.shiftsync.test:5432/x"), 1,
                List.of("the host name 'no-such-host.shiftsync.test' does not resolve",
                        "check the host, port and database in --target-url", "nothing was restored"),
                List.of("The connection attempt failed", "DATABASE_URL"));
    }

    @Test
    @DisplayName("an unknown database host in DATABASE_URL says it does not resolve")
    void unknownSourceHost() {
        env.put("DATABASE_URL", "postgresql://postgres@no-such-host.shiftsync.test:5432/x");
        oneSentence(CliRun.run(env, "backup"), 1,
                List.of("the host name 'no-such-host.shiftsync.test' does not resolve"),
                List.of("The connection attempt failed"));
    }

    @Test
    @DisplayName("a restore target without a password names PGPASSWORD")
    void missingTargetPassword() {
        CliRun.backup(env);
        String role = "restorer_" + Long.toHexString(System.nanoTime());
        String password = "pw-" + Long.toHexString(System.nanoTime());
        TestSecrets.register(password);
        pg.execute("postgres", "CREATE ROLE " + role + " LOGIN SUPERUSER PASSWORD '" + password + "'");
        String target = "postgresql://" + role + "@127.0.0.1:" + pg.port() + "/pw_" + Long.toHexString(System.nanoTime());
        oneSentence(CliRun.run(env, "restore", "--backup", "latest", "--target-url", target), 1,
                List.of("none was given for user '" + role + "'", "give the password of user " + role
                        + " on 127.0.0.1 in PGPASSWORD"), List.of(password));
        Map<String, String> withPassword = new HashMap<>(env);
        withPassword.put("PGPASSWORD", password);
        CliRun ok = CliRun.run(withPassword, "restore", "--backup", "latest", "--target-url", target);
        assertEquals(0, ok.exitCode(), ok.stderr());
        pg.dropDatabase(target.substring(target.lastIndexOf('/') + 1));
    }

    @Test
    @DisplayName("a wrong storage account key, and one that is not even base64, name AZURE_STORAGE_CONNECTION_STRING")
    void wrongStorageKey() {
        String good = Azurite.shared().connectionString();
        String wrongKey = Base64.getEncoder().encodeToString("not the account key of this account, 64 bytes long....."
                .getBytes(StandardCharsets.US_ASCII));
        TestSecrets.register(wrongKey);
        env.put("AZURE_STORAGE_CONNECTION_STRING", good.replace(Azurite.ACCOUNT_KEY, wrongKey));
        env.put("BACKUP_CONTAINER", "wrongkey-" + Long.toHexString(System.nanoTime()));
        CliRun wrong = CliRun.run(env, "list", "--source", "azure");
        oneSentence(wrong, 1, List.of("Storage answered 403", "AZURE_STORAGE_CONNECTION_STRING"), List.of(wrongKey));

        env.put("AZURE_STORAGE_CONNECTION_STRING", good.replace(Azurite.ACCOUNT_KEY, "not!base64!at!all"));
        TestSecrets.register("not!base64!at!all");
        CliRun garbled = CliRun.run(env, "list", "--source", "azure");
        assertTrue(garbled.exitCode() == 1 || garbled.exitCode() == 2, garbled.stderr());
        oneSentence(garbled, garbled.exitCode(), List.of("AZURE_STORAGE_CONNECTION_STRING"),
                List.of("Illegal base64", "not!base64!at!all"));
    }

    @Test
    @DisplayName("a BACKUP_DIR the user may not write: permission denied, the user and BACKUP_DIR named, the path once")
    void backupDirNotWritable() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        env.put("BACKUP_DIR", locked.resolve("backups").toString());
        CliRun run = asAnotherUserWhenRoot(env, "backup");
        oneSentence(run, 1, List.of("permission denied for user", "BACKUP_DIR"), List.of("AccessDenied"));
        String line = run.errorLines().get(0);
        assertEquals(line.indexOf(locked.toString()), line.lastIndexOf(locked.toString()), "the path once: " + line);
    }

    /**
     * The CLI as the user {@code nobody} when the tests run as root (root may write anywhere),
     * else as the user running the tests.
     */
    private CliRun asAnotherUserWhenRoot(Map<String, String> env, String... args) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return CliRun.run(env, args);
        }
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", "nobody", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m"));
        argv.addAll(HttpsFake.childJvmOptions());
        argv.addAll(List.of("-jar", CliRun.JAR.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("HOME", "/tmp");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        CapturedOutput.record(out + err);
        return new CliRun(p.exitValue(), out, CliRun.forPeople(err), err);
    }

    @Test
    @DisplayName("with --json a failure prints {\"error\": {\"code\", \"message\"}} on stdout: bad input, a failed job, a picocli refusal")
    void jsonErrors() throws IOException {
        CliRun bad = CliRun.run(env, "restore", "--json", "--backup", "yesterday", "--target-url",
                "postgresql://postgres@127.0.0.1:" + pg.port() + "/x");
        assertEquals(2, bad.exitCode());
        JsonNode e = Json.MAPPER.readTree(bad.stdout()).get("error");
        assertEquals("bad-input", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("'yesterday' is not a backup id"), e.toString());
        assertTrue(bad.stderr().contains("'yesterday' is not a backup id"), "the sentence stays on stderr");

        env.put("DATABASE_URL", "postgresql://postgres:wrong@127.0.0.1:" + pg.port() + "/" + db);
        CliRun failed = CliRun.run(env, "backup", "--json");
        assertEquals(1, failed.exitCode());
        JsonNode f = Json.MAPPER.readTree(failed.stdout()).get("error");
        assertEquals("job-failed", f.get("code").asText());
        assertTrue(f.get("message").asText().contains("password authentication failed"), f.toString());
        assertEquals("28P01", f.get("upstreamCode").asText());
        assertFalse(failed.stdout().contains("wrong"), failed.stdout());

        CliRun usage = CliRun.run(env, "list", "--json", "--frobnicate");
        assertEquals(2, usage.exitCode());
        assertEquals("bad-input", Json.MAPPER.readTree(usage.stdout()).get("error").get("code").asText());
    }

    @Test
    @DisplayName("restore over a database that holds tables needs --confirm (the refusal names its size and table count, nothing is touched), also for DATABASE_URL's own database")
    void confirm() {
        String id = CliRun.backup(env);
        String target = "occupied_" + Long.toHexString(System.nanoTime());
        pg.execute("postgres", "CREATE DATABASE " + target);
        pg.execute(target, "CREATE TABLE notes (id int)");
        pg.execute(target, "CREATE TABLE people (id int)");
        pg.execute(target, "INSERT INTO notes VALUES (1)");
        String url = "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target;
        Object before = Fingerprint.data(pg, target);

        CliRun refused = CliRun.run(env, "restore", "--backup", "latest", "--target-url", url);
        oneSentence(refused, 2, List.of("database " + target + " on 127.0.0.1:" + pg.port() + " is not empty (2 tables, ",
                " MiB)", "add --confirm to restore over it"), List.of());
        assertEquals(before, Fingerprint.data(pg, target), "nothing touched");

        CliRun production = CliRun.run(env, "restore", "--backup", id, "--target-url",
                "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + db);
        oneSentence(production, 2, List.of("database " + db + " ", "is not empty (5 tables", "--confirm"), List.of());

        CliRun confirmed = CliRun.run(env, "restore", "--backup", "latest", "--target-url", url, "--confirm");
        assertEquals(0, confirmed.exitCode(), confirmed.stderr());
        assertTrue(confirmed.stdout().startsWith("restored " + id + " from local folder"), confirmed.stdout());
        pg.dropDatabase(target);

        String empty = "empty_" + Long.toHexString(System.nanoTime());
        pg.execute("postgres", "CREATE DATABASE " + empty);
        CliRun intoEmpty = CliRun.run(env, "restore", "--backup", "latest", "--target-url",
                "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + empty);
        assertEquals(0, intoEmpty.exitCode(), "an existing empty database needs no --confirm: " + intoEmpty.stderr());
        pg.dropDatabase(empty);
    }
}
