package com.shiftsync.backup.testing;

import com.shiftsync.backup.domain.DatabaseUrl;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for the tests: the machine's own server binaries,
 * {@code initdb} into a temporary folder, {@code pg_ctl start} on a free loopback port,
 * scram-sha-256 with a random superuser password. One per test JVM, stopped at exit. As
 * root (CI), it runs as the {@code postgres} user, since PostgreSQL refuses root. When
 * no server binaries exist it fails loudly: a test never passes by skipping PostgreSQL.
 */
public final class PostgresCluster {
    private static PostgresCluster shared;

    private final Path bin;
    private final Path home;
    private final int port;
    private final String password;

    private PostgresCluster(Path bin, Path home, int port, String password) {
        this.bin = bin;
        this.home = home;
        this.port = port;
        this.password = password;
    }

    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = start();
            PostgresCluster cluster = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
        }
        return shared;
    }

    public static Path serverBinaries() {
        Optional<Path> bin = Optional.empty();
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> majors = Files.list(root)) {
                bin = majors.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                        .map(p -> p.resolve("bin"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return bin.orElseThrow(() -> new IllegalStateException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql: "
                        + "run bin/setup (apt install postgresql) before the tests"));
    }

    private static PostgresCluster start() {
        Path bin = serverBinaries();
        try {
            Path home = Files.createTempDirectory("shiftsync-pg-");
            String password = "pg-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
            TestSecrets.register(password);
            Path pwfile = home.resolve("pwfile");
            Files.writeString(pwfile, password + "\n");
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                run(List.of("chown", "-R", "postgres:postgres", home.toString()));
            }
            int port = freePort();
            run(asPostgres(root, List.of(bin.resolve("initdb").toString(), "-D", home.resolve("data").toString(),
                    "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync")));
            String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + home
                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            run(asPostgres(root, List.of(bin.resolve("pg_ctl").toString(), "-D", home.resolve("data").toString(),
                    "-o", options, "-l", home.resolve("server.log").toString(), "-w", "-t", "60", "start")));
            return new PostgresCluster(bin, home, port, password);
        } catch (IOException e) {
            throw new IllegalStateException("could not start a throwaway PostgreSQL cluster: " + e, e);
        }
    }

    private static List<String> asPostgres(boolean root, List<String> argv) {
        if (!root) {
            return argv;
        }
        List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        all.addAll(argv);
        return all;
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", argv) + "' failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void stop() {
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            run(asPostgres(root, List.of(bin.resolve("pg_ctl").toString(), "-D", home.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop")));
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | RuntimeException ignored) {
            // the JVM is ending; a leftover temp folder is harmless
        }
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** The superuser URL (with password) of {@code database}. */
    public DatabaseUrl url(String database) {
        return DatabaseUrl.parse("postgresql://postgres:" + password + "@127.0.0.1:" + port + "/" + database);
    }

    /** libpq URI text, with password, of {@code database}. */
    public String urlText(String database) {
        return "postgresql://postgres:" + password + "@127.0.0.1:" + port + "/"
                + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** A new empty database with a unique name starting with {@code prefix}. */
    public String createDatabase(String prefix) {
        String name = prefix + "_" + Long.toHexString(System.nanoTime());
        execute("postgres", "CREATE DATABASE \"" + name + "\"");
        return name;
    }

    public void dropDatabase(String name) {
        execute("postgres", "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", password);
    }

    public void execute(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Runs a SQL script from the test resources (simple statements separated by the driver). */
    public void executeResource(String database, String resource) {
        try (var in = PostgresCluster.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            execute(database, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path binaries() {
        return bin;
    }
}
