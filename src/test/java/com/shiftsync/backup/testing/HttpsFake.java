package com.shiftsync.backup.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import java.nio.file.Path;

/**
 * A WireMock server speaking HTTPS on 127.0.0.1 with the loopback test certificate
 * (src/test/resources/tls), which the test JVM trusts: the real Azure SDK clients talk to
 * it unchanged. Resource Manager, Key Vault and managed-identity fakes build on this.
 */
public final class HttpsFake {
    public static final Path TLS = Path.of("src", "test", "resources", "tls").toAbsolutePath();

    private HttpsFake() {
    }

    /** Started; stop it when done. Reach it at {@code https://127.0.0.1:<httpsPort>} or a name in tls/hosts. */
    public static WireMockServer start(com.github.tomakehurst.wiremock.extension.Extension... extensions) {
        WireMockServer server = new WireMockServer(WireMockConfiguration.wireMockConfig()
                .extensions(extensions)
                .bindAddress("127.0.0.1")
                .httpDisabled(true)
                .httpsPort(0)
                .keystorePath(TLS.resolve("loopback-server.p12").toString())
                .keystoreType("PKCS12")
                .keystorePassword("changeit")
                .keyManagerPassword("changeit"));
        server.start();
        return server;
    }

    /** JVM options that give a child JVM (the CLI under test) the same trust store and loopback-only hosts file. */
    public static java.util.List<String> childJvmOptions() {
        return java.util.List.of(
                "-Djavax.net.ssl.trustStore=" + TLS.resolve("loopback-trust.p12"),
                "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djdk.net.hosts.file=" + TLS.resolve("hosts"));
    }
}
