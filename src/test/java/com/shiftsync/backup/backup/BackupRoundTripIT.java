package com.shiftsync.backup.backup;

import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A backup restores to the same database: schema, every row, every sequence. */
class BackupRoundTripIT {
    static PostgresCluster pg;
    static String rich;

    @TempDir
    Path dir;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        rich = pg.createDatabase("rich");
        pg.executeResource(rich, "/seed/rich.sql");
    }

    static PgDumpTool dumpTool() {
        return new PgDumpTool(PgBinaries.locate(null), Duration.ofMinutes(10));
    }

    static BlobBackupStore blobStore(String container) {
        return new BlobBackupStore(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(container));
    }

    @Test
    @DisplayName("a rich database backed up to a folder and to Blob at once restores identically from each")
    void roundTrip() {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("backups"));
        BlobBackupStore blob = blobStore("roundtrip-" + Long.toHexString(System.nanoTime()));
        DatabaseUrl source = pg.url(rich);
        BackupJob job = new BackupJob(() -> source, new JdbcDatabase(), dumpTool(), List.of(local, blob),
                Clock.systemUTC(), Duration.ofMinutes(10));

        BackupResult result = job.run(Tier.DAILY, Reporter.NONE);
        Manifest m = result.manifest();
        CapturedOutput.record(m.toString());

        assertEquals(List.of("local", "azure"), result.stores());
        assertEquals(List.of(m), local.list());
        assertEquals(List.of(m), blob.list());
        assertEquals(rich, m.database());
        assertTrue(m.id().startsWith(rich + "_backup_"), m.id());
        assertTrue(m.pgDumpVersion().startsWith("pg_dump (PostgreSQL) "), m.pgDumpVersion());
        assertTrue(m.serverVersion().startsWith("15"), m.serverVersion());
        assertEquals(Fingerprint.rowCounts(pg, rich).entrySet().stream()
                        .filter(e -> !e.getKey().equals("Reporting Ω.shift_counts"))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                m.rowCounts(), "manifest counts every table and partition (not views)");
        assertEquals(0L, m.rowCounts().get("app.never_used"));

        String expectedSchema = Fingerprint.schema(pg, rich);
        Map<String, String> expectedData = Fingerprint.data(pg, rich);
        for (BackupStore store : List.of(local, blob)) {
            String target = "restored_" + store.name() + "_" + Long.toHexString(System.nanoTime());
            RestoreResult restored = new RestoreJob(new JdbcDatabase(), dumpTool(), dir.resolve("scratch"))
                    .run(store, m.id(), pg.url(target), Reporter.NONE);
            assertTrue(restored.createdDatabase());
            assertEquals(expectedSchema, Fingerprint.schema(pg, target), "schema restored from " + store.name());
            assertEquals(expectedData, Fingerprint.data(pg, target), "data restored from " + store.name());
            pg.dropDatabase(target);
        }
    }

    @Test
    @DisplayName("manifest row counts equal the restored counts while another session inserts during the backup")
    void countsMatchTheSnapshot() throws Exception {
        String db = pg.seededDatabase("busy");
        pg.execute(db, "INSERT INTO upload_analytics (upload_id, metric, value, details) "
                + "SELECT 1 + g % 300, 'views', g, jsonb_build_object('pad', repeat(md5(g::text), 20)) "
                + "FROM generate_series(1, 100000) g");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong inserted = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
                while (!stop.get()) {
                    st.execute("INSERT INTO shifts (user_id, starts_at, ends_at, role) "
                            + "VALUES (1, now(), now() + interval '1 hour', 'night')");
                    st.execute("INSERT INTO upload_analytics (upload_id, metric, value) VALUES (1, 'views', 1)");
                    inserted.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        while (inserted.get() < 20) {
            Thread.sleep(5);
        }
        LocalBackupStore local = new LocalBackupStore(dir.resolve("busy"));
        Manifest m;
        try {
            m = new BackupJob(() -> pg.url(db), new JdbcDatabase(), dumpTool(), List.of(local), Clock.systemUTC(),
                    Duration.ofMinutes(10)).run(Tier.MANUAL, Reporter.NONE).manifest();
            long before = inserted.get();
            while (inserted.get() < before + 20) {
                Thread.sleep(5);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        String target = pg.createDatabase("busy_restored");
        new RestoreJob(new JdbcDatabase(), dumpTool(), dir.resolve("scratch")).run(local, m.id(), pg.url(target), Reporter.NONE);

        Map<String, Long> restored = Fingerprint.rowCounts(pg, target);
        assertEquals(m.rowCounts(), restored, "the manifest describes exactly what the archive holds");
        assertTrue(Fingerprint.rowCounts(pg, db).get("public.shifts") > m.rowCounts().get("public.shifts"),
                "the live table moved on during and after the backup");
        pg.dropDatabase(target);
        pg.dropDatabase(db);
    }
}
