package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Setting;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.SimulatedBackups;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retentionPrune timer called as the Functions host calls it, against Azurite. */
class RetentionFunctionsIT {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofDays(2));

    @TempDir
    Path dir;

    private Map<String, String> env(String container) {
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", dir.resolve("none").toString());
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", container);
        env.put("UPLOADS_CONTAINER", container + "-uploads");
        return env;
    }

    @Test
    @DisplayName("retentionPrune prunes Blob by the settings and logs one ShiftSync.Prune.Completed with counts per tier")
    void prunes() throws IOException {
        String container = "fnprune-" + Long.toHexString(System.nanoTime());
        App app = new App(new Settings(env(container)), Clock.fixed(NOW, ZoneOffset.UTC));
        BackupStore azure = app.stores().azure();
        long dailyBytes = 0;
        for (int k = 0; k < 35; k++) {
            Manifest m = SimulatedBackups.backup(azure, Tier.DAILY, NOW.minus(Duration.ofDays(k)).minusSeconds(3600));
            if (k >= 30) {
                dailyBytes += m.sizeBytes();
            }
        }
        Manifest weekly = SimulatedBackups.backup(azure, Tier.WEEKLY, NOW.minus(Duration.ofDays(90)));
        SimulatedBackups.orphan(azure, Tier.DAILY, NOW.minus(Duration.ofDays(5)));

        FakeExecutionContext context = new FakeExecutionContext("retentionPrune");
        new RetentionFunctions(app).retentionPrune("{}", context);

        assertEquals(30 + 1, azure.list().size());
        assertTrue(azure.find(weekly.id()).isPresent(), "the only weekly backup stays, 90 days old");
        List<String> info = context.messages(Level.INFO);
        assertEquals(1, info.size(), info.toString());
        JsonNode event = Json.MAPPER.readTree(info.get(0));
        assertEquals("ShiftSync.Prune.Completed", event.get("event").asText());
        assertEquals(false, event.get("dryRun").asBoolean());
        assertEquals(5, event.get("deletedCount").asLong());
        assertEquals(dailyBytes, event.get("deletedBytes").asLong());
        assertEquals(31, event.get("keptCount").asLong());
        assertEquals(0, event.get("refusedCount").asLong());
        assertEquals(1, event.get("orphansDeleted").asLong());
        JsonNode blob = event.get("stores").get(1);
        assertEquals("azure", blob.get("store").asText());
        assertEquals(5, blob.get("deleted").get("daily").get("count").asLong());
        assertEquals(dailyBytes, blob.get("deleted").get("daily").get("bytes").asLong());
        assertEquals(0, blob.get("deleted").get("weekly").get("count").asLong());
        assertTrue(event.get("uploads").get("missing").asBoolean());
        assertTrue(context.messages(Level.SEVERE).isEmpty());
    }

    @Test
    @DisplayName("bad settings fail the invocation with ShiftSync.Prune.Failed naming the setting; nothing is deleted")
    void badSettings() throws IOException {
        String container = "fnprunebad-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = env(container);
        env.put("RETENTION_FLOOR", "0");
        App app = new App(new Settings(env), Clock.fixed(NOW, ZoneOffset.UTC));
        Manifest old = SimulatedBackups.backup(app.stores().azure(), Tier.DAILY, NOW.minus(Duration.ofDays(60)));
        SimulatedBackups.backup(app.stores().azure(), Tier.DAILY, NOW.minus(Duration.ofDays(1)));
        FakeExecutionContext context = new FakeExecutionContext("retentionPrune");
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> new RetentionFunctions(app).retentionPrune("{}", context));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertEquals("RETENTION_FLOOR is 0; it must be at least 1", e.getMessage());
        JsonNode event = Json.MAPPER.readTree(context.messages(Level.SEVERE).get(0));
        assertEquals("ShiftSync.Prune.Failed", event.get("event").asText());
        assertEquals("bad-input", event.get("code").asText());
        assertTrue(event.get("reason").asText().contains("RETENTION_FLOOR"));
        assertTrue(app.stores().azure().find(old.id()).isPresent());
    }

    @Test
    @DisplayName("UPLOADS_CONTAINER naming the operations, backup or audit container fails the invocation with one "
            + "sentence naming both settings, before the sweep (which would take a day-old record for an upload) "
            + "or the prune deletes anything")
    void uploadsContainerOfItsOwn() throws IOException {
        for (Setting other : List.of(Setting.OPERATIONS_CONTAINER, Setting.BACKUP_CONTAINER, Setting.AUDIT_CONTAINER)) {
            String container = "fnpruneup-" + Long.toHexString(System.nanoTime());
            Map<String, String> env = env(container);
            env.put("OPERATIONS_CONTAINER", container + "-ops");
            env.put("AUDIT_CONTAINER", container + "-audit");
            env.put("UPLOADS_CONTAINER", env.get(other.name()));
            App app = new App(new Settings(env), Clock.fixed(NOW, ZoneOffset.UTC));
            Manifest old = SimulatedBackups.backup(app.stores().azure(), Tier.DAILY, NOW.minus(Duration.ofDays(60)));
            SimulatedBackups.backup(app.stores().azure(), Tier.DAILY, NOW.minus(Duration.ofDays(1)));
            // written now, so two days before the app's clock: past UPLOADS_TTL_HOURS for the sweep
            com.azure.storage.blob.BlobContainerClient named = com.shiftsync.backup.adapter.blob.StorageClients
                    .byConnectionString(Azurite.shared().connectionString()).getBlobContainerClient(env.get(other.name()));
            named.createIfNotExists();
            named.getBlobClient("kept/" + other.name() + ".json").upload(
                    com.azure.core.util.BinaryData.fromString("{}"), true);

            FakeExecutionContext context = new FakeExecutionContext("retentionPrune");
            ShiftSyncException e = assertThrows(ShiftSyncException.class,
                    () -> new RetentionFunctions(app).retentionPrune("{}", context));
            assertEquals(ErrorCode.BAD_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("UPLOADS_CONTAINER is '" + env.get(other.name()) + "', the same as "
                    + other.name() + ": the uploads sweep deletes everything in it"), e.getMessage());
            JsonNode event = Json.MAPPER.readTree(context.messages(Level.SEVERE).get(0));
            assertEquals("ShiftSync.Prune.Failed", event.get("event").asText());
            assertTrue(event.get("reason").asText().contains("UPLOADS_CONTAINER"), event.toString());
            assertTrue(named.getBlobClient("kept/" + other.name() + ".json").exists(), "nothing swept in " + other);
            assertTrue(app.stores().azure().find(old.id()).isPresent(), "nothing pruned");
        }
    }

    @Test
    @DisplayName("a refused deletion fails the invocation too, with the counts and the refusal in the event")
    void refusal() throws IOException {
        String container = "fnprunerefuse-" + Long.toHexString(System.nanoTime());
        App app = new App(new Settings(env(container)), Clock.fixed(NOW, ZoneOffset.UTC));
        Manifest lost = SimulatedBackups.backup(app.stores().azure(), Tier.MANUAL, NOW.minus(Duration.ofDays(60)));
        app.stores().azure().deleteArchive(Tier.MANUAL, BackupId.parse(lost.id()));
        FakeExecutionContext context = new FakeExecutionContext("retentionPrune");
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> new RetentionFunctions(app).retentionPrune("{}", context));
        assertTrue(e.getMessage().startsWith("refused to delete all 1 manual backup(s) in azure"), e.getMessage());
        JsonNode event = Json.MAPPER.readTree(context.messages(Level.SEVERE).get(0));
        assertEquals("ShiftSync.Prune.Failed", event.get("event").asText());
        assertEquals(1, event.get("refusedCount").asLong());
        assertEquals(0, event.get("deletedCount").asLong());
        assertTrue(app.stores().azure().find(lost.id()).isPresent());
    }

    @Test
    @DisplayName("retentionPrune is a timer on the contract's schedule, overridable by the app setting retentionPrune")
    void schedule() throws IOException {
        JsonNode binding = FunctionJsonIT.functionJson("retentionPrune").get("bindings").get(0);
        assertEquals("timerTrigger", binding.get("type").asText());
        assertEquals("%retentionPrune%", binding.get("schedule").asText());
        JsonNode example = Json.MAPPER.readTree(Path.of("local.settings.json.example").toFile()).get("Values");
        assertEquals("0 30 * * * *", example.get("retentionPrune").asText());
        assertEquals("0 30 * * * *", Setting.retentionPrune.defaultValue());
        for (Setting s : List.of(Setting.RETENTION_FLOOR, Setting.KEEP_LAST_DAILY, Setting.KEEP_LAST_WEEKLY,
                Setting.KEEP_LAST_MONTHLY, Setting.ORPHAN_GRACE_HOURS, Setting.LOCAL_RETENTION_DAYS,
                Setting.AZURE_RETENTION_DAYS, Setting.WEEKLY_RETENTION_DAYS, Setting.UPLOADS_TTL_HOURS)) {
            assertEquals(s.defaultValue(), example.get(s.name()).asText(), s.name() + " in local.settings.json.example");
        }
    }
}
