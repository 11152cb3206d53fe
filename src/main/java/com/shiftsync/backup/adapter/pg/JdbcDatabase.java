package com.shiftsync.backup.adapter.pg;

import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.RoleSet;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.SnapshotSession;
import org.postgresql.PGConnection;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@link Database} over the PostgreSQL JDBC driver. Every call is bounded: the connection
 * (connect_timeout, 10 s unless the URL says otherwise; the whole login within
 * {@value #LOGIN_TIMEOUT_SECONDS} s), each statement ({@code statement_timeout}, enforced by the
 * server) and each wait for an answer (the socket timeout, a little longer), so a server that
 * stops answering fails the job instead of holding it.
 */
public final class JdbcDatabase implements Database {
    /** The longest one statement may run: counting the rows of a very large table, say. */
    static final java.time.Duration STATEMENT_TIMEOUT = java.time.Duration.ofHours(1);
    static final int LOGIN_TIMEOUT_SECONDS = 30;
    /** SQLSTATE of DROP DATABASE while other sessions use the database. */
    private static final String OBJECT_IN_USE = "55006";
    /** SQLSTATE of a statement the user lacks the right (role attribute, privilege) for. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Ordinary tables and partitions, outside system schemas, not owned by an extension: what pg_dump dumps data of. */
    private static final String TABLES = """
            SELECT n.nspname, c.relname
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY 1, 2""";

    static Connection connect(DatabaseUrl url) {
        Properties props = new Properties();
        props.setProperty("user", url.user());
        props.setProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
        props.setProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT.toMillis());
        props.setProperty("socketTimeout", String.valueOf(STATEMENT_TIMEOUT.plusMinutes(1).toSeconds()));
        url.passwordIfAny().ifPresent(p -> props.setProperty("password", p));
        try {
            return DriverManager.getConnection(url.toJdbcUrl(), props);
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not connect to " + url + ": " + connectFailure(url, e), e.getSQLState(), e);
        }
    }

    /** Why a connection failed, in words: the driver's "The connection attempt failed." says nothing. */
    private static String connectFailure(DatabaseUrl url, SQLException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.UnknownHostException) {
                return "the host name '" + url.host() + "' does not resolve (no such host)";
            }
            if (c instanceof java.net.SocketTimeoutException) {
                return "no answer from " + url.host() + ":" + url.port() + " (timed out; a firewall, or the wrong host "
                        + "or port?)";
            }
        }
        String line = firstLine(e);
        if (line.contains("but no password was provided")) {
            return "the server asks for a password and none was given for user '" + url.user() + "'";
        }
        return line;
    }

    @Override
    public java.util.Optional<Facts> facts(DatabaseUrl url) {
        if (!exists(url, url.database())) {
            return java.util.Optional.empty();
        }
        try (Connection conn = connect(url); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_database_size(current_database()), (SELECT count(*) FROM ("
                     + TABLES + ") t)")) {
            rs.next();
            return java.util.Optional.of(new Facts(rs.getLong(1), rs.getInt(2)));
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not look into database '" + url.database() + "' on " + url + ": " + firstLine(e), e);
        }
    }

    @Override
    public SnapshotSession openSnapshot(DatabaseUrl url) {
        Connection conn = connect(url);
        try {
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                String snapshot = single(st, "SELECT pg_export_snapshot()");
                String version = single(st, "SHOW server_version");
                return new JdbcSnapshot(conn, snapshot, version, url);
            }
        } catch (SQLException e) {
            closeQuietly(conn);
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not open a snapshot on " + url + ": " + firstLine(e), e);
        }
    }

    @Override
    public Map<String, Long> countRows(DatabaseUrl url) {
        try (Connection conn = connect(url)) {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Map<String, Long> counts = count(conn);
            conn.commit();
            return counts;
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not count rows in " + url + ": " + firstLine(e), e);
        }
    }

    static Map<String, Long> count(Connection conn) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(TABLES)) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Statement st = conn.createStatement()) {
            for (String[] t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + quote(t[0]) + "." + quote(t[1]))) {
                    rs.next();
                    counts.put(t[0] + "." + t[1], rs.getLong(1));
                }
            }
        }
        return counts;
    }

    @Override
    public boolean exists(DatabaseUrl server, String database) {
        try (Connection conn = connectToServer(server);
             PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not look for database '" + database + "' on " + server + ": " + firstLine(e), e);
        }
    }

    @Override
    public String serverVersion(DatabaseUrl server) {
        try (Connection conn = connectToServer(server); Statement st = conn.createStatement()) {
            return single(st, "SHOW server_version");
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not read the server version of " + server + ": " + firstLine(e), e);
        }
    }

    @Override
    public void create(DatabaseUrl server, String database) {
        try (Connection conn = connectToServer(server); Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE " + quote(database));
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not create database '" + database + "' on " + server + ": " + firstLine(e), e);
        }
    }

    @Override
    public void drop(DatabaseUrl server, String database) {
        try (Connection conn = connectToServer(server); Statement st = conn.createStatement()) {
            clearTemplateFlag(conn, database);
            try {
                st.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
            } catch (SQLException olderThan13) {
                try (PreparedStatement ps = conn.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
                    ps.setString(1, database);
                    ps.execute();
                }
                st.execute("DROP DATABASE IF EXISTS " + quote(database));
            }
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not drop database '" + database + "' on " + server + ": " + firstLine(e), e);
        }
    }

    @Override
    public DatabaseUrl createSandbox(DatabaseUrl server, String name) {
        DatabaseUrl sandbox = server.withLogin(name, randomPassword()).withDatabase(name);
        boolean roleCreated = false;
        boolean databaseCreated = false;
        String step = "connect";
        try {
            try (Connection conn = connectToServer(server); Statement st = conn.createStatement()) {
                step = "create role " + name;
                // the server's clock: the password is good for a day, longer than the longest restore
                String validUntil = single(st, "SELECT to_char((now() + interval '1 day') AT TIME ZONE 'UTC', "
                        + "'YYYY-MM-DD HH24:MI:SS') || '+00'");
                st.execute("CREATE ROLE " + quote(name) + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                        + "NOREPLICATION NOBYPASSRLS VALID UNTIL '" + validUntil + "'");
                roleCreated = true;
                step = "set the password of role " + name;
                conn.unwrap(PGConnection.class).alterUserPassword(name,
                        sandbox.passwordIfAny().orElseThrow().toCharArray(), "scram-sha-256");
                if (!isSuperuser(st)) {
                    // CREATE DATABASE ... OWNER, and later DROP DATABASE, need membership in the owner
                    // (the admin gains the role's rights, never the other way round)
                    step = "grant role " + name + " to " + server.user();
                    st.execute("GRANT " + quote(name) + " TO CURRENT_USER");
                }
                step = "create database " + name;
                st.execute("CREATE DATABASE " + quote(name) + " OWNER " + quote(name));
                databaseCreated = true;
                step = "revoke connecting to database " + name + " from PUBLIC";
                st.execute("REVOKE ALL ON DATABASE " + quote(name) + " FROM PUBLIC");
            } catch (SQLException e) {
                String fix = INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) ? ": " + server.user() + " needs CREATEROLE "
                        + "and CREATEDB (the Azure server admin has both)" : "";
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not " + step + " on " + server.host() + ":"
                        + server.port() + " as " + server.user() + ": " + firstLine(e) + fix, e.getSQLState(), e);
            }
            checkSandbox(sandbox);
            return sandbox;
        } catch (RuntimeException e) {
            throw undo(server, name, roleCreated, databaseCreated, ShiftSyncException.wrap(e));
        }
    }

    private static boolean isSuperuser(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The sandbox's role logs in, and has no right beyond its database: else it is no sandbox. */
    private static void checkSandbox(DatabaseUrl sandbox) {
        try (Connection conn = connect(sandbox); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, "
                     + "r.rolbypassrls, (SELECT count(*) FROM pg_catalog.pg_auth_members m WHERE m.member = r.oid) "
                     + "FROM pg_catalog.pg_roles r WHERE r.rolname = current_user")) {
            rs.next();
            if (rs.getBoolean(1) || rs.getBoolean(2) || rs.getBoolean(3) || rs.getBoolean(4) || rs.getBoolean(5)
                    || rs.getLong(6) > 0) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "role " + sandbox.user() + " has more rights than "
                        + "it was created with (superuser, createrole, createdb, replication, bypassrls or a "
                        + "membership): something on " + sandbox.host() + " grants them to new roles");
            }
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not check the rights of role " + sandbox.user()
                    + ": " + firstLine(e), e.getSQLState(), e);
        } catch (ShiftSyncException e) {
            if (e.upstreamCode() != null && e.upstreamCode().startsWith("28")) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "role " + sandbox.user()
                        + " could not log in with its password (" + e.getMessage() + "): the server must accept "
                        + "password logins (on Azure: authentication \"PostgreSQL and Microsoft Entra authentication\", "
                        + "not Microsoft Entra only)", e.upstreamCode(), e);
            }
            throw e;
        }
    }

    /** Drops what a sandbox that failed half-way had created, and says so in the failure. */
    private ShiftSyncException undo(DatabaseUrl server, String name, boolean roleCreated, boolean databaseCreated,
                                    ShiftSyncException failure) {
        if (!roleCreated) {
            return failure;
        }
        try {
            if (databaseCreated) {
                dropSandbox(server, name);
            } else {
                dropRole(server, name);
            }
            return failure;
        } catch (RuntimeException undoFailed) {
            return new ShiftSyncException(failure.code(), failure.getMessage() + "; role and database " + name
                    + " could not be dropped again (" + ShiftSyncException.wrap(undoFailed).getMessage()
                    + "): drop them by hand", failure.upstreamCode(), failure);
        }
    }

    @Override
    public void dropSandbox(DatabaseUrl server, String name) {
        drop(server, name);
        dropRole(server, name);
    }

    @Override
    public boolean dropSandboxIfIdle(DatabaseUrl server, String name) {
        try (Connection conn = connectToServer(server); Statement st = conn.createStatement()) {
            clearTemplateFlag(conn, name);
            st.execute("DROP DATABASE IF EXISTS " + quote(name));
        } catch (SQLException e) {
            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                return false;
            }
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not drop database '" + name + "' on " + server + ": " + firstLine(e), e);
        }
        dropRole(server, name);
        return true;
    }

    /**
     * A database's owner may mark it a template, which DROP DATABASE refuses: the sandbox's SQL
     * could use that to outlive the test. Its creator, a member of the owner, clears it first.
     */
    private static void clearTemplateFlag(Connection conn, String database) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ? AND datistemplate")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        try (Statement st = conn.createStatement()) {
            st.execute("ALTER DATABASE " + quote(database) + " WITH IS_TEMPLATE false");
        }
    }

    private static void dropRole(DatabaseUrl server, String role) {
        try (Connection conn = connectToServer(server); Statement st = conn.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + quote(role));
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not drop role '" + role + "' on " + server + ": " + firstLine(e), e);
        }
    }

    @Override
    public List<String> sandboxesStartingWith(DatabaseUrl server, String prefix) {
        try (Connection conn = connectToServer(server);
             PreparedStatement ps = conn.prepareStatement(
                     "SELECT datname FROM pg_catalog.pg_database WHERE left(datname, length(?)) = ? "
                             + "UNION SELECT rolname FROM pg_catalog.pg_roles WHERE left(rolname, length(?)) = ? "
                             + "AND NOT (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls) "
                             + "ORDER BY 1")) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, prefix);
            }
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not list the databases and roles on " + server + ": " + firstLine(e), e);
        }
    }

    /** 32 random bytes, hex: the sandbox role's password, which never leaves this process but for its children. */
    private static String randomPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A session on the server of {@code url}, in its own database or, if that is gone, in "postgres". */
    static Connection connectToServer(DatabaseUrl url) {
        try {
            return connect(url);
        } catch (ShiftSyncException e) {
            if (url.database().equals("postgres")) {
                throw e;
            }
            return connect(url.withDatabase("postgres"));
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String firstLine(SQLException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = msg.indexOf('\n');
        return (nl < 0 ? msg : msg.substring(0, nl)).replaceFirst("^(FATAL|ERROR): +", "");
    }

    private static void closeQuietly(Connection conn) {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // closing after a failure: the first failure is the one to report
        }
    }

    private static final class JdbcSnapshot implements SnapshotSession {
        private final Connection conn;
        private final String snapshotId;
        private final String serverVersion;
        private final DatabaseUrl url;

        JdbcSnapshot(Connection conn, String snapshotId, String serverVersion, DatabaseUrl url) {
            this.conn = conn;
            this.snapshotId = snapshotId;
            this.serverVersion = serverVersion;
            this.url = url;
        }

        @Override
        public String snapshotId() {
            return snapshotId;
        }

        @Override
        public String serverVersion() {
            return serverVersion;
        }

        @Override
        public Map<String, Long> countRows() {
            try {
                return count(conn);
            } catch (SQLException e) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                        "could not count rows in " + url + ": " + firstLine(e), e);
            }
        }

        @Override
        public RoleSet neededRoles() {
            try {
                return JdbcServerRoles.needed(conn);
            } catch (SQLException e) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                        "could not read the roles " + url.database() + " needs: " + firstLine(e), e);
            }
        }

        @Override
        public void close() {
            try {
                conn.rollback();
            } catch (SQLException ignored) {
                // the snapshot ends with the session either way
            }
            closeQuietly(conn);
        }
    }
}
