package com.shiftsync.backup.cli;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.RetentionLock;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.ImmutabilityProxy;
import com.shiftsync.backup.testing.SimulatedBackups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * hold and release as an operator runs them, against Blob Storage with version-level immutability
 * ({@link ImmutabilityProxy} in front of Azurite): a held backup outlives its retention and prune
 * says why, release lets prune delete it, and every request is in the audit log.
 */
class HoldCliIT {
    @TempDir
    Path dir;
    ImmutabilityProxy proxy;
    Map<String, String> env;
    String container;
    String audit;
    Manifest old;
    Manifest recent;

    @BeforeEach
    void backups() {
        proxy = ImmutabilityProxy.start(Azurite.shared(), Clock.systemUTC());
        container = "holdcli-" + Long.toHexString(System.nanoTime());
        audit = container + "-audit";
        env = new HashMap<>();
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("AZURE_STORAGE_CONNECTION_STRING", proxy.connectionString());
        env.put("BACKUP_CONTAINER", container);
        env.put("AUDIT_CONTAINER", audit);
        env.put("UPLOADS_CONTAINER", container + "-uploads");
        // made before the container had version-level immutability (a container migrated later): no lock
        BlobBackupStore store = new BlobBackupStore(blobs(container));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        old = SimulatedBackups.backup(store, Tier.DAILY, now.minus(Duration.ofDays(40)));
        recent = SimulatedBackups.backup(store, Tier.DAILY, now.minus(Duration.ofDays(1)));
        proxy.enableVersionLevelImmutability(container);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private BlobContainerClient blobs(String name) {
        return new BlobServiceClientBuilder().connectionString(proxy.connectionString()).buildClient()
                .getBlobContainerClient(name);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(text, e);
        }
    }

    private static JsonNode decision(JsonNode prune, String id) {
        for (JsonNode d : prune.get("stores").get(1).get("plan").get("decisions")) {
            if (d.get("id").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError(id + " is not in the plan: " + prune);
    }

    @Test
    @DisplayName("hold keeps an expired backup from prune (said why), list shows HOLD, release lets prune delete it; "
            + "both requests are audited")
    void holdThenRelease() {
        CliRun hold = CliRun.run(env, "hold", "--backup", old.id());
        assertEquals(0, hold.exitCode(), hold.stderr());
        assertTrue(hold.stdout().startsWith("daily backup " + old.id() + " is under legal hold in Blob container "
                + container), hold.stdout());

        CliRun list = CliRun.run(env, "list", "--source", "azure");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().lines().findFirst().orElseThrow().contains("IMMUTABLE"), list.stdout());
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(old.id()) && l.contains("HOLD")), list.stdout());
        JsonNode listed = json(CliRun.run(env, "list", "--source", "azure", "--json").stdout());
        assertTrue(listed.get(1).get("protection").get("legalHold").asBoolean(), listed.toString());
        assertFalse(listed.get(0).get("protection").get("legalHold").asBoolean());

        CliRun kept = CliRun.run(env, "prune", "--json");
        assertEquals(0, kept.exitCode(), kept.stderr());
        JsonNode plan = json(kept.stdout());
        assertEquals("keep", decision(plan, old.id()).get("action").asText());
        assertTrue(decision(plan, old.id()).get("reason").asText().contains("; kept: under legal hold"), plan.toString());
        // the newer backup was made before the container was locked: prune locks it to the end of its retention
        Instant until = recent.startedAt().plus(Duration.ofDays(30)).plus(RetentionLock.MARGIN);
        assertEquals(until.toString(), plan.get("stores").get(1).get("renewals").get(0).get("until").asText());
        JsonNode relisted = json(CliRun.run(env, "list", "--source", "azure", "--json").stdout());
        assertEquals(until.toString(), relisted.get(0).get("protection").get("immutableUntil").asText());
        assertTrue(relisted.get(0).get("protection").get("locked").asBoolean());

        CliRun release = CliRun.run(env, "release", "--backup", old.id());
        assertEquals(0, release.exitCode(), release.stderr());
        assertTrue(release.stdout().contains("is no longer under legal hold"), release.stdout());
        CliRun pruned = CliRun.run(env, "prune", "--json");
        assertEquals(0, pruned.exitCode(), pruned.stderr());
        assertEquals(List.of(old.id()), Json.MAPPER.convertValue(json(pruned.stdout()).get("stores").get(1)
                .get("deleted"), List.class));

        List<AuditRecord> records = new BlobAuditLog(blobs(audit)).read(LocalDate.now(ZoneOffset.UTC));
        List<String> actions = records.stream().map(r -> r.action() + " " + r.decision() + " "
                + r.parameters().get("backupId")).toList();
        assertEquals(List.of(AuditActions.BACKUP_HOLD + " accepted " + old.id(),
                AuditActions.BACKUP_RELEASE + " accepted " + old.id()), actions);
        assertEquals("os-user", records.get(0).caller().via());
    }

    @Test
    @DisplayName("hold of a backup that is not there: exit 2, one sentence, refused in the audit log; without Blob "
            + "Storage: exit 2 naming the settings")
    void refusals() {
        String missing = "shiftsync_backup_20200101_000000";
        CliRun none = CliRun.run(env, "hold", "--backup", missing);
        assertEquals(2, none.exitCode(), none.stderr());
        assertTrue(none.stderr().contains("no backup " + missing + " in Blob container " + container), none.stderr());
        List<AuditRecord> records = new BlobAuditLog(blobs(audit)).read(LocalDate.now(ZoneOffset.UTC));
        assertEquals(1, records.size());
        assertEquals(AuditRecord.REFUSED, records.get(0).decision());

        Map<String, String> local = new HashMap<>(env);
        local.remove("AZURE_STORAGE_CONNECTION_STRING");
        CliRun nowhere = CliRun.run(local, "release", "--backup", old.id());
        assertEquals(2, nowhere.exitCode(), nowhere.stderr());
        assertTrue(nowhere.stderr().contains("AZURE_STORAGE_CONNECTION_STRING"), nowhere.stderr());
    }
}
