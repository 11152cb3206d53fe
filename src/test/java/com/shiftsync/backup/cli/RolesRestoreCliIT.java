package com.shiftsync.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TempFolders;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dump restores onto a brand-new server, as on the day the old one is gone: the source's
 * objects belong to the application role with grants to a read-only role (and a member of it),
 * the backup carries those roles in its roles file, and the packaged CLI restores into a second,
 * fresh PostgreSQL cluster where only an Azure-like admin exists (CREATEROLE, not superuser).
 */
class RolesRestoreCliIT {
    /** The roles the source's objects and grants need: base only through readonly's membership. */
    static final List<String> NEEDED = List.of("shiftsync_base", "shiftsync_readonly", "shiftsync_reporting",
            "shiftsync_user");
    static final String SOURCE_ROLES = """
            CREATE ROLE shiftsync_base NOLOGIN;
            CREATE ROLE shiftsync_readonly NOLOGIN IN ROLE shiftsync_base;
            CREATE ROLE shiftsync_user LOGIN PASSWORD '%s' BYPASSRLS CONNECTION LIMIT 50;
            ALTER ROLE shiftsync_user SET search_path = shiftsync, public;
            CREATE ROLE shiftsync_reporting LOGIN PASSWORD '%s' IN ROLE shiftsync_readonly;
            CREATE ROLE unrelated_role LOGIN;""";
    static final String SOURCE_OBJECTS = """
            SET ROLE shiftsync_user;
            CREATE SCHEMA shiftsync;
            CREATE TYPE shiftsync.shift_kind AS ENUM ('day', 'night');
            CREATE TABLE shiftsync.organisations (id serial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE shiftsync.shifts (id bigserial PRIMARY KEY,
                organisation_id integer NOT NULL REFERENCES shiftsync.organisations (id),
                kind shiftsync.shift_kind NOT NULL, note text, starts_at timestamptz NOT NULL);
            CREATE VIEW shiftsync.shift_counts AS SELECT organisation_id, count(*) AS shifts
                FROM shiftsync.shifts GROUP BY organisation_id;
            CREATE FUNCTION shiftsync.shift_total() RETURNS bigint LANGUAGE sql
                AS 'SELECT count(*) FROM shiftsync.shifts';
            INSERT INTO shiftsync.organisations (name) SELECT 'org ' || g FROM generate_series(1, 20) g;
            INSERT INTO shiftsync.shifts (organisation_id, kind, note, starts_at)
                SELECT 1 + g % 20, CASE WHEN g % 3 = 0 THEN 'night' ELSE 'day' END::shiftsync.shift_kind,
                       'note ' || g, timestamptz '2024-01-01' + g * interval '1 hour'
                  FROM generate_series(1, 500) g;
            GRANT USAGE ON SCHEMA shiftsync TO shiftsync_readonly;
            GRANT SELECT ON ALL TABLES IN SCHEMA shiftsync TO shiftsync_readonly;
            GRANT UPDATE (note) ON shiftsync.shifts TO shiftsync_reporting;
            REVOKE EXECUTE ON FUNCTION shiftsync.shift_total() FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION shiftsync.shift_total() TO shiftsync_readonly;
            ALTER DEFAULT PRIVILEGES IN SCHEMA shiftsync GRANT SELECT ON TABLES TO shiftsync_readonly;
            RESET ROLE;""";
    /** Owners and privileges of everything in a database, as \\dp, \\dn+, \\ddp and \\df+ show them. */
    static final String OWNERS_AND_GRANTS = """
            SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' owner '
                   || pg_get_userbyid(c.relowner) || ' acl ' || coalesce(c.relacl::text, '-') || ' columns '
                   || coalesce((SELECT string_agg(a.attname || '=' || a.attacl::text, ',' ORDER BY a.attnum)
                                  FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL), '-')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'shiftsync'
            UNION ALL
            SELECT 'schema ' || nspname || ' owner ' || pg_get_userbyid(nspowner) || ' acl ' || coalesce(nspacl::text, '-')
              FROM pg_namespace WHERE nspname = 'shiftsync'
            UNION ALL
            SELECT 'function ' || proname || ' owner ' || pg_get_userbyid(proowner) || ' acl ' || coalesce(proacl::text, '-')
              FROM pg_proc WHERE pronamespace = 'shiftsync'::regnamespace
            UNION ALL
            SELECT 'type ' || typname || ' owner ' || pg_get_userbyid(typowner)
              FROM pg_type WHERE typnamespace = 'shiftsync'::regnamespace
            UNION ALL
            SELECT 'default ' || pg_get_userbyid(defaclrole) || ' ' || defaclobjtype::text || ' ' || defaclacl::text
              FROM pg_default_acl
            ORDER BY 1""";

    static PostgresCluster source;
    static Path backups;
    static String backupId;
    static String userPassword;

    @BeforeAll
    static void backUpTheSource() {
        source = PostgresCluster.fresh();
        userPassword = TestSecrets.random("app-");
        source.execute("postgres", SOURCE_ROLES.formatted(userPassword, TestSecrets.random("report-")));
        source.execute("postgres", "CREATE DATABASE shiftsync OWNER shiftsync_user");
        source.execute("shiftsync", SOURCE_OBJECTS);
        backups = TempFolders.create("shiftsync-roles-it-");
        CliRun backup = CliRun.run(sourceEnv(backups), "backup");
        assertEquals(0, backup.exitCode(), backup.stderr());
        backupId = backup.stdout().strip();
    }

    static Map<String, String> sourceEnv(Path backupDir) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", source.urlText("shiftsync"));
        env.put("BACKUP_DIR", backupDir.toString());
        return env;
    }

    /** A new server where only the bootstrap superuser and an admin like Azure's exist (CREATEROLE, CREATEDB, not superuser). */
    static Admin newServer(String admin, String attributes) {
        PostgresCluster target = PostgresCluster.fresh();
        String password = TestSecrets.random("admin-");
        target.execute("postgres", "CREATE ROLE " + admin + " LOGIN " + attributes + " PASSWORD '" + password + "'");
        return new Admin(target, admin, password);
    }

    record Admin(PostgresCluster server, String user, String password) {
        String url(String database) {
            return server.urlText(user, null, database);
        }

        Map<String, String> env() {
            Map<String, String> env = sourceEnv(backups);
            env.put("PGPASSWORD", password);
            return env;
        }
    }

    @Test
    @DisplayName("onto a new server: the missing roles are created first (named, login roles said to need a password, "
            + "BYPASSRLS refused and reported), then owners, grants and rows come back as they were; a second restore "
            + "alters no existing role; --json names the roles it created")
    void restoreOntoANewServer() throws Exception {
        Manifest manifest = Json.read(Files.readAllBytes(backups.resolve("daily/" + backupId + ".manifest.json")),
                Manifest.class);
        assertEquals(NEEDED, manifest.roles().roles(), "owners, grantees and the roles they are members of, no other");
        assertEquals(backupId + ".roles.sql", manifest.roles().file());
        byte[] rolesFile = Files.readAllBytes(backups.resolve("daily/" + backupId + ".roles.sql"));
        assertEquals(manifest.roles().sha256(), Sha256.hex(rolesFile));
        String script = new String(rolesFile, StandardCharsets.UTF_8);
        assertFalse(script.contains(userPassword) || script.contains("PASSWORD '"), "no password travels");
        assertFalse(script.contains("unrelated_role") || script.contains("\"postgres\""), script);

        Admin admin = newServer("shiftsync_admin", "CREATEROLE CREATEDB");
        CliRun restore = CliRun.run(admin.env(), "restore", "--backup", "latest", "--target-url",
                admin.url("shiftsync"));
        assertEquals(0, restore.exitCode(), restore.stderr());
        String server = admin.server().server();
        assertTrue(restore.stdout().contains("created roles shiftsync_base, shiftsync_readonly, shiftsync_reporting, "
                + "shiftsync_user on " + server), restore.stdout());
        assertTrue(restore.stderr().contains("warning: login roles shiftsync_reporting, shiftsync_user were created "
                + "without a password: a person must set one (ALTER ROLE ... PASSWORD) or map a Microsoft Entra "
                + "principal"), restore.stderr());
        assertTrue(restore.stderr().contains("warning: role shiftsync_user was created without BYPASSRLS, which this "
                + "server refuses"), restore.stderr());
        JsonNode event = restore.events().stream()
                .filter(e -> e.path("event").asText().equals("ShiftSync.Restore.Succeeded")).findFirst().orElseThrow();
        assertEquals(NEEDED, Json.MAPPER.convertValue(event.get("rolesCreated"), List.class));

        assertEquals(query(source, "shiftsync", OWNERS_AND_GRANTS), query(admin.server(), "shiftsync", OWNERS_AND_GRANTS),
                "same owners, same grants");
        assertEquals(Fingerprint.schema(source, "shiftsync"), Fingerprint.schema(admin.server(), "shiftsync"));
        assertEquals(Fingerprint.data(source, "shiftsync"), Fingerprint.data(admin.server(), "shiftsync"));
        assertEquals(List.of("shiftsync_base NOLOGIN -1 - -", "shiftsync_readonly NOLOGIN -1 - shiftsync_base",
                        "shiftsync_reporting LOGIN -1 - shiftsync_readonly",
                        "shiftsync_user LOGIN 50 {\"search_path=shiftsync, public\"} -"),
                roles(admin.server()), "attributes, settings and memberships; BYPASSRLS left out");
        assertEquals(List.of(), query(admin.server(), "postgres",
                "SELECT rolname FROM pg_roles WHERE rolname = 'unrelated_role'"));

        // a person changes roles on the new server; the next restore leaves them as they are
        admin.server().execute("postgres", "ALTER ROLE shiftsync_reporting CONNECTION LIMIT 7; "
                + "ALTER ROLE shiftsync_readonly LOGIN; ALTER ROLE shiftsync_user RESET search_path");
        List<String> changed = roles(admin.server());
        CliRun again = CliRun.run(admin.env(), "restore", "--backup", backupId, "--target-url",
                admin.url("shiftsync_again"));
        assertEquals(0, again.exitCode(), again.stderr());
        assertFalse(again.stdout().contains("created role"), again.stdout());
        assertFalse(again.stderr().contains("warning"), again.stderr());
        assertEquals(changed, roles(admin.server()), "no existing role was altered");
        assertEquals(query(source, "shiftsync", OWNERS_AND_GRANTS),
                query(admin.server(), "shiftsync_again", OWNERS_AND_GRANTS));

        // the roles gone again (a person dropped them with their databases): --json names those it creates
        admin.server().execute("postgres", "DROP DATABASE shiftsync WITH (FORCE)");
        admin.server().execute("postgres", "DROP DATABASE shiftsync_again WITH (FORCE)");
        admin.server().execute("postgres", "DROP ROLE shiftsync_reporting, shiftsync_user, shiftsync_readonly, "
                + "shiftsync_base");
        CliRun json = CliRun.run(admin.env(), "restore", "--backup", "latest", "--json", "--target-url",
                admin.url("shiftsync"));
        assertEquals(0, json.exitCode(), json.stderr());
        JsonNode roles = Json.MAPPER.readTree(json.stdout()).get("roles");
        assertTrue(roles.get("applied").asBoolean(), roles.toString());
        assertEquals(NEEDED, Json.MAPPER.convertValue(roles.get("created"), List.class));
        assertEquals(List.of("shiftsync_reporting", "shiftsync_user"),
                Json.MAPPER.convertValue(roles.get("withoutPassword"), List.class));
        assertTrue(roles.get("warnings").get(0).asText().startsWith("role shiftsync_user was created without BYPASSRLS"),
                roles.toString());
        assertTrue(roles.get("ownersAndGrants").asBoolean());
    }

    @Test
    @DisplayName("a user that may not create roles: refused in one sentence naming --no-owner, nothing restored; "
            + "with --no-owner every object is the restoring user's, the rows are there, and the output says what was left out")
    void noOwner() {
        Admin plain = newServer("plain_user", "CREATEDB");
        CliRun refused = CliRun.run(plain.env(), "restore", "--backup", "latest", "--target-url",
                plain.url("shiftsync"));
        assertEquals(2, refused.exitCode(), refused.stderr());
        assertEquals(1, refused.errorLines().size(), refused.stderr());
        String sentence = refused.errorLines().get(0);
        assertTrue(sentence.contains(plain.server().server() + " lacks roles shiftsync_base, shiftsync_readonly, "
                + "shiftsync_reporting, shiftsync_user that backup " + backupId + " needs"), sentence);
        assertTrue(sentence.contains("user plain_user may not create roles there (no CREATEROLE): add --no-owner"),
                sentence);
        assertEquals(List.of(), query(plain.server(), "postgres",
                "SELECT datname FROM pg_database WHERE datname = 'shiftsync'"), "nothing was restored");

        CliRun restored = CliRun.run(plain.env(), "restore", "--backup", "latest", "--no-owner", "--target-url",
                plain.url("shiftsync"));
        assertEquals(0, restored.exitCode(), restored.stderr());
        assertTrue(restored.stderr().contains("warning: owners and grants were not restored (--no-owner): every "
                + "restored object belongs to plain_user and no privilege was granted; left out: the ownership and "
                + "grants of roles shiftsync_base, shiftsync_readonly, shiftsync_reporting, shiftsync_user"),
                restored.stderr());
        assertFalse(restored.stdout().contains("created role"), restored.stdout());
        assertEquals(Fingerprint.data(source, "shiftsync"), Fingerprint.data(plain.server(), "shiftsync"));
        assertEquals(List.of("plain_user"), query(plain.server(), "shiftsync", """
                SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c
                 WHERE c.relnamespace = 'shiftsync'::regnamespace
                UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'shiftsync'
                UNION SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = 'shiftsync'::regnamespace"""));
        assertEquals(List.of(), query(plain.server(), "shiftsync",
                "SELECT relname FROM pg_class WHERE relnamespace = 'shiftsync'::regnamespace AND relacl IS NOT NULL"),
                "no grant restored");
        assertEquals(List.of(), query(plain.server(), "postgres",
                "SELECT rolname FROM pg_roles WHERE rolname LIKE 'shiftsync%'"), "no role created");
    }

    @Test
    @DisplayName("the roles file is covered by the manifest: altered, restore and download refuse it as damaged and "
            + "create nothing; intact, download writes it beside the archive and psql then pg_restore by hand "
            + "give the same owners and grants")
    void rolesFileIsChecked() throws Exception {
        Path copy = TempFolders.create("shiftsync-roles-damaged-");
        copyTree(backups, copy);
        Path rolesFile = copy.resolve("daily/" + backupId + ".roles.sql");
        String original = Files.readString(rolesFile);
        rolesFile.toFile().setWritable(true);
        Files.writeString(rolesFile, original.replace("CREATE ROLE \"shiftsync_readonly\" NOLOGIN",
                "CREATE ROLE \"shiftsync_readonly\" LOGIN SUPERUSER"));
        Admin admin = newServer("shiftsync_admin", "CREATEROLE CREATEDB");
        Map<String, String> env = admin.env();
        env.put("BACKUP_DIR", copy.toString());

        CliRun restore = CliRun.run(env, "restore", "--backup", backupId, "--target-url", admin.url("shiftsync"));
        assertEquals(1, restore.exitCode(), restore.stderr());
        assertTrue(restore.stderr().contains("the roles file " + backupId + ".roles.sql of " + backupId
                + " in local folder " + copy + " does not match its manifest"), restore.stderr());
        assertTrue(restore.stderr().contains("it is damaged or was altered, and nothing was restored"), restore.stderr());
        assertEquals(List.of(), query(admin.server(), "postgres",
                "SELECT rolname FROM pg_roles WHERE rolname LIKE 'shiftsync\\_%' AND rolname <> 'shiftsync_admin' "
                        + "UNION ALL SELECT datname FROM pg_database WHERE datname = 'shiftsync'"));

        Path damagedTo = TempFolders.create("shiftsync-roles-download-").resolve("shiftsync.dump");
        CliRun refused = CliRun.run(env, "download", "--backup", backupId, "--to", damagedTo.toString());
        assertEquals(1, refused.exitCode(), refused.stderr());
        assertTrue(refused.stderr().contains("does not match its manifest")
                && refused.stderr().contains("no file was written"), refused.stderr());
        try (Stream<Path> left = Files.list(damagedTo.getParent())) {
            assertEquals(List.of(), left.toList(), "no file at all");
        }

        Path to = TempFolders.create("shiftsync-roles-download-").resolve("shiftsync.dump");
        CliRun download = CliRun.run(sourceEnv(backups), "download", "--backup", backupId, "--to", to.toString());
        assertEquals(0, download.exitCode(), download.stderr());
        Path downloadedRoles = to.resolveSibling("shiftsync.dump.roles.sql");
        assertArrayEquals(Files.readAllBytes(backups.resolve("daily/" + backupId + ".roles.sql")),
                Files.readAllBytes(downloadedRoles));
        assertTrue(download.stderr().contains("its roles file") && download.stderr().contains(downloadedRoles.toString()),
                download.stderr());

        // README, "Restore from Azure Blob by hand": psql with the roles file, then the guide's pg_restore
        String psqlOut = run(admin, List.of(source.binaries().resolve("psql").toString(), "-v", "ON_ERROR_STOP=1",
                "-f", downloadedRoles.toString(), admin.url("postgres")));
        assertTrue(psqlOut.contains("created role shiftsync_user: it can log in but has no password"), psqlOut);
        assertTrue(psqlOut.contains("WARNING:  role shiftsync_user was created without BYPASSRLS"), psqlOut);
        admin.server().execute("postgres", "CREATE DATABASE shiftsync OWNER shiftsync_admin");
        run(admin, List.of(source.binaries().resolve("pg_restore").toString(), "--clean", "--if-exists",
                "--exit-on-error", "--dbname=" + admin.url("shiftsync"), to.toString()));
        assertEquals(query(source, "shiftsync", OWNERS_AND_GRANTS), query(admin.server(), "shiftsync", OWNERS_AND_GRANTS));
        String twice = run(admin, List.of(source.binaries().resolve("psql").toString(), "-v", "ON_ERROR_STOP=1",
                "-f", downloadedRoles.toString(), admin.url("postgres")));
        assertTrue(twice.contains("role shiftsync_user exists already: left as it is"), twice);
    }

    @Test
    @DisplayName("on DATABASE_URL's own server no role is created: neither by the restore test (verify) nor by a "
            + "restore into another database there, even for a role the backup needs that was dropped since")
    void productionServerKeepsItsRoles() {
        source.execute("postgres", "CREATE ROLE gone_reader NOLOGIN");
        source.execute("postgres", "CREATE DATABASE gone OWNER shiftsync_user");
        source.execute("gone", "SET ROLE shiftsync_user; CREATE TABLE t (id int); INSERT INTO t VALUES (1); "
                + "GRANT SELECT ON t TO gone_reader; RESET ROLE");
        Path dir = TempFolders.create("shiftsync-roles-gone-");
        Map<String, String> env = sourceEnv(dir);
        env.put("DATABASE_URL", source.urlText("gone"));
        CliRun backup = CliRun.run(env, "backup");
        assertEquals(0, backup.exitCode(), backup.stderr());
        source.execute("gone", "REVOKE ALL ON t FROM gone_reader");
        source.execute("postgres", "DROP ROLE gone_reader");

        CliRun verify = CliRun.run(env, "verify");
        CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--target-url",
                source.urlText("postgres", null, "gone_copy"));
        assertFalse((verify.stdout() + verify.stderr() + restore.stdout() + restore.stderr()).contains("created role"),
                verify.stdout() + verify.stderr() + restore.stdout() + restore.stderr());
        assertEquals(List.of(), query(source, "postgres", "SELECT rolname FROM pg_roles WHERE rolname = 'gone_reader'"),
                "the roles of DATABASE_URL's server are the source of truth");
    }

    /** Roles named shiftsync_* other than the admin: name, LOGIN or NOLOGIN, connection limit, settings, groups. */
    static List<String> roles(PostgresCluster server) {
        return query(server, "postgres", """
                SELECT r.rolname || ' ' || CASE WHEN r.rolcanlogin THEN 'LOGIN' ELSE 'NOLOGIN' END || ' '
                       || r.rolconnlimit || ' ' || coalesce(r.rolconfig::text, '-') || ' '
                       || coalesce((SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m
                                      JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid), '-')
                       || CASE WHEN r.rolbypassrls THEN ' BYPASSRLS' ELSE '' END
                  FROM pg_roles r WHERE r.rolname LIKE 'shiftsync\\_%' AND r.rolname <> 'shiftsync_admin'
                 ORDER BY 1""");
    }

    static List<String> query(PostgresCluster server, String database, String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** Runs a PostgreSQL client as the admin (its password in the environment), returning what it printed. */
    static String run(Admin admin, List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", admin.password());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", argv) + ": " + out);
        return out;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else if (!f.getFileName().toString().startsWith(".")) {
                    Files.copy(f, dest);
                }
            }
        }
    }
}
