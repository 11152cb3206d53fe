package com.shiftsync.backup.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.SeededCli;
import com.shiftsync.backup.testing.TestKeys;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Manifests without a key: a deployment that has not set MANIFEST_KEY_SECRET still backs up,
 * and status says the manifests are unauthenticated; once the key is set, the backups made
 * before it are named as such, not as damaged, and still restore.
 */
class UnauthenticatedManifestsIT extends SeededCli {
    private void setKey() {
        env.putAll(TestKeys.manifestKeySettings());
    }

    private static List<String> codes(JsonNode status) {
        List<String> codes = new ArrayList<>();
        status.get("alerts").forEach(a -> codes.add(a.get("code").asText()));
        return codes;
    }

    @Test
    @DisplayName("no key configured: the backup is made, its manifest carries no MAC, and status raises "
            + "manifests-unauthenticated naming MANIFEST_KEY_SECRET")
    void noKey() throws IOException {
        String id = CliRun.backup(env);
        JsonNode manifest = Json.MAPPER.readTree(dir.resolve("backups/daily/" + id + ".manifest.json").toFile());
        assertFalse(manifest.has("mac"), manifest.toString());

        CliRun status = CliRun.run(env, "status", "--json");
        JsonNode report = Json.MAPPER.readTree(status.stdout());
        assertFalse(report.get("healthy").asBoolean());
        JsonNode alert = null;
        for (JsonNode a : report.get("alerts")) {
            if (a.get("code").asText().equals("manifests-unauthenticated")) {
                alert = a;
            }
        }
        assertTrue(alert != null, report.toString());
        assertTrue(alert.get("reason").asText().startsWith("MANIFEST_KEY_SECRET is not set, so the manifests in local "
                + "folder " + dir.resolve("backups") + " carry no MAC"), alert.toString());
        assertEquals(id, report.get("rpo").get("newestBackupId").asText(), "the backup counts");

        CliRun text = CliRun.run(env, "status");
        assertTrue(text.stdout().contains("manifests-unauthenticated: MANIFEST_KEY_SECRET is not set"), text.stdout());
    }

    @Test
    @DisplayName("a backup made before the key is set is listed as made before MANIFEST_KEY_SECRET was set, not as "
            + "damaged, and still restores (saying so); the alert is gone once the key is set")
    void beforeTheKey() throws IOException {
        String before = CliRun.backup(env);
        setKey();
        String after = CliRun.backup(env);
        CapturedOutput.recordFiles(dir.resolve("backups"));
        JsonNode signed = Json.MAPPER.readTree(dir.resolve("backups/daily/" + after + ".manifest.json").toFile());
        assertTrue(signed.get("mac").asText().matches("hmac-sha256-1:[0-9a-f]{64}"), signed.toString());
        String key = env.get("SHIFTSYNC_MANIFEST_KEY");
        assertFalse(Files.readString(dir.resolve("backups/daily/" + after + ".manifest.json")).contains(key));

        CliRun list = CliRun.run(env, "list");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(before)
                && l.endsWith("made before MANIFEST_KEY_SECRET was set")), list.stdout());
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(after) && !l.contains("MANIFEST_KEY_SECRET")
                && !l.contains("DAMAGED")), list.stdout());
        JsonNode json = Json.MAPPER.readTree(CliRun.run(env, "list", "--json").stdout());
        assertEquals("authenticated", json.get(0).get("authentication").asText());
        assertEquals("made before MANIFEST_KEY_SECRET was set", json.get(1).get("authentication").asText());
        assertEquals("complete", json.get(1).get("condition").asText());

        JsonNode status = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
        assertFalse(codes(status).contains("manifests-unauthenticated"), status.toString());
        assertFalse(codes(status).contains("backup-damaged"), status.toString());

        String target = "pre_key_" + Long.toHexString(System.nanoTime());
        CliRun restore = CliRun.run(env, "restore", "--backup", before, "--target-url",
                "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
        assertEquals(0, restore.exitCode(), restore.stderr());
        assertTrue(restore.stderr().contains("warning: daily backup " + before + " was made before MANIFEST_KEY_SECRET "
                + "was set: its manifest carries no MAC"), restore.stderr());
        assertEquals(Fingerprint.data(pg, db), Fingerprint.data(pg, target));
        pg.dropDatabase(target);
    }
}
