package com.shiftsync.backup.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The restore test's scratch databases and roles present on the cluster, read from pg_database and pg_roles. */
public final class ScratchDatabases {
    private ScratchDatabases() {
    }

    public static List<String> on(PostgresCluster pg) {
        return names(pg, "SELECT datname FROM pg_database WHERE datname LIKE 'shiftsync\\_verify\\_%' ORDER BY 1");
    }

    /** The restore test's throwaway roles (named like its scratch databases). */
    public static List<String> rolesOn(PostgresCluster pg) {
        return names(pg, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'shiftsync\\_verify\\_%' ORDER BY 1");
    }

    private static List<String> names(PostgresCluster pg, String query) {
        List<String> names = new ArrayList<>();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
