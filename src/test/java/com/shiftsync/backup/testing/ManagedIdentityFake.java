package com.shiftsync.backup.testing;

import com.azure.core.credential.TokenCredential;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.shiftsync.backup.adapter.azure.AzureCredentials;

import java.time.Duration;
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
 * answering {@code {"access_token", "expires_on", "resource", "token_type"}}. Plain HTTP on
 * 127.0.0.1, like the real one on localhost. A request without the right header gets 404.
 * The header and every token are random and registered as test secrets, so the leak scan
 * looks for them.
 *
 * <p>By default every resource gets {@link #token()}; {@link #issue} and {@link #refuse}
 * change the answer for one resource. A CLI child process gets {@link #settings()} and
 * the app's own credential reads them; an in-process app gets {@link #credential()}, the
 * same credential built from the same settings.
 */
public final class ManagedIdentityFake implements AutoCloseable {
    public static final String PATH = "/msi/token";

    private final WireMockServer server;
    private final String header = TestSecrets.random("idh-");
    private final String token = TestSecrets.register("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + TestSecrets.random("fake-")
            + ".sig");

    public ManagedIdentityFake() {
        server = new WireMockServer(WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1").port(0));
        server.start();
        server.stubFor(get(urlPathEqualTo(PATH)).atPriority(10)
                .withQueryParam("api-version", equalTo("2019-08-01"))
                .withHeader("X-IDENTITY-HEADER", equalTo(header))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"access_token\":\"" + token + "\",\"expires_on\":\"" + expiry()
                                + "\",\"resource\":\"{{request.query.resource}}\",\"token_type\":\"Bearer\"}")));
    }

    /** IDENTITY_ENDPOINT. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port() + PATH;
    }

    /** IDENTITY_HEADER (a test secret). */
    public String header() {
        return header;
    }

    /** The token every resource gets unless {@link #issue} says otherwise. */
    public String token() {
        return token;
    }

    /** The settings a Function App with this identity has. */
    public Map<String, String> settings() {
        return Map.of("IDENTITY_ENDPOINT", endpoint(), "IDENTITY_HEADER", header);
    }

    /** The app's own managed-identity credential, built from {@link #settings()}. */
    public TokenCredential credential() {
        return AzureCredentials.fromSettings(endpoint(), header, null, null, null).orElseThrow();
    }

    /** From now on, tokens for {@code resource} are {@code resourceToken} (registered with TestSecrets). */
    public void issue(String resource, String resourceToken) {
        TestSecrets.register(resourceToken);
        server.stubFor(get(urlPathEqualTo(PATH)).atPriority(1)
                .withQueryParam("api-version", equalTo("2019-08-01"))
                .withQueryParam("resource", equalTo(resource))
                .withHeader("X-IDENTITY-HEADER", equalTo(header))
                .willReturn(okJson("{\"access_token\":\"" + resourceToken + "\",\"expires_on\":\"" + expiry()
                        + "\",\"resource\":\"" + resource + "\",\"token_type\":\"Bearer\","
                        + "\"client_id\":\"00000000-0000-0000-0000-000000000001\"}")));
    }

    /** App Service's answer when the identity asked for does not exist. */
    public void refuse(String resource) {
        server.stubFor(get(urlPathEqualTo(PATH)).atPriority(1).withQueryParam("resource", equalTo(resource))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"statusCode\":400,\"message\":\"No Managed Identity found for specified "
                                + "ClientId/ResourceId/PrincipalId.\",\"correlationId\":\"test\"}")));
    }

    /** The token requests made for {@code resource}. */
    public List<LoggedRequest> requests(String resource) {
        return server.findAll(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("resource", equalTo(resource)));
    }

    private static long expiry() {
        return Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
    }

    @Override
    public void close() {
        server.stop();
    }
}
