package com.shiftsync.backup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made by openssl for this test JVM, standing in for the roots Azure's
 * servers chain to: the "restored server" PostgreSQL presents a certificate it signed for
 * {@link PostgresCluster#RESTORED_HOST}, and the app is told to trust only it
 * (POSTGRES_ROOT_CERT_FILE), so the verification's TLS check (verify-full) is the real one.
 */
public final class TestCa {
    /** The DNS domain of the test's Flexible Servers (POSTGRES_SERVER_DOMAIN): every name in tls/hosts under it is loopback. */
    public static final String DOMAIN = "postgres.shiftsync.test";
    private static TestCa shared;

    private final Path home;

    private TestCa(Path home) {
        this.home = home;
    }

    public static synchronized TestCa shared() {
        if (shared == null) {
            try {
                Path home = Files.createTempDirectory("shiftsync-test-ca-");
                run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj",
                        "/CN=ShiftSync test root CA", "-keyout", home.resolve("ca.key").toString(), "-out",
                        home.resolve("ca.crt").toString()));
                shared = new TestCa(home);
            } catch (IOException e) {
                throw new IllegalStateException("could not make the test certificate authority with openssl: " + e, e);
            }
        }
        return shared;
    }

    /** The CA's certificate (PEM): what the app trusts in tests. */
    public Path certificate() {
        return home.resolve("ca.crt");
    }

    /** Writes a key and a certificate for {@code host}, signed by this CA, into {@code folder}: server.key, server.crt. */
    public void issue(String host, Path folder) throws IOException {
        Path ext = Files.writeString(folder.resolve("san.ext"), "subjectAltName=DNS:" + host + "\n");
        run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + host, "-keyout",
                folder.resolve("server.key").toString(), "-out", folder.resolve("server.csr").toString()));
        run(List.of("openssl", "x509", "-req", "-in", folder.resolve("server.csr").toString(), "-CA",
                certificate().toString(), "-CAkey", home.resolve("ca.key").toString(), "-CAcreateserial", "-days",
                "3650", "-extfile", ext.toString(), "-out", folder.resolve("server.crt").toString()));
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", argv) + "' failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
