package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule that picks pg_dump and pg_restore per server, on the facts measured with 15 and 17. */
class PgClientsTest {
    static final PgClients.Client C15 = client(15, "15.18");
    static final PgClients.Client C17 = client(17, "17.12");
    static final ArchiveFormat BY_15 = new ArchiveFormat("1.14", 15);
    static final ArchiveFormat BY_17 = new ArchiveFormat("1.16", 17);

    static PgClients.Client client(int major, String version) {
        return new PgClients.Client(major, "/usr/lib/postgresql/" + major + "/bin",
                "pg_dump (PostgreSQL) " + version + " (Debian " + version + "-1)");
    }

    static PgClients both() {
        return new PgClients(List.of(C17, C15));
    }

    /** One sentence: no full stop inside (a sentence break), none at the end (the caller may append). */
    static void oneSentence(String text) {
        assertFalse(text.matches("(?s).*\\.\\s+[A-Z].*"), "more than one sentence: " + text);
        assertFalse(text.endsWith("."), text);
    }

    @Nested
    @DisplayName("backup: the pg_dump of the server's major, else the nearest newer one")
    class Backup {
        @Test
        @DisplayName("each server gets its own major's pg_dump")
        void sameMajor() {
            assertEquals(C17, both().forBackup(17, "at db:5432").client());
            assertEquals(C15, both().forBackup(15, "at db:5432").client());
        }

        @Test
        @DisplayName("a major without its own client gets the nearest newer one, never an older one")
        void nearestNewer() {
            assertEquals(C17, both().forBackup(16, "at db:5432").client());
            assertEquals(C15, both().forBackup(13, "at db:5432").client());
        }

        @Test
        @DisplayName("a server newer than every pg_dump is refused in one sentence naming the package and PG_BIN_DIR")
        void tooNew() {
            PgClients.Choice choice = new PgClients(List.of(C15)).forBackup(17, "at db.example:5432");
            assertFalse(choice.chosen());
            assertEquals("postgresql-client-17", choice.install());
            assertEquals("the PostgreSQL 17 server at db.example:5432 needs pg_dump 17 or newer, and the newest here is "
                    + "pg_dump 15.18 (/usr/lib/postgresql/15/bin): install postgresql-client-17 and make sure "
                    + "PG_BIN_DIR, when set, lists its folder (/usr/lib/postgresql/17/bin)", choice.refusal());
            oneSentence(choice.refusal());
            ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> choice.orElseThrow("; no backup was made"));
            assertEquals(ErrorCode.JOB_FAILED, e.code());
            assertTrue(e.getMessage().endsWith("; no backup was made"));
            assertEquals("postgresql-client-18", both().forBackup(18, "at db:5432").install());
        }

        @Test
        @DisplayName("an unknown server version takes the newest pg_dump (it reads every older server)")
        void unknownServer() {
            assertEquals(C17, both().forBackup(null, "at db:5432").client());
            assertFalse(new PgClients(List.of()).forBackup(null, "at db:5432").chosen());
        }
    }

    @Nested
    @DisplayName("restore: the pg_restore of the target's major if it reads the archive, else the nearest older one that does")
    class Restore {
        @Test
        @DisplayName("a 15 archive: into 15 with pg_restore 15, into 17 with 17, into 16 with 15 (17 would set parameters 16 lacks)")
        void fifteenArchive() {
            assertEquals(C15, both().forRestore(BY_15, 15, "at t:5432", "b").client());
            assertEquals(C17, both().forRestore(BY_15, 17, "at t:5432", "b").client());
            assertEquals(C15, both().forRestore(BY_15, 16, "at t:5432", "b").client());
            assertEquals(C17, both().forRestore(BY_15, 18, "at t:5432", "b").client());
        }

        @Test
        @DisplayName("a 17 archive into a 15 server is refused in one sentence naming what it needs, a PostgreSQL 17 server")
        void seventeenIntoFifteen() {
            PgClients.Choice choice = both().forRestore(BY_17, 15, "at old:5432", "shiftsync_backup_20240115_020000");
            assertFalse(choice.chosen());
            assertEquals("a PostgreSQL 17 server", choice.install());
            assertEquals("backup shiftsync_backup_20240115_020000 was made by pg_dump 17 (archive format 1.16), which "
                    + "only pg_restore 17 or newer reads, and none of those can restore into the PostgreSQL 15 server "
                    + "at old:5432 (a newer pg_restore sets parameters an older server does not know): restore it into "
                    + "a PostgreSQL 17 or newer server (a new one, or this one upgraded)", choice.refusal());
            oneSentence(choice.refusal());
            assertEquals(C17, both().forRestore(BY_17, 17, "at t:5432", "b").client());
        }

        @Test
        @DisplayName("a missing client is named: pg_restore 15 cannot read a 17 archive, pg_restore 17 cannot restore into 15")
        void missingClient() {
            PgClients only15 = new PgClients(List.of(C15));
            PgClients.Choice into17 = only15.forRestore(BY_17, 17, "at new:5432", "b1");
            assertEquals("postgresql-client-17", into17.install());
            assertTrue(into17.refusal().contains("needs pg_restore 17") && into17.refusal().contains(
                    "here there is only pg_restore 15.18 (/usr/lib/postgresql/15/bin): install postgresql-client-17"),
                    into17.refusal());
            oneSentence(into17.refusal());

            PgClients only17 = new PgClients(List.of(C17));
            PgClients.Choice into15 = only17.forRestore(BY_15, 15, "at old:5432", "b2");
            assertEquals("postgresql-client-15", into15.install());
            assertTrue(into15.refusal().startsWith("restoring backup b2, made by pg_dump 15 (archive format 1.14), into "
                    + "the PostgreSQL 15 server at old:5432 needs pg_restore 15"), into15.refusal());
            oneSentence(into15.refusal());
            PgClients.Choice into16 = new PgClients(List.of(client(14, "14.1"), C17)).forRestore(BY_15, 16, "at x:1", "b");
            assertTrue(into16.refusal().contains("needs pg_restore 15 to 16"), into16.refusal());
            assertEquals("postgresql-client-16", into16.install());
        }

        @Test
        @DisplayName("an unknown target takes the newest client that reads the archive")
        void unknownTarget() {
            assertEquals(C17, both().forRestore(BY_15, null, "at t:5432", "b").client());
            assertEquals("postgresql-client-17", new PgClients(List.of(C15)).forRestore(BY_17, null, "at t:1", "b")
                    .install());
        }
    }

    @Test
    @DisplayName("the archive's reader: its pg_dump major, else its format version, else anyone")
    void archiveFormat() {
        assertFalse(BY_17.readableBy(15));
        assertTrue(BY_17.readableBy(17) && BY_17.readableBy(18));
        assertTrue(BY_15.readableBy(15) && BY_15.readableBy(17));
        assertEquals(17, new ArchiveFormat("1.16", null).minimumReader());
        assertEquals(16, new ArchiveFormat("1.15", null).minimumReader());
        assertNull(new ArchiveFormat(null, null).minimumReader());
        assertTrue(new ArchiveFormat(null, null).readableBy(9));
    }

    @Test
    @DisplayName("the format version is read from the archive's first bytes: PGDMP, major, minor, revision")
    void header() {
        byte[] head = new byte[] {'P', 'G', 'D', 'M', 'P', 1, 16, 0};
        assertEquals("1.16", ArchiveFormat.versionOf(head, 8));
        assertEquals("1.14", ArchiveFormat.versionOf(new byte[] {'P', 'G', 'D', 'M', 'P', 1, 14, 0}, 8));
        assertNull(ArchiveFormat.versionOf("-- PostgreSQL dump".getBytes(StandardCharsets.US_ASCII), 8));
        assertNull(ArchiveFormat.versionOf(head, 5), "too short");
    }

    @Test
    @DisplayName("a backup's archive format comes from its manifest, from pg_dump's version text in manifests older than the fields")
    void fromManifest() {
        Manifest old = ManifestTest.old();
        assertEquals(new ArchiveFormat(null, 15), ArchiveFormat.of(old));
        assertEquals(new ArchiveFormat("1.16", 17), ArchiveFormat.of(ManifestTest.current()));
    }

    @Test
    @DisplayName("the major and version of what pg_dump --version and server_version print")
    void versions() {
        assertEquals(17, PgClients.major("pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)"));
        assertEquals("17.12", PgClients.version("pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)"));
        assertEquals(15, PgClients.major("15.18 (Debian 15.18-0+deb12u1)"));
        assertEquals(18, PgClients.major("18beta1"));
        assertEquals("16", PgClients.version("16devel"));
        assertNull(PgClients.major("no version"));
        assertNull(PgClients.major(null));
    }

    @Test
    @DisplayName("one client per major, the first folder found winning (PG_BIN_DIR's order), oldest first")
    void onePerMajor() {
        PgClients.Client other15 = new PgClients.Client(15, "/opt/pg15/bin", "pg_dump (PostgreSQL) 15.2");
        PgClients clients = new PgClients(List.of(C17, other15, C15));
        assertEquals(List.of(other15, C17), clients.all());
        assertEquals(C17, clients.newest().orElseThrow());
    }

    @Test
    @DisplayName("the servers a dump restores into with the clients here, and with which pg_restore")
    void restoreTargets() {
        assertEquals("PostgreSQL 15 and newer (pg_restore 15.18 for 15 to 16, pg_restore 17.12 for 17 and newer)",
                both().restoreTargets(BY_15));
        assertEquals("PostgreSQL 17 and newer (pg_restore 17.12 for 17 and newer)", both().restoreTargets(BY_17));
        assertEquals("PostgreSQL 15 and newer (pg_restore 15.18 for 15, pg_restore 16.1 for 16, pg_restore 17.12 for "
                + "17 and newer)", new PgClients(List.of(C15, client(16, "16.1"), C17)).restoreTargets(BY_15));
        assertTrue(new PgClients(List.of(C15)).restoreTargets(BY_17).startsWith("no server with the clients here"));
        assertEquals(15, both().lowestTarget(BY_15).orElseThrow());
    }

    @Nested
    @DisplayName("readiness: client-too-old when the server is newer than every pg_dump here")
    class Readiness {
        @Test
        @DisplayName("a 17 server with only pg_dump 15: client-too-old naming postgresql-client-17")
        void tooOld() {
            ClientReadiness r = ClientReadiness.of(new PgClients(List.of(C15)), "db:5432", "17.12 (Debian)", null, null);
            Alert alert = r.alert().orElseThrow();
            assertEquals(AlertCode.CLIENT_TOO_OLD, alert.code());
            assertTrue(alert.reason().startsWith("the next backup will fail: the PostgreSQL 17 server at db:5432 needs "
                    + "pg_dump 17 or newer"), alert.reason());
            assertTrue(alert.reason().contains("install postgresql-client-17"), alert.reason());
            assertEquals("client-too-old", AlertCode.CLIENT_TOO_OLD.id());
        }

        @Test
        @DisplayName("a server a pg_dump here fits, or one whose version is unknown, raises nothing; the restore of the newest is named")
        void fits() {
            ClientReadiness r = ClientReadiness.of(both(), "db:5432", "15.18", null, ManifestTest.current());
            assertTrue(r.alert().isEmpty());
            assertEquals(15, r.backup().major());
            assertFalse(r.restore().chosen(), "a 17 archive does not restore into 15");
            assertEquals("a PostgreSQL 17 server", r.restore().install());
            assertEquals(15, r.restoreOf(ManifestTest.old()).major());
            ClientReadiness unknown = ClientReadiness.of(both(), null, null, "DATABASE_URL is not set", null);
            assertTrue(unknown.alert().isEmpty());
            assertNull(unknown.backup());
            assertEquals("DATABASE_URL is not set", unknown.unknown());
            assertTrue(ClientReadiness.noClients("db:5432", "17.1", "pg_dump was not found").alert().isPresent());
        }
    }
}
