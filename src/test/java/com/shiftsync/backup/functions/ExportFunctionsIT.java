package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timer functions called as the Functions host calls them, against real PostgreSQL and Azurite. */
class ExportFunctionsIT {
    static PostgresCluster pg;
    static String db;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("fn");
    }

    private static App app(String databaseUrl, String container) {
        return new App(new Settings(Map.of("DATABASE_URL", databaseUrl,
                "AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString(),
                "BACKUP_CONTAINER", container,
                // an audit log of the test's own: two tests' backups of the same database in one second share an id
                "AUDIT_CONTAINER", container + "-audit")), Clock.systemUTC());
    }

    @Test
    @DisplayName("nightlyExport and weeklyExport back up straight to Blob and log one structured event each")
    void exports() throws IOException {
        String container = "fn-" + Long.toHexString(System.nanoTime());
        App app = app(pg.urlText(db), container);
        FakeExecutionContext nightly = new FakeExecutionContext("nightlyExport");
        new ExportFunctions(app).nightlyExport("{}", nightly);
        FakeExecutionContext weekly = new FakeExecutionContext("weeklyExport");
        new ExportFunctions(app).weeklyExport("{}", weekly);

        List<Manifest> backups = app.stores().azure().list();
        assertEquals(2, backups.size());
        assertEquals(List.of(Tier.WEEKLY, Tier.DAILY), backups.stream().map(Manifest::tier).toList(),
                "newest first, and two backups never share an id even when started in the same second");

        JsonNode event = Json.MAPPER.readTree(nightly.messages(Level.INFO).get(0));
        assertEquals("ShiftSync.Backup.Succeeded", event.get("event").asText());
        Manifest daily = backups.get(1);
        assertEquals(daily.id(), event.get("id").asText());
        assertEquals("daily", event.get("tier").asText());
        assertEquals(daily.sizeBytes(), event.get("sizeBytes").asLong());
        assertEquals(daily.totalRows(), event.get("rowTotal").asLong());
        assertTrue(event.get("durationMs").asLong() > 0);
        assertEquals("weekly", Json.MAPPER.readTree(weekly.messages(Level.INFO).get(0)).get("tier").asText());
        assertTrue(Files.notExists(Path.of("/var/backups/shiftsync/daily/" + daily.id() + ".dump")),
                "the functions keep nothing on local disk");
    }

    @Test
    @DisplayName("a failed export fails the invocation and logs ShiftSync.Backup.Failed without the password")
    void failedExport() throws IOException {
        String container = "fnfail-" + Long.toHexString(System.nanoTime());
        App app = app("postgresql://postgres:hunter2-wrong@127.0.0.1:" + pg.port() + "/" + db, container);
        FakeExecutionContext context = new FakeExecutionContext("nightlyExport");
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> new ExportFunctions(app).nightlyExport("{}", context));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        JsonNode event = Json.MAPPER.readTree(context.messages(Level.SEVERE).get(0));
        assertEquals("ShiftSync.Backup.Failed", event.get("event").asText());
        assertEquals("daily", event.get("tier").asText());
        assertEquals("job-failed", event.get("code").asText());
        assertTrue(!context.messages().toString().contains("hunter2-wrong"));
        assertEquals(List.of(), app.stores().azure().list());
    }
}
