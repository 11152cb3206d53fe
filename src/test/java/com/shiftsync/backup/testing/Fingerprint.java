package com.shiftsync.backup.testing;

import com.shiftsync.backup.domain.DatabaseUrl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What "the same database" means in the tests: the same schema (pg_dump --schema-only,
 * with pg_dump 15's random \restrict lines removed), the same rows in every table and
 * materialized view (an MD5 of every row's text, in order), and the same sequence values.
 */
public final class Fingerprint {
    private Fingerprint() {
    }

    public static String schema(PostgresCluster cluster, String database) {
        DatabaseUrl url = cluster.url(database);
        try {
            ProcessBuilder pb = new ProcessBuilder(cluster.binaries().resolve("pg_dump").toString(), "--schema-only",
                    "--no-password", "--dbname=" + url.toLibpqUri()).redirectErrorStream(true);
            pb.environment().put("PGPASSWORD", cluster.password());
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pg_dump --schema-only failed: " + out);
            }
            return out.lines().filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** "schema.relation" -> rows and MD5 of all rows' text, for tables, partitions and materialized views. */
    public static Map<String, String> data(PostgresCluster cluster, String database) {
        Map<String, String> result = new TreeMap<>();
        try (Connection c = cluster.connect(database); Statement st = c.createStatement()) {
            List<String> relations = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("""
                    SELECT format('%I.%I', n.nspname, c.relname), n.nspname || '.' || c.relname
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                       AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 2""")) {
                while (rs.next()) {
                    relations.add(rs.getString(1) + "\u0000" + rs.getString(2));
                }
            }
            for (String r : relations) {
                String[] parts = r.split("\u0000");
                try (ResultSet rs = st.executeQuery("SELECT count(*) || ':' || md5(coalesce(string_agg(x, E'\\n' "
                        + "ORDER BY x), '')) FROM (SELECT t::text AS x FROM ONLY " + parts[0] + " t) s")) {
                    rs.next();
                    result.put(parts[1], rs.getString(1));
                }
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT schemaname || '.' || sequencename, coalesce(last_value, 0) FROM pg_sequences")) {
                while (rs.next()) {
                    result.put("sequence " + rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    /** Live row counts of ordinary tables, as the manifest keys them. */
    public static Map<String, Long> rowCounts(PostgresCluster cluster, String database) {
        return data(cluster, database).entrySet().stream()
                .filter(e -> !e.getKey().startsWith("sequence "))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Long.parseLong(e.getValue().split(":")[0]),
                        (a, b) -> a, TreeMap::new));
    }
}
