package com.shiftsync.backup.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * App Service's managed-identity endpoint on loopback, as Azure Functions exposes it:
 * {@code GET /msi/token?api-version=2019-08-01&resource=...} with {@code X-IDENTITY-HEADER},
 * answering {@code {"access_token", "expires_on", "resource", "token_type"}}. Plain http on
 * 127.0.0.1, like the real one on localhost. A request without the right header gets 404.
 */
public final class FakeManagedIdentity implements AutoCloseable {
    public static final String PATH = "/msi/token";

    private final WireMockServer server;
    private final String header = TestSecrets.random("identity-header-");

    public FakeManagedIdentity() {
        server = new WireMockServer(WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1").port(0));
        server.start();
    }

    /** IDENTITY_ENDPOINT. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port() + PATH;
    }

    /** IDENTITY_HEADER (registered with TestSecrets). */
    public String header() {
        return header;
    }

    /** The settings a Function App with this identity has. */
    public Map<String, String> settings() {
        return Map.of("IDENTITY_ENDPOINT", endpoint(), "IDENTITY_HEADER", header);
    }

    /** From now on, tokens for {@code resource} are {@code token} (registered with TestSecrets). */
    public void issue(String resource, String token) {
        TestSecrets.register(token);
        server.stubFor(get(urlPathEqualTo(PATH))
                .withQueryParam("api-version", equalTo("2019-08-01"))
                .withQueryParam("resource", equalTo(resource))
                .withHeader("X-IDENTITY-HEADER", equalTo(header))
                .willReturn(okJson("{\"access_token\":\"" + token + "\",\"expires_on\":\""
                        + Instant.now().plusSeconds(3600).getEpochSecond() + "\",\"resource\":\"" + resource
                        + "\",\"token_type\":\"Bearer\",\"client_id\":\"00000000-0000-0000-0000-000000000001\"}")));
    }

    /** App Service's answer when the identity asked for does not exist. */
    public void refuse(String resource) {
        server.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("resource", equalTo(resource))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"statusCode\":400,\"message\":\"No Managed Identity found for specified "
                                + "ClientId/ResourceId/PrincipalId.\",\"correlationId\":\"test\"}")));
    }

    /** The token requests made for {@code resource}. */
    public List<LoggedRequest> requests(String resource) {
        return server.findAll(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("resource", equalTo(resource)));
    }

    @Override
    public void close() {
        server.stop();
    }
}
