package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RolesFileTest {
    static final BackupId ID = BackupId.of("shiftsync", Instant.parse("2024-01-15T02:00:00Z"));

    @Test
    @DisplayName("a manifest written before roles files still reads (no roles); a new one carries the file's name, size, SHA-256 and roles")
    void manifestField() {
        String old = """
                {"id": "shiftsync_backup_20240115_020000", "database": "shiftsync", "tier": "daily",
                 "startedAt": "2024-01-15T02:00:00Z", "finishedAt": "2024-01-15T02:00:05Z", "sizeBytes": 1234,
                 "sha256": "%s", "serverVersion": "15.18", "pgDumpVersion": "pg_dump (PostgreSQL) 15.18",
                 "format": "custom", "rowCounts": {"public.users": 60}}""".formatted("a".repeat(64));
        Manifest read = Json.read(old.getBytes(StandardCharsets.UTF_8), Manifest.class);
        assertNull(read.roles());
        assertFalse(Json.pretty(read).contains("\"roles\""), "nothing new is written for it");

        byte[] script = "-- roles\n".getBytes(StandardCharsets.UTF_8);
        RolesFile roles = RolesFile.of(ID, script, List.of("shiftsync_user", "shiftsync_readonly"));
        Manifest m = new Manifest(ID.toString(), "shiftsync", Tier.DAILY, ID.startedAt(), ID.startedAt(), 1234,
                "b".repeat(64), "15.18", "pg_dump (PostgreSQL) 15.18", Manifest.CUSTOM_FORMAT, "1.14", 15, null,
                Map.of("public.users", 60L), roles, null, null, null);
        assertEquals(m, Json.read(Json.pretty(m).getBytes(StandardCharsets.UTF_8), Manifest.class));
        assertEquals("shiftsync_backup_20240115_020000.roles.sql", roles.file());
        assertEquals(List.of("shiftsync_readonly", "shiftsync_user"), roles.roles());
        assertTrue(roles.matches(script));
        assertFalse(roles.matches("-- roleS\n".getBytes(StandardCharsets.UTF_8)), "same size, other bytes");
        assertFalse(roles.matches("-- roles\n\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("side files are named <id>.<word>.<ext>, never a record (.json), the manifest or the archive")
    void sideFileNames() {
        assertEquals("shiftsync_backup_20240115_020000.roles.sql", ID.sideFileName(RolesScript.KIND));
        for (String kind : List.of("roles.json", "manifest.json", "dump", "roles", "../x.sql", "Roles.sql", "")) {
            assertThrows(IllegalArgumentException.class, () -> ID.sideFileName(kind), kind);
        }
    }

    @Test
    @DisplayName("PostgreSQL's and Azure's own roles are never carried")
    void reserved() {
        for (String name : List.of("pg_monitor", "pg_read_all_data", "azure_pg_admin", "azuresu", "azure_superuser",
                "replication", "localadmin", "azure_ai_settings_manager")) {
            assertTrue(RoleSet.isReserved(name), name);
            RoleSet.Role role = new RoleSet.Role(name, false, true, false, false, false, false, false, -1, null, null);
            assertThrows(IllegalArgumentException.class, () -> new RoleSet(List.of(role), List.of()), name);
        }
        for (String name : List.of("shiftsync_user", "postgres_app", "replication_reader", "azure")) {
            assertFalse(RoleSet.isReserved(name), name);
        }
    }

    @Test
    @DisplayName("a list setting is split into its names, quoted or not; any other setting stays one string")
    void settings() {
        RoleSet.Role role = new RoleSet.Role("app", true, true, false, false, false, false, false, -1, null,
                List.of("search_path=\"My \"\"Schema\"\"\", public, $user", "statement_timeout=5min",
                        "application_name=it's"));
        String script = RolesScript.render(new RoleSet(List.of(role), List.of()), ID);
        assertTrue(script.contains("ALTER ROLE \"app\" SET \"search_path\" TO 'My \"Schema\"', 'public', '$user';"),
                script);
        assertTrue(script.contains("ALTER ROLE \"app\" SET \"statement_timeout\" TO '5min';"), script);
        assertTrue(script.contains("ALTER ROLE \"app\" SET \"application_name\" TO 'it''s';"), script);
    }
}
