package com.shiftsync.backup.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The restore test's scratch databases present on the cluster, read from pg_database. */
public final class ScratchDatabases {
    private ScratchDatabases() {
    }

    public static List<String> on(PostgresCluster pg) {
        List<String> names = new ArrayList<>();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT datname FROM pg_database WHERE datname LIKE 'shiftsync\\_verify\\_%' ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
