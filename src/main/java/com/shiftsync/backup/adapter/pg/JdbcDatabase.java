package com.shiftsync.backup.adapter.pg;

import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.RoleSet;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.SnapshotSession;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** {@link Database} over the PostgreSQL JDBC driver. */
public final class JdbcDatabase implements Database {
    /** SQLSTATE of DROP DATABASE while other sessions use the database. */
    private static final String OBJECT_IN_USE = "55006";

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
    public List<String> namesStartingWith(DatabaseUrl server, String prefix) {
        try (Connection conn = connectToServer(server);
             PreparedStatement ps = conn.prepareStatement(
                     "SELECT datname FROM pg_database WHERE left(datname, length(?)) = ? ORDER BY 1")) {
            ps.setString(1, prefix);
            ps.setString(2, prefix);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not list the databases on " + server + ": " + firstLine(e), e);
        }
    }

    @Override
    public boolean dropIfIdle(DatabaseUrl server, String database) {
        try (Connection conn = connectToServer(server); Statement st = conn.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + quote(database));
            return true;
        } catch (SQLException e) {
            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                return false;
            }
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not drop database '" + database + "' on " + server + ": " + firstLine(e), e);
        }
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
