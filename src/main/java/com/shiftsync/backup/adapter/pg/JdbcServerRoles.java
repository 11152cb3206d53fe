package com.shiftsync.backup.adapter.pg;

import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.RoleSet;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.ServerRoles;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link ServerRoles} over JDBC, and the catalog query that finds the roles a database needs
 * ({@link #needed}), which a backup runs in its dump's snapshot. Plain SQL on the catalogs any
 * user may read ({@code pg_roles}, never {@code pg_authid}, which Azure keeps from the admin),
 * so it needs no superuser and no client binary of a particular version.
 */
public final class JdbcServerRoles implements ServerRoles {
    /** Seconds a roles file, or a look at the roles, may run: a few rows, and never a wait forever on a lock. */
    private static final int APPLY_TIMEOUT_SECONDS = 120;
    /** Seconds the catalog query of a backup may run: it reads every object's owner and privileges once. */
    private static final int NEEDED_TIMEOUT_SECONDS = 600;
    private static final String WARNING = "01000";

    /**
     * Every role a database's objects name (owners; grantees and grantors of every privilege,
     * column and default privileges included; policy roles; user mappings), then the roles those
     * are members of, to the top. Reserved roles (the bootstrap superuser, OID 10; the names and
     * prefixes {@link RoleSet#RESERVED}) are neither taken nor followed.
     */
    private static final String NEEDED = """
            WITH RECURSIVE acls(acl) AS (
                SELECT datacl FROM pg_catalog.pg_database WHERE datname = current_database()
                UNION ALL SELECT nspacl FROM pg_catalog.pg_namespace
                UNION ALL SELECT relacl FROM pg_catalog.pg_class
                UNION ALL SELECT attacl FROM pg_catalog.pg_attribute WHERE attacl IS NOT NULL
                UNION ALL SELECT proacl FROM pg_catalog.pg_proc
                UNION ALL SELECT typacl FROM pg_catalog.pg_type
                UNION ALL SELECT lanacl FROM pg_catalog.pg_language
                UNION ALL SELECT lomacl FROM pg_catalog.pg_largeobject_metadata
                UNION ALL SELECT defaclacl FROM pg_catalog.pg_default_acl
                UNION ALL SELECT fdwacl FROM pg_catalog.pg_foreign_data_wrapper
                UNION ALL SELECT srvacl FROM pg_catalog.pg_foreign_server
            ), referenced(oid) AS (
                SELECT datdba FROM pg_catalog.pg_database WHERE datname = current_database()
                UNION SELECT nspowner FROM pg_catalog.pg_namespace
                UNION SELECT relowner FROM pg_catalog.pg_class
                UNION SELECT proowner FROM pg_catalog.pg_proc
                UNION SELECT typowner FROM pg_catalog.pg_type
                UNION SELECT lanowner FROM pg_catalog.pg_language
                UNION SELECT collowner FROM pg_catalog.pg_collation
                UNION SELECT conowner FROM pg_catalog.pg_conversion
                UNION SELECT oprowner FROM pg_catalog.pg_operator
                UNION SELECT opcowner FROM pg_catalog.pg_opclass
                UNION SELECT opfowner FROM pg_catalog.pg_opfamily
                UNION SELECT cfgowner FROM pg_catalog.pg_ts_config
                UNION SELECT dictowner FROM pg_catalog.pg_ts_dict
                UNION SELECT extowner FROM pg_catalog.pg_extension
                UNION SELECT evtowner FROM pg_catalog.pg_event_trigger
                UNION SELECT pubowner FROM pg_catalog.pg_publication
                UNION SELECT stxowner FROM pg_catalog.pg_statistic_ext
                UNION SELECT fdwowner FROM pg_catalog.pg_foreign_data_wrapper
                UNION SELECT srvowner FROM pg_catalog.pg_foreign_server
                UNION SELECT lomowner FROM pg_catalog.pg_largeobject_metadata
                UNION SELECT defaclrole FROM pg_catalog.pg_default_acl
                UNION SELECT umuser FROM pg_catalog.pg_user_mappings
                UNION SELECT unnest(polroles) FROM pg_catalog.pg_policy
                UNION SELECT a.grantee FROM acls, pg_catalog.aclexplode(acls.acl) a
                UNION SELECT a.grantor FROM acls, pg_catalog.aclexplode(acls.acl) a
            ), allowed(oid) AS (
                SELECT r.oid FROM pg_catalog.pg_roles r
                 WHERE r.oid <> 10 AND NOT r.rolname = ANY (?::text[])
                   AND NOT EXISTS (SELECT FROM unnest(?::text[]) p(prefix)
                                    WHERE left(r.rolname, length(p.prefix)) = p.prefix)
            ), needed(oid) AS (
                SELECT oid FROM referenced JOIN allowed USING (oid)
                UNION
                SELECT m.roleid FROM needed n JOIN pg_catalog.pg_auth_members m ON m.member = n.oid
                  JOIN allowed a ON a.oid = m.roleid
            )
            SELECT r.rolname, r.rolcanlogin, r.rolinherit, r.rolcreatedb, r.rolcreaterole, r.rolreplication,
                   r.rolbypassrls, r.rolsuper, r.rolconnlimit, r.rolvaliduntil::text, r.rolconfig
              FROM pg_catalog.pg_roles r WHERE r.oid IN (SELECT oid FROM needed)
             ORDER BY r.rolname""";

    /** Memberships among the roles named (PostgreSQL 16 keeps one row per grantor: one is enough). */
    private static final String MEMBERSHIPS = """
            SELECT g.rolname, u.rolname, bool_or(m.admin_option)
              FROM pg_catalog.pg_auth_members m
              JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
              JOIN pg_catalog.pg_roles u ON u.oid = m.member
             WHERE g.rolname = ANY (?::text[]) AND u.rolname = ANY (?::text[])
             GROUP BY 1, 2
             ORDER BY 1, 2""";

    /** The roles {@code conn}'s database needs, in {@code conn}'s transaction (and so its snapshot). */
    static RoleSet needed(Connection conn) throws SQLException {
        List<RoleSet.Role> roles = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(NEEDED)) {
            ps.setQueryTimeout(NEEDED_TIMEOUT_SECONDS);
            ps.setArray(1, conn.createArrayOf("text", RoleSet.RESERVED.toArray()));
            ps.setArray(2, conn.createArrayOf("text", RoleSet.RESERVED_PREFIXES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array config = rs.getArray(11);
                    roles.add(new RoleSet.Role(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3),
                            rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7),
                            rs.getBoolean(8), rs.getInt(9), rs.getString(10),
                            config == null ? List.of() : Arrays.asList((String[]) config.getArray())));
                }
            }
        }
        Array names = conn.createArrayOf("text", roles.stream().map(RoleSet.Role::name).toArray());
        List<RoleSet.Membership> memberships = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(MEMBERSHIPS)) {
            ps.setQueryTimeout(NEEDED_TIMEOUT_SECONDS);
            ps.setArray(1, names);
            ps.setArray(2, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    memberships.add(new RoleSet.Membership(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        return new RoleSet(roles, memberships);
    }

    @Override
    public Facts look(DatabaseUrl server, Collection<String> names) {
        try (Connection conn = JdbcDatabase.connectToServer(server)) {
            Set<String> existing = new HashSet<>();
            Set<String> login = new HashSet<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT rolname, rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = ANY (?::text[])")) {
                ps.setQueryTimeout(APPLY_TIMEOUT_SECONDS);
                ps.setArray(1, conn.createArrayOf("text", names.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.add(rs.getString(1));
                        if (rs.getBoolean(2)) {
                            login.add(rs.getString(1));
                        }
                    }
                }
            }
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT current_user, rolsuper OR rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
                rs.next();
                return new Facts(existing, login, rs.getString(1), rs.getBoolean(2));
            }
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read the roles on " + server.host() + ":"
                    + server.port() + ": " + JdbcDatabase.firstLine(e), e.getSQLState(), e);
        }
    }

    @Override
    public List<String> apply(DatabaseUrl server, String script) {
        try (Connection conn = JdbcDatabase.connectToServer(server); Statement st = conn.createStatement()) {
            st.setQueryTimeout(APPLY_TIMEOUT_SECONDS);
            st.execute(script);
            List<String> warnings = new ArrayList<>();
            for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
                // RAISE WARNING carries SQLSTATE 01000; the script's NOTICEs (00000) only say what it did
                if (WARNING.equals(w.getSQLState())) {
                    warnings.add(w.getMessage());
                }
            }
            return warnings;
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not create the backup's roles on "
                    + server.host() + ":" + server.port() + ": " + JdbcDatabase.firstLine(e)
                    + "; no role was created", e.getSQLState(), e);
        }
    }

    @Override
    public void drop(DatabaseUrl server, List<String> names) {
        try (Connection conn = JdbcDatabase.connectToServer(server); Statement st = conn.createStatement()) {
            st.setQueryTimeout(APPLY_TIMEOUT_SECONDS);
            for (String name : names) {
                st.execute("DROP ROLE IF EXISTS " + JdbcDatabase.quote(name));
            }
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not drop roles " + String.join(", ", names)
                    + " on " + server.host() + ":" + server.port() + ": " + JdbcDatabase.firstLine(e), e);
        }
    }
}
