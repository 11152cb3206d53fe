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
 * A second major, PostgreSQL 17, comes from what {@code bin/setup} prepares
 * ({@code bin/lib/postgres17.sh}: Debian 13's packages, unpacked and patched): its server
 * ({@link #postgres17()}) and its client folder ({@link #postgres17Binaries()}).
 */
public final class PostgresCluster {
    /** The host name every "restored server" of the Resource Manager fake has; tls/hosts maps it to {@link #RESTORED_ADDRESS}. */
    public static final String RESTORED_HOST = "restored.postgres.shiftsync.test";
    static final String RESTORED_ADDRESS = "127.0.0.2";
    /**
     * The host name of the empty server a dump drill creates through the Resource Manager fake;
     * tls/hosts maps it to {@link #DRILL_ADDRESS}.
     */
    public static final String DRILL_HOST = "drill.postgres.shiftsync.test";
    static final String DRILL_ADDRESS = "127.0.0.4";
    private static final java.util.Map<Integer, PostgresCluster> DRILL_SERVERS = new java.util.HashMap<>();
    private static PostgresCluster shared;
    private static PostgresCluster restored;
    private static PostgresCluster seventeen;

    private final Path bin;
    private final Path home;
    private final String address;
    private final int port;
    private final String password;

    private PostgresCluster(Path bin, Path home, String address, int port, String password) {
        this.bin = bin;
        this.home = home;
        this.address = address;
        this.port = port;
        this.password = password;
    }

    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = start(serverBinaries(), "127.0.0.1", freePort(), "pg-"
                    + HexFormat.of().formatHex(new SecureRandom().generateSeed(12)), null);
            PostgresCluster cluster = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
        }
        return shared;
    }

    /**
     * A second server, standing in for one Azure restored: on {@value #RESTORED_ADDRESS}, reached
     * by the name {@link #RESTORED_HOST}, on the shared cluster's port with the same superuser
     * password (a restore copies the roles), and with TLS on, as every Azure server has it, its
     * certificate for that name signed by the test CA ({@link TestCa}): the app checks a restored
     * server with sslmode=verify-full.
     */
    public static synchronized PostgresCluster restoredServer() {
        if (restored == null) {
            PostgresCluster source = shared();
            restored = start(serverBinaries(), RESTORED_ADDRESS, source.port, source.password, RESTORED_HOST);
            PostgresCluster cluster = restored;
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
        }
        return restored;
    }

    /**
     * The brand-new, empty server a dump drill of {@code source} creates: on {@value #DRILL_ADDRESS},
     * reached by the name {@link #DRILL_HOST}, on {@code source}'s port (the app reaches a new server
     * on DATABASE_URL's port, as on Azure's 5432), TLS on with a certificate for that name signed by
     * the test CA, and only the bootstrap superuser (its own random password, which only the test and
     * the Resource Manager fake use: the fake creates the admin the create asks for, as Azure does).
     * One per source port, stopped at exit.
     */
    public static synchronized PostgresCluster drillServer(PostgresCluster source) {
        return DRILL_SERVERS.computeIfAbsent(source.port, port -> {
            PostgresCluster cluster = start(serverBinaries(), DRILL_ADDRESS, port, "pg-drill-"
                    + HexFormat.of().formatHex(new SecureRandom().generateSeed(12)), DRILL_HOST);
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
            return cluster;
        });
    }

    /**
     * A PostgreSQL 17 server on 127.0.0.1, one per test JVM, stopped at exit; JIT off (LLVM is
     * not unpacked). Fails loudly when bin/setup has not prepared PostgreSQL 17.
     */
    public static synchronized PostgresCluster postgres17() {
        if (seventeen == null) {
            seventeen = start(postgres17Binaries(), "127.0.0.1", freePort(), "pg17-"
                    + HexFormat.of().formatHex(new SecureRandom().generateSeed(12)), null);
            PostgresCluster cluster = seventeen;
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
        }
        return seventeen;
    }

    /**
     * The bin folder of PostgreSQL 17 (server and client) that bin/setup prepares, where
     * bin/lib/postgres17.sh says it is; fails loudly, naming bin/setup, when it is missing.
     */
    public static synchronized Path postgres17Binaries() {
        Path root;
        try {
            Process p = new ProcessBuilder("bash", "-c", ". bin/lib/postgres17.sh && postgres17_dir")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("bin/lib/postgres17.sh could not say where PostgreSQL 17 is: " + out);
            }
            root = Path.of(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Path bin = root.resolve("usr/lib/postgresql/17/bin");
        for (String tool : List.of("initdb", "pg_ctl", "postgres", "pg_dump", "pg_restore")) {
            if (!Files.isExecutable(bin.resolve(tool))) {
                throw new IllegalStateException("PostgreSQL 17 for the tests is missing (no " + bin.resolve(tool)
                        + "): run bin/setup, which prepares it there");
            }
        }
        return bin;
    }

    /**
     * A brand-new server of its own (its own port and superuser password, on 127.0.0.1) where only
     * the bootstrap superuser exists, as on a new Azure server before anything is restored: for a
     * restore that must create what the source's server had. Each call starts one; stopped at exit.
     */
    public static synchronized PostgresCluster fresh() {
        PostgresCluster cluster = start(serverBinaries(), "127.0.0.1", freePort(),
                "pg-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12)), null);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
        return cluster;
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

    /** @param tlsHost the name a TLS certificate is made for (TLS on), or null for no TLS */
    private static PostgresCluster start(Path bin, String address, int port, String password, String tlsHost) {
        try {
            Path home = Files.createTempDirectory("shiftsync-pg-");
            TestSecrets.register(password);
            Path pwfile = home.resolve("pwfile");
            Files.writeString(pwfile, password + "\n");
            String tls = "";
            if (tlsHost != null) {
                TestCa.shared().issue(tlsHost, home);
                run(List.of("chmod", "600", home.resolve("server.key").toString()));
                tls = " -c ssl=on -c ssl_cert_file=" + home.resolve("server.crt") + " -c ssl_key_file="
                        + home.resolve("server.key") + " -c log_connections=on";
            }
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                run(List.of("chown", "-R", "postgres:postgres", home.toString()));
            }
            run(asPostgres(root, List.of(bin.resolve("initdb").toString(), "-D", home.resolve("data").toString(),
                    "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync")));
            Files.deleteIfExists(pwfile);
            String options = "-p " + port + " -c listen_addresses=" + address + " -k " + home
                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
                    + " -c jit=off" + tls;
            run(asPostgres(root, List.of(bin.resolve("pg_ctl").toString(), "-D", home.resolve("data").toString(),
                    "-o", options, "-l", home.resolve("server.log").toString(), "-w", "-t", "60", "start")));
            return new PostgresCluster(bin, home, address, port, password);
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

    private static final SecureRandom PORTS = new SecureRandom();
    /** The machine's setting does not change while the tests run: read once. */
    private static final int EPHEMERAL_LOW = ephemeralLow();

    /**
     * A port free on 127.0.0.1, on 127.0.0.2 and on 127.0.0.4 (where a restored server and a
     * dump drill's server may listen on the same port), picked below the kernel's ephemeral
     * range: a port from that range can be taken, between this check and the server's listen,
     * as the source port of any outgoing connection on the machine (seen once in CI: Azurite
     * exited at start under load).
     */
    public static int freePort() {
        int below = EPHEMERAL_LOW;
        int from = Math.max(1024, below - 12000);
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = from + PORTS.nextInt(below - from);
            if (bindable(port, java.net.InetAddress.getLoopbackAddress()) && bindable(port, RESTORED_ADDRESS)
                    && bindable(port, DRILL_ADDRESS)) {
                return port;
            }
        }
        throw new IllegalStateException("no port in " + from + "-" + (below - 1) + " is free on 127.0.0.1, "
                + RESTORED_ADDRESS + " and " + DRILL_ADDRESS);
    }

    /** The low end of net.ipv4.ip_local_port_range (32768 when it cannot be read or leaves no room below). */
    static int ephemeralLow() {
        try {
            int low = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim().split("\\s+")[0]);
            return low >= 4096 ? low : 32768;
        } catch (IOException | RuntimeException unreadable) {
            return 32768;
        }
    }

    private static boolean bindable(int port, String address) {
        try {
            return bindable(port, java.net.InetAddress.getByName(address));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean bindable(int port, java.net.InetAddress address) {
        try (ServerSocket socket = new ServerSocket(port, 0, address)) {
            return true;
        } catch (IOException taken) {
            return false;
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
        return DatabaseUrl.parse(urlText(database));
    }

    /** libpq URI text, with password, of {@code database}. */
    public String urlText(String database) {
        return urlText("postgres", password, database);
    }

    /** libpq URI text of {@code database} as {@code user} (a role a test created), with its password if any. */
    public String urlText(String user, String userPassword, String database) {
        return "postgresql://" + user + (userPassword == null ? "" : ":" + userPassword) + "@" + address + ":" + port
                + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** host:port, as the app names a server. */
    public String server() {
        return address + ":" + port;
    }

    /**
     * Copies {@code database} of {@code source} into this server with the real pg_dump and
     * pg_restore, replacing a database of that name: what a restore of the source does.
     */
    public void restoreFrom(PostgresCluster source, String database) {
        execute("postgres", "DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
        execute("postgres", "CREATE DATABASE \"" + database + "\"");
        try {
            Path dump = Files.createTempFile(home, "copy-", ".dump");
            ProcessBuilder d = new ProcessBuilder(bin.resolve("pg_dump").toString(), "-Fc", "-f", dump.toString(),
                    "-h", source.address, "-p", String.valueOf(source.port), "-U", "postgres", database);
            d.environment().put("PGPASSWORD", source.password);
            runProcess(d);
            ProcessBuilder r = new ProcessBuilder(bin.resolve("pg_restore").toString(), "--no-owner", "-h", address,
                    "-p", String.valueOf(port), "-U", "postgres", "-d", database, dump.toString());
            r.environment().put("PGPASSWORD", password);
            r.environment().put("PGSSLMODE", "require");
            runProcess(r);
            Files.deleteIfExists(dump);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code pg_restore} of {@code archive} into this server's {@code database}, as a person (or a worker) runs it. */
    public void pgRestore(Path archive, String database) {
        ProcessBuilder r = new ProcessBuilder(bin.resolve("pg_restore").toString(), "--single-transaction", "-h",
                address, "-p", String.valueOf(port), "-U", "postgres", "-d", database, archive.toString());
        r.environment().put("PGPASSWORD", password);
        try {
            runProcess(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void runProcess(ProcessBuilder pb) throws IOException {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", pb.command()) + "' failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * This cluster as a brand-new server is: no database but postgres and the templates, no role
     * but the bootstrap superuser (and PostgreSQL's own pg_* roles).
     */
    public void emptied() {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            List<String> databases = new ArrayList<>();
            try (var rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname NOT IN "
                    + "('postgres', 'template0', 'template1')")) {
                while (rs.next()) {
                    databases.add(rs.getString(1));
                }
            }
            for (String d : databases) {
                st.execute("DROP DATABASE \"" + d.replace("\"", "\"\"") + "\" WITH (FORCE)");
            }
            List<String> roles = new ArrayList<>();
            try (var rs = st.executeQuery("SELECT rolname FROM pg_roles WHERE oid <> 10 AND rolname !~ '^pg_'")) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
            for (String r : roles) {
                String id = "\"" + r.replace("\"", "\"\"") + "\"";
                st.execute("DROP OWNED BY " + id);
                st.execute("DROP ROLE " + id);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not empty the cluster: " + e.getMessage(), e);
        }
    }

    /** A new empty database with a unique name starting with {@code prefix}. */
    public String createDatabase(String prefix) {
        String name = prefix + "_" + Long.toHexString(System.nanoTime());
        execute("postgres", "CREATE DATABASE \"" + name + "\"");
        return name;
    }

    /** A new database as {@link #createDatabase} makes it, holding the ShiftSync schema and rows the tests back up. */
    public String seededDatabase(String prefix) {
        String name = createDatabase(prefix);
        executeResource(name, "/seed/shiftsync.sql");
        return name;
    }

    /** Whether a database of that name exists: after a refused restore, none may. */
    public boolean hasDatabase(String name) {
        try (Connection c = connect("postgres");
             java.sql.PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, name);
            return q.executeQuery().next();
        } catch (SQLException e) {
            throw new IllegalStateException("could not list the databases: " + e.getMessage(), e);
        }
    }

    /** A restore target on this cluster that does not exist yet: {@code postgresql://postgres@...:port/<prefix>_<unique>}. */
    public String newTargetUrl(String prefix) {
        return "postgresql://postgres@" + address + ":" + port + "/" + prefix + "_" + Long.toHexString(System.nanoTime());
    }

    public void dropDatabase(String name) {
        execute("postgres", "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + address + ":" + port + "/" + database
                + (address.equals(RESTORED_ADDRESS) || address.equals(DRILL_ADDRESS) ? "?sslmode=require" : ""),
                "postgres", password);
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
        execute(database, resource(resource));
    }

    /**
     * Runs a SQL script from the test resources as {@code role}, in a schema {@code schema} of that
     * role's, so that what it creates belongs to that role (as on Azure, where nothing of the user's
     * belongs to the bootstrap superuser). The role must be allowed to create schemas in the database.
     */
    public void executeResourceAs(String database, String resource, String role, String schema) {
        execute(database, "SET ROLE \"" + role + "\";\nCREATE SCHEMA \"" + schema + "\";\nSET search_path = \""
                + schema + "\";\n" + resource(resource) + "\nRESET search_path;\nRESET ROLE;");
    }

    private static String resource(String resource) {
        try (var in = PostgresCluster.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path binaries() {
        return bin;
    }

    /**
     * How many sessions this server has let in to {@code database} so far (a restored server
     * logs each one: log_connections): a test counts what a read sent it.
     */
    public long sessionsTo(String database) {
        try {
            return Files.readAllLines(home.resolve("server.log")).stream()
                    .filter(l -> l.contains("connection authorized:") && l.contains(" database=" + database + " "))
                    .count();
        } catch (IOException e) {
            throw new IllegalStateException("could not read the server log: " + e, e);
        }
    }
}
