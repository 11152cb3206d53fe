package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CountingStorageProxy;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.SimulatedBackups;
import com.shiftsync.backup.verify.Verification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one {@code GET /api/status} reads from storage, counted by a proxy in front of Azurite:
 * a figure printed for the record, and the rule that a backup without records costs no record read.
 */
class StatusReadsIT {
    static final Instant NOW = Instant.parse("2024-03-15T12:00:00Z");
    static final int DAILY = 30;
    static final int WEEKLY = 5;

    CountingStorageProxy proxy;
    String container;
    BlobBackupStore direct;
    Manifest verified;

    @BeforeEach
    void backups() {
        proxy = new CountingStorageProxy(Azurite.shared());
        container = "statusreads-" + Long.toHexString(System.nanoTime());
        direct = new BlobBackupStore(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(container));
        for (int d = 0; d < DAILY; d++) {
            Manifest m = SimulatedBackups.backup(direct, Tier.DAILY, NOW.minus(Duration.ofDays(d)).minus(Duration.ofHours(10)));
            if (d == 3) {
                verified = m;
            }
        }
        for (int w = 0; w < WEEKLY; w++) {
            SimulatedBackups.backup(direct, Tier.WEEKLY, NOW.minus(Duration.ofDays(7L * w)).minus(Duration.ofHours(9)));
        }
        direct.putRecord(Tier.DAILY, verified.backupId(), Verification.KIND, new Verification(verified.id(), Tier.DAILY,
                "azure", true, NOW.minus(Duration.ofDays(2)), "compare", null, 2, List.of(), List.of(), "scratch", true,
                1, 10, 20, 40, List.of(), null).toJson());
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    App app() {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", proxy.connectionString());
        env.put("BACKUP_CONTAINER", container);
        env.put("OPERATIONS_CONTAINER", container + "-ops");
        env.put("AUDIT_CONTAINER", container + "-audit");
        env.put("WEBSITE_AUTH_ENABLED", "True");
        return new App(new Settings(env), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    @DisplayName("GET /api/status: one listing pass with each manifest read, and only the records that exist "
            + "(figures printed; before: a verification and a restore-check read for every backup)")
    void readsOfOneCall() {
        App app = app();
        MonitorFunctions functions = new MonitorFunctions(app);
        functions.status(FakeHttpRequest.get("https://x/api/status?code=k"), new FakeExecutionContext("backupStatus"));
        proxy.reset();
        HttpResponseMessage r = functions.status(FakeHttpRequest.get("https://x/api/status?code=k"),
                new FakeExecutionContext("backupStatus"));
        assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
        Map<String, Integer> health = proxy.counts();
        System.out.println("GET /api/status (health view) over " + (DAILY + WEEKLY) + " backups (1 with a "
                + "verification record): " + proxy.requests().size() + " storage requests " + health);

        proxy.reset();
        r = functions.status(FakeHttpRequest.get("https://x/api/status?code=k").header("X-MS-CLIENT-PRINCIPAL",
                ADMIN), new FakeExecutionContext("backupStatus"));
        assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
        Map<String, Integer> admin = proxy.counts();
        System.out.println("GET /api/status (admin, audited) over " + (DAILY + WEEKLY) + " backups: "
                + proxy.requests().size() + " storage requests " + admin);

        for (Map<String, Integer> counts : List.of(health, admin)) {
            assertEquals(DAILY + WEEKLY, counts.get("manifest"), "each manifest once: " + counts);
            assertEquals(1, counts.get("record"), "only the one record there is: " + counts);
        }
        assertEquals(null, health.get("write"), "a health read writes nothing: " + health);
    }

    /** An admin as Easy Auth's principal header carries one (base64 JSON). */
    static final String ADMIN = java.util.Base64.getEncoder().encodeToString(("{\"auth_typ\":\"aad\",\"claims\":["
            + "{\"typ\":\"http://schemas.microsoft.com/identity/claims/objectidentifier\",\"val\":\"oid-ana\"},"
            + "{\"typ\":\"preferred_username\",\"val\":\"ana@shiftsync.test\"},"
            + "{\"typ\":\"roles\",\"val\":\"Backup.Admin\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
}
