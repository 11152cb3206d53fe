package com.shiftsync.backup.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

/**
 * A plain-HTTP proxy on 127.0.0.1 in front of Azurite's blob endpoint that remembers every
 * request it forwards, so a test can count what one call of the app reads from storage.
 * SharedKey signatures do not cover the host or port, so requests pass unchanged.
 */
public final class CountingStorageProxy implements AutoCloseable {
    private final WireMockServer server;
    private final Azurite azurite;

    public CountingStorageProxy(Azurite azurite) {
        this.azurite = azurite;
        server = new WireMockServer(WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1").port(0));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse()
                .proxiedFrom("http://127.0.0.1:" + azurite.blobPort())));
    }

    /** Azurite's connection string with the blob endpoint through this proxy. */
    public String connectionString() {
        return azurite.connectionString().replace("127.0.0.1:" + azurite.blobPort() + "/",
                "127.0.0.1:" + server.port() + "/");
    }

    /** Forgets the requests seen so far. */
    public void reset() {
        server.resetRequests();
    }

    /** Every request since the last reset: "GET /devstoreaccount1/container/daily/x.manifest.json?...". */
    public List<String> requests() {
        return server.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .map(r -> r.getMethod() + " " + r.getUrl()).toList();
    }

    /**
     * The requests since the last reset by kind: "list" (a container listing), "manifest", "record"
     * (a JSON record beside a backup), "history", "operation", "container" (properties of a
     * container), "write" (anything but GET and HEAD), "other".
     */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String r : requests()) {
            counts.merge(kind(r), 1, Integer::sum);
        }
        return counts;
    }

    private static String kind(String request) {
        String method = request.substring(0, request.indexOf(' '));
        String url = request.substring(request.indexOf(' ') + 1);
        String path = java.net.URLDecoder.decode(url.contains("?") ? url.substring(0, url.indexOf('?')) : url,
                java.nio.charset.StandardCharsets.UTF_8);
        String query = url.contains("?") ? url.substring(url.indexOf('?') + 1) : "";
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return "write";
        }
        if (query.contains("comp=list")) {
            return "list";
        }
        if (query.contains("restype=container")) {
            return "container";
        }
        if (path.endsWith(".manifest.json")) {
            return "manifest";
        }
        if (path.contains("/history/")) {
            return "history";
        }
        if (path.matches(".*/(daily|weekly|manual)/[^/]+\\.[a-z][a-z0-9-]*\\.json")) {
            return "record";
        }
        if (path.endsWith(".json")) {
            return "operation";
        }
        return "other";
    }

    @Override
    public void close() {
        server.stop();
    }
}
