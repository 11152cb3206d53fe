package com.shiftsync.backup.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Databases whose dumps carry SQL an attacker planted, as someone who can write the backup
 * store would: restored, they try to create login roles, alter other roles and alter another
 * database. The SQL acts only in a database named like the restore test's scratch databases,
 * so preparing the source and backing it up runs none of it; and the server's state (roles,
 * memberships, databases, per-role and per-database settings) is read whole, so a test can
 * show that nothing outside the scratch database changed.
 */
public final class PlantedDumps {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What the planted SQL goes for: a role ({@code victimRole}), a database other than the
     * scratch one ({@code victimDatabase}), and an Azure-like server admin, a login with
     * CREATEROLE and CREATEDB that is not a superuser, as Azure's admin is.
     */
    public record Targets(String victimRole, String victimDatabase, String adminRole, String adminPassword) {
    }

    private static Targets targets;

    private PlantedDumps() {
    }

    /** The targets on the shared cluster, made once per test JVM. */
    public static synchronized Targets targets(PostgresCluster pg) {
        if (targets == null) {
            String suffix = HexFormat.of().formatHex(RANDOM.generateSeed(4));
            String password = "adm-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
            TestSecrets.register(password);
            Targets t = new Targets("planted_victim_" + suffix, "planted_victim_db_" + suffix,
                    "planted_admin_" + suffix, password);
            pg.execute("postgres", "CREATE ROLE " + t.victimRole() + " NOLOGIN");
            pg.execute("postgres", "CREATE DATABASE " + t.victimDatabase());
            pg.execute("postgres", "CREATE ROLE " + t.adminRole() + " LOGIN CREATEROLE CREATEDB PASSWORD '"
                    + t.adminPassword() + "'");
            targets = t;
        }
        return targets;
    }

    /** The statements the planted function tries, in order, against {@code t}. */
    public static List<String> attacks(Targets t) {
        return List.of(
                "CREATE ROLE planted_superuser LOGIN SUPERUSER PASSWORD 'planted'",
                "CREATE ROLE planted_login LOGIN PASSWORD 'planted'",
                "ALTER ROLE " + t.victimRole() + " WITH LOGIN SUPERUSER CREATEROLE",
                "ALTER ROLE " + t.victimRole() + " PASSWORD 'planted'",
                "ALTER ROLE " + t.victimRole() + " SET search_path = planted",
                "ALTER ROLE " + t.adminRole() + " PASSWORD 'planted'",
                "GRANT pg_execute_server_program TO " + t.victimRole(),
                "ALTER DATABASE " + t.victimDatabase() + " SET default_transaction_read_only = on",
                "ALTER DATABASE " + t.victimDatabase() + " CONNECTION LIMIT 0",
                "ALTER DATABASE " + t.victimDatabase() + " OWNER TO " + t.victimRole());
    }

    /**
     * A database with a table of 100 rows and an empty table {@code public.planted_attempts},
     * and a function that, in a scratch database, runs {@link #attacks} one by one: with
     * {@code swallow}, it records each refused statement as a row of planted_attempts and goes
     * on (so every attack is tried, and the restored row count of planted_attempts, against
     * the manifest's 0, shows how many were refused); without, the first refusal fails the
     * restore. The function is called by a materialized view (pg_restore refreshes it) and,
     * with {@code swallow}, also by an index expression (pg_restore builds the index).
     */
    public static String database(PostgresCluster pg, Targets t, boolean swallow) {
        String db = pg.createDatabase(swallow ? "planted_quiet" : "planted_loud");
        StringBuilder attacks = new StringBuilder();
        for (String a : attacks(t)) {
            attacks.append(attacks.length() == 0 ? "" : ", ").append("'").append(a.replace("'", "''")).append("'");
        }
        pg.execute(db, """
                CREATE TABLE public.planted_rows (id integer PRIMARY KEY, note text);
                INSERT INTO public.planted_rows SELECT g, 'row ' || g FROM generate_series(1, 100) g;
                CREATE TABLE public.planted_attempts (via text, statement text, refused_with text);
                CREATE FUNCTION public.planted_attack(swallow boolean, via text) RETURNS integer
                LANGUAGE plpgsql AS $$
                DECLARE
                    stmt text;
                BEGIN
                    IF current_database() NOT LIKE 'shiftsync\\_verify\\_%%' THEN
                        RETURN 0;
                    END IF;
                    FOREACH stmt IN ARRAY ARRAY[%s] LOOP
                        IF swallow THEN
                            BEGIN
                                EXECUTE stmt;
                            EXCEPTION WHEN OTHERS THEN
                                INSERT INTO public.planted_attempts VALUES (via, stmt, SQLSTATE);
                            END;
                        ELSE
                            EXECUTE stmt;
                        END IF;
                    END LOOP;
                    RETURN 1;
                END;
                $$;
                CREATE MATERIALIZED VIEW public.planted_view AS
                    SELECT public.planted_attack(%s, 'materialized view') AS done;
                """.formatted(attacks, swallow));
        if (swallow) {
            pg.execute(db, """
                    CREATE FUNCTION public.planted_key(i integer) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
                    BEGIN
                        IF i = 1 THEN
                            PERFORM public.planted_attack(true, 'index expression');
                        END IF;
                        RETURN i;
                    END;
                    $$;
                    CREATE INDEX planted_index ON public.planted_rows (public.planted_key(id));
                    """);
        }
        return db;
    }

    /** What {@link #plantTocEntry} replaces: a comment whose text is this many x's. */
    private static final int PLACEHOLDER = 400;

    /** A database of 100 rows whose table has a long comment, the place {@link #plantTocEntry} takes over. */
    public static String databaseForTocEntry(PostgresCluster pg) {
        String db = pg.createDatabase("planted_toc");
        pg.execute(db, "CREATE TABLE public.planted_rows (id integer PRIMARY KEY, note text);"
                + "INSERT INTO public.planted_rows SELECT g, 'row ' || g FROM generate_series(1, 100) g;"
                + "COMMENT ON TABLE public.planted_rows IS '" + "x".repeat(PLACEHOLDER) + "'");
        return db;
    }

    /**
     * Rewrites, in a custom-format archive of {@link #databaseForTocEntry}, the table of
     * contents entry of that comment into {@code sql}, padded to the same length (the table of
     * contents is stored uncompressed, with no checksum): pg_restore then runs {@code sql} as
     * that entry. Then gives the backup's manifest the archive's new SHA-256, as whoever
     * planted it would. Returns the new SHA-256.
     */
    public static String plantTocEntry(Path archive, Path manifest, String sql) {
        try {
            byte[] bytes = Files.readAllBytes(archive);
            byte[] comment = ("COMMENT ON TABLE public.planted_rows IS '" + "x".repeat(PLACEHOLDER) + "';\n")
                    .getBytes(StandardCharsets.US_ASCII);
            int at = indexOf(bytes, comment);
            if (at < 0 || indexOf(Arrays.copyOfRange(bytes, at + 1, bytes.length), comment) >= 0) {
                throw new IllegalStateException("the archive does not hold the placeholder comment exactly once");
            }
            String padded = sql + ";";
            if (padded.length() + 1 > comment.length) {
                throw new IllegalArgumentException("planted SQL longer than the placeholder");
            }
            padded = padded + " ".repeat(comment.length - 1 - padded.length()) + "\n";
            System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, bytes, at, comment.length);
            Files.write(archive, bytes);
            java.security.MessageDigest digest = Sha256.digest();
            digest.update(bytes);
            String sha = Sha256.hex(digest);
            ObjectNode json = (ObjectNode) Json.MAPPER.readTree(manifest.toFile());
            json.put("sha256", sha);
            Files.writeString(manifest, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
            return sha;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Every role with its attributes and a digest of its password, every membership, every
     * database with its owner, flags, limit and privileges, and every per-role and
     * per-database setting: one line each, sorted.
     */
    public static List<String> serverState(PostgresCluster pg) {
        String query = """
                SELECT 'role ' || a.rolname || ' super=' || a.rolsuper || ' inherit=' || a.rolinherit
                       || ' createrole=' || a.rolcreaterole || ' createdb=' || a.rolcreatedb
                       || ' login=' || a.rolcanlogin || ' replication=' || a.rolreplication
                       || ' bypassrls=' || a.rolbypassrls || ' connlimit=' || a.rolconnlimit
                       || ' validuntil=' || coalesce(a.rolvaliduntil::text, '-')
                       || ' password=' || md5(coalesce(a.rolpassword, ''))
                  FROM pg_authid a
                UNION ALL
                SELECT 'member ' || m.roleid::regrole::text || ' <- ' || m.member::regrole::text
                       || ' admin=' || m.admin_option
                  FROM pg_auth_members m
                UNION ALL
                SELECT 'database ' || d.datname || ' owner=' || pg_get_userbyid(d.datdba)
                       || ' allowconn=' || d.datallowconn || ' connlimit=' || d.datconnlimit
                       || ' template=' || d.datistemplate || ' acl=' || coalesce(d.datacl::text, '-')
                  FROM pg_database d
                UNION ALL
                SELECT 'setting ' || coalesce((SELECT datname FROM pg_database WHERE oid = s.setdatabase), '*')
                       || '/' || coalesce((SELECT rolname FROM pg_authid WHERE oid = s.setrole), '*')
                       || ' ' || s.setconfig::text
                  FROM pg_db_role_setting s
                ORDER BY 1""";
        List<String> lines = new ArrayList<>();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return lines;
    }
}
