package com.shiftsync.backup.integrity;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.ChildProcesses;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeKeyVault;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.ManagedIdentityFake;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TestKeys;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Archives encrypted with age before they leave the process: what the stores hold is an age
 * file, not pg_dump's archive; restore and verify decrypt it with the identity (the
 * environment, or Key Vault) and give back the same rows; a person decrypts it by hand with
 * Debian's age and reads it with pg_restore; a backup never needs the identity.
 */
class EncryptedBackupIT {
    private static final String AGE_HEADER = "age-encryption.org/v1\n";
    private static final String IDENTITY_SECRET = "shiftsync-backup-identity";
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;
    Map<String, String> env;
    String recipient;
    Path keyFile;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("encrypted");
    }

    @BeforeEach
    void environment() throws IOException {
        keyFile = dir.resolve("key.txt");
        recipient = ageKeygen(keyFile);
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", "encrypted-" + Long.toHexString(System.nanoTime()));
        env.putAll(TestKeys.manifestKeySettings());
        env.put("BACKUP_ENCRYPTION_RECIPIENTS", recipient);
        env.put("BACKUP_ENCRYPTION_IDENTITY_SECRET", IDENTITY_SECRET);
        env.put("SHIFTSYNC_BACKUP_IDENTITY", identity(keyFile));
    }

    /** Debian's age-keygen writes a key file; its recipient (public key) is on stderr. */
    static String ageKeygen(Path keyFile) throws IOException {
        Run run = run(List.of("age-keygen", "-o", keyFile.toString()), null);
        assertEquals(0, run.exit(), "age-keygen (Debian's age; bin/setup installs it): " + run.err());
        String recipient = run.err().strip().replaceFirst("^Public key: ", "");
        assertTrue(recipient.startsWith("age1"), run.err());
        TestSecrets.register(identity(keyFile));
        return recipient;
    }

    /** The key file's AGE-SECRET-KEY-1 line. */
    static String identity(Path keyFile) throws IOException {
        return Files.readAllLines(keyFile).stream().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst()
                .orElseThrow();
    }

    record Run(int exit, String out, String err) {
    }

    /** A program as a person runs it, stdout to {@code stdoutTo} when given. */
    static Run run(List<String> argv, Path stdoutTo) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Path out = stdoutTo != null ? stdoutTo : Files.createTempFile("run", ".out");
        Path err = Files.createTempFile("run", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(argv + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Run run = new Run(p.exitValue(), stdoutTo != null ? "" : Files.readString(out), Files.readString(err));
        Files.deleteIfExists(err);
        if (stdoutTo == null) {
            Files.deleteIfExists(out);
        }
        return run;
    }

    private String target() {
        return pg.newTargetUrl("decrypted");
    }

    private static String database(String url) {
        return TamperedBackupIT.database(url);
    }

    @Test
    @DisplayName("the stored bytes are an age file, not a pg_dump archive (local and Blob); restore from Azure and "
            + "verify give the same rows; download writes the age file, which Debian's age -d -i decrypts into the "
            + "dump the manifest names, and pg_restore --list reads it")
    void encryptedAndDecryptableByHand() throws IOException {
        String id;
        try (ChildProcesses.Watch watch = ChildProcesses.watch()) {
            id = CliRun.backup(env, "--upload");
            Path archive = dir.resolve("backups/daily/" + id + ".dump");
            byte[] stored = Files.readAllBytes(archive);
            assertTrue(startsWith(stored, AGE_HEADER), "an age file");
            assertFalse(startsWith(stored, "PGDMP"), "not pg_dump's custom format");
            BlobContainerClient container = new BlobServiceClientBuilder()
                    .connectionString(Azurite.shared().connectionString()).buildClient()
                    .getBlobContainerClient(env.get("BACKUP_CONTAINER"));
            byte[] blob = container.getBlobClient("daily/" + id + ".dump").downloadContent().toBytes();
            assertArrayEquals(stored, blob, "one encryption, the same bytes in both stores");
            JsonNode manifest = Json.MAPPER.readTree(dir.resolve("backups/daily/" + id + ".manifest.json").toFile());
            CapturedOutput.record(manifest.toString());
            CapturedOutput.record(container.getBlobClient("daily/" + id + ".manifest.json").downloadContent().toString());
            assertEquals("age", manifest.get("encryption").get("format").asText());
            assertEquals(List.of(recipient), Json.MAPPER.convertValue(manifest.get("encryption").get("recipients"),
                    List.class));
            assertEquals(stored.length, manifest.get("sizeBytes").asLong());
            assertEquals(sha256(stored), manifest.get("sha256").asText());

            String fromAzure = target();
            CliRun restore = CliRun.run(env, "restore", "--backup", id, "--source", "azure", "--target-url", fromAzure);
            assertEquals(0, restore.exitCode(), restore.stderr());
            assertEquals(Fingerprint.data(pg, db), Fingerprint.data(pg, database(fromAzure)));
            pg.dropDatabase(database(fromAzure));

            CliRun verify = CliRun.run(env, "verify", "--source", "local");
            assertEquals(0, verify.exitCode(), verify.stderr());
            assertTrue(verify.stdout().startsWith("verified " + id + " from local folder"), verify.stdout());

            Path downloaded = dir.resolve("backup.dump.age");
            CliRun download = CliRun.run(env, "download", "--backup", id, "--to", downloaded.toString());
            assertEquals(0, download.exitCode(), download.stderr());
            assertArrayEquals(stored, Files.readAllBytes(downloaded), "download writes the age file as stored");
            assertTrue(download.stderr().contains(downloaded + " is encrypted (age, to " + recipient + "): decrypt it "
                    + "with the identity, then restore the dump: age -d -i key.txt " + downloaded + " > "
                    + dir.resolve("backup.dump")), download.stderr());

            Path plain = dir.resolve("backup.dump");
            Run decrypt = run(List.of("age", "-d", "-i", keyFile.toString(), downloaded.toString()), plain);
            assertEquals(0, decrypt.exit(), decrypt.err());
            byte[] dump = Files.readAllBytes(plain);
            assertTrue(startsWith(dump, "PGDMP"), "pg_dump's custom format");
            assertEquals(manifest.get("encryption").get("dumpSha256").asText(), sha256(dump));
            assertEquals(dump.length, manifest.get("encryption").get("dumpSizeBytes").asLong());
            Run listing = run(List.of(pg.binaries().resolve("pg_restore").toString(), "--list", plain.toString()), null);
            assertEquals(0, listing.exit(), listing.err());
            assertTrue(listing.out().contains("TABLE DATA public users"), listing.out());

            String identity = env.get("SHIFTSYNC_BACKUP_IDENTITY");
            for (ChildProcesses.Sighting s : watch.seen()) {
                assertFalse(s.commandLine().contains(identity), "the identity on a command line: " + s.exe());
                assertFalse(s.commandLine().contains(env.get("SHIFTSYNC_MANIFEST_KEY")), s.exe());
            }
        }
    }

    @Test
    @DisplayName("a backup needs only the public key: without BACKUP_ENCRYPTION_IDENTITY_SECRET it is made, and a "
            + "restore then says which setting to set, in one sentence, and restores nothing")
    void backupNeedsNoIdentity() {
        env.remove("BACKUP_ENCRYPTION_IDENTITY_SECRET");
        env.remove("SHIFTSYNC_BACKUP_IDENTITY");
        String id = CliRun.backup(env, "--upload");
        String never = target();
        CliRun restore = CliRun.run(env, "restore", "--backup", id, "--target-url", never);
        assertEquals(2, restore.exitCode(), restore.stderr());
        assertEquals(1, restore.errorLines().size(), restore.stderr());
        assertTrue(restore.stderr().contains("this backup is encrypted (age) and BACKUP_ENCRYPTION_IDENTITY_SECRET is "
                + "not set: set it to the name of the secret holding the age identity"), restore.stderr());
        assertFalse(pg.hasDatabase(database(never)));
    }

    @Test
    @DisplayName("an identity that is not a recipient: the restore fails naming the secret and the recipients, never "
            + "the identity, and leaves no database behind")
    void wrongIdentity() throws IOException {
        String id = CliRun.backup(env, "--upload");
        String other = identity(otherKey());
        env.put("SHIFTSYNC_BACKUP_IDENTITY", other);
        String never = target();
        CliRun restore = CliRun.run(env, "restore", "--backup", id, "--target-url", never);
        assertEquals(1, restore.exitCode(), restore.stderr());
        assertTrue(restore.stderr().contains("could not decrypt the archive with the identity in secret '"
                + IDENTITY_SECRET + "' (BACKUP_ENCRYPTION_IDENTITY_SECRET): it is not one of the archive's recipients"),
                restore.stderr());
        assertTrue(restore.stderr().contains("the archive was encrypted to " + recipient), restore.stderr());
        assertFalse(restore.stderr().contains(other) || restore.stdout().contains(other));
        assertFalse(pg.hasDatabase(database(never)));
    }

    private Path otherKey() throws IOException {
        Path other = dir.resolve("other.txt");
        ageKeygen(other);
        return other;
    }

    @Test
    @DisplayName("with Key Vault: the backup reads the manifest key but never the identity; the restore reads the "
            + "identity from the vault (the managed identity's token) and gives back the rows")
    void identityFromKeyVault() {
        try (ManagedIdentityFake identityFake = new ManagedIdentityFake()) {
            String token = TestSecrets.random("mi-token-for-vault-");
            identityFake.issue(FakeKeyVault.RESOURCE, token);
            try (FakeKeyVault vault = new FakeKeyVault(token)) {
                vault.put(IDENTITY_SECRET, env.remove("SHIFTSYNC_BACKUP_IDENTITY"));
                vault.put(TestKeys.MANIFEST_KEY_SECRET, env.remove("SHIFTSYNC_MANIFEST_KEY"));
                env.putAll(identityFake.settings());
                env.put("KEY_VAULT_URL", vault.url());

                String id = CliRun.backup(env, "--upload");
                assertTrue(vault.requests(IDENTITY_SECRET).isEmpty(), "a backup never reads the identity");
                assertFalse(vault.requests(TestKeys.MANIFEST_KEY_SECRET).isEmpty(), "the backup signed its manifest");

                String target = target();
                CliRun restore = CliRun.run(env, "restore", "--backup", id, "--source", "azure", "--target-url", target);
                assertEquals(0, restore.exitCode(), restore.stderr());
                assertEquals(Fingerprint.data(pg, db), Fingerprint.data(pg, database(target)));
                pg.dropDatabase(database(target));
                List<LoggedRequest> asked = vault.requests(IDENTITY_SECRET);
                assertTrue(asked.stream().anyMatch(r -> ("Bearer " + token).equals(r.getHeader("Authorization"))),
                        "the restore read the identity from the vault with the app's identity");
            }
        }
    }

    private static String sha256(byte[] bytes) {
        MessageDigest sha = Sha256.digest();
        sha.update(bytes);
        return Sha256.hex(sha);
    }

    static boolean startsWith(byte[] bytes, String prefix) {
        return Arrays.equals(Arrays.copyOf(bytes, prefix.length()), prefix.getBytes(StandardCharsets.US_ASCII));
    }
}
