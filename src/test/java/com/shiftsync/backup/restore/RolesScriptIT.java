package com.shiftsync.backup.restore;

import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.JdbcServerRoles;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.RoleSet;
import com.shiftsync.backup.domain.RolesScript;
import com.shiftsync.backup.port.ServerRoles;
import com.shiftsync.backup.port.SnapshotSession;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The roles file on real servers, names and attributes a hand-written test would not think of:
 * what a backup reads in its snapshot (owners, grantees of column, default and function
 * privileges, policy roles, memberships to the top, reserved roles left out) and what the file
 * creates from it on another server, attribute for attribute, twice without a change.
 */
class RolesScriptIT {
    /** A name that would end a comment, a string, an identifier and the DO block, were it not quoted. */
    static final String ODD = "Odd \"name\" it's $roles$ 100%\nnext line";

    static PostgresCluster source;
    static String db;

    @BeforeAll
    static void source() {
        source = PostgresCluster.fresh();
        source.execute("postgres", """
                CREATE ROLE top_group NOLOGIN;
                CREATE ROLE mid_group NOLOGIN NOINHERIT IN ROLE top_group;
                CREATE ROLE owner_role LOGIN CREATEDB CONNECTION LIMIT 3 VALID UNTIL '2031-02-03 04:05:06+00';
                ALTER ROLE owner_role SET search_path = "My Schema", public;
                ALTER ROLE owner_role SET statement_timeout = '5min';
                CREATE ROLE column_reader NOLOGIN;
                CREATE ROLE policy_role NOLOGIN;
                CREATE ROLE default_reader NOLOGIN;
                CREATE ROLE never_needed LOGIN;
                CREATE ROLE azure_pg_admin NOLOGIN;
                GRANT mid_group TO column_reader WITH ADMIN OPTION;
                GRANT azure_pg_admin TO owner_role;
                GRANT pg_read_all_stats TO owner_role;
                """);
        source.execute("postgres", "CREATE ROLE " + quote(ODD) + " NOLOGIN REPLICATION IN ROLE top_group");
        db = source.createDatabase("odd");
        source.execute(db, """
                CREATE SCHEMA "My Schema" AUTHORIZATION owner_role;
                SET ROLE owner_role;
                CREATE TABLE "My Schema".t (id int PRIMARY KEY, secret text);
                ALTER TABLE "My Schema".t ENABLE ROW LEVEL SECURITY;
                CREATE POLICY p ON "My Schema".t TO policy_role USING (true);
                GRANT SELECT (id) ON "My Schema".t TO column_reader;
                ALTER DEFAULT PRIVILEGES IN SCHEMA "My Schema" GRANT SELECT ON TABLES TO default_reader;
                RESET ROLE;
                """);
        source.execute(db, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; "
                + "ALTER FUNCTION f() OWNER TO " + quote(ODD) + "; GRANT SELECT ON \"My Schema\".t TO azure_pg_admin");
    }

    @Test
    @DisplayName("read in the dump's snapshot: owners, column/default/policy grantees and their groups to the top; "
            + "not the bootstrap superuser, pg_* or azure_* roles, nor a role nothing needs")
    void needed() {
        RoleSet roles = neededRoles();
        assertEquals(List.of("Odd \"name\" it's $roles$ 100%\nnext line", "column_reader", "default_reader",
                "mid_group", "owner_role", "policy_role", "top_group"), roles.names());
        assertEquals(List.of(new RoleSet.Membership("mid_group", "column_reader", true),
                new RoleSet.Membership("top_group", ODD, false),
                new RoleSet.Membership("top_group", "mid_group", false)), roles.memberships());
        RoleSet.Role owner = roles.roles().stream().filter(r -> r.name().equals("owner_role")).findFirst().orElseThrow();
        assertTrue(owner.login() && owner.createDb() && owner.inherit() && !owner.superuser());
        assertEquals(3, owner.connectionLimit());
        assertTrue(owner.validUntil().startsWith("2031-02-03 04:05:06"), owner.validUntil());
        assertEquals(List.of("search_path=\"My Schema\", public", "statement_timeout=5min"), owner.settings());
    }

    @Test
    @DisplayName("the file creates each missing role with its attributes, settings and memberships, as a superuser "
            + "refuses nothing; run again it changes nothing; no name escapes its quotes")
    void createsWhatWasThere() {
        RoleSet roles = neededRoles();
        String script = RolesScript.render(roles, BackupId.of("odd", Instant.parse("2024-01-15T02:00:00Z")));
        CapturedOutput.record(script);
        assertTrue(script.contains("DO $roles1$\n"), "the DO block's tag is not the one the odd name holds");
        script.lines().filter(l -> l.startsWith("--")).forEach(l -> assertFalse(l.contains("next line"), l));

        PostgresCluster target = PostgresCluster.fresh();
        ServerRoles server = new JdbcServerRoles();
        assertEquals(List.of(), server.apply(target.url("postgres"), script), "a superuser is refused nothing");
        assertEquals(describe(source, roles.names()), describe(target, roles.names()));
        assertEquals(roles.names(), server.look(target.url("postgres"), roles.names()).existing().stream().sorted()
                .toList());

        target.execute("postgres", "ALTER ROLE owner_role CONNECTION LIMIT 9");
        List<String> changed = describe(target, roles.names());
        assertEquals(List.of(), server.apply(target.url("postgres"), script));
        assertEquals(changed, describe(target, roles.names()), "existing roles are left as they are");
    }

    private RoleSet neededRoles() {
        try (SnapshotSession snapshot = new JdbcDatabase().openSnapshot(source.url(db))) {
            return snapshot.neededRoles();
        }
    }

    /** Each role as pg_roles and pg_auth_members describe it (password aside). */
    static List<String> describe(PostgresCluster server, List<String> names) {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT r.rolname, r.rolcanlogin, r.rolinherit, r.rolcreatedb, r.rolcreaterole, r.rolreplication,
                            r.rolbypassrls, r.rolsuper, r.rolconnlimit, r.rolvaliduntil, r.rolconfig,
                            (SELECT string_agg(g.rolname || CASE WHEN m.admin_option THEN '+' ELSE '' END, ','
                                               ORDER BY g.rolname)
                               FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                              WHERE m.member = r.oid AND g.rolname NOT LIKE 'pg\\_%' AND g.rolname NOT LIKE 'azure\\_%')
                       FROM pg_roles r ORDER BY 1""")) {
            while (rs.next()) {
                if (names.contains(rs.getString(1))) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= 12; i++) {
                        row.append(rs.getString(i)).append(" | ");
                    }
                    rows.add(row.toString());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
