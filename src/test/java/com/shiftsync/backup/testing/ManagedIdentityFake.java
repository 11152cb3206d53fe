package com.shiftsync.backup.testing;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.shiftsync.backup.domain.Json;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * App Service's managed-identity endpoint on loopback: {@code GET {IDENTITY_ENDPOINT}
 * ?api-version=2019-08-01&resource=...} with header {@code X-IDENTITY-HEADER} answers
 * {@code {"access_token", "expires_on", "resource", "token_type"}}. Plain HTTP, like the
 * real one (http://localhost:8081/msi/token). The header secret and the token are random
 * and registered as test secrets, so the leak scan looks for them.
 *
 * <p>A CLI child process gets {@link #endpoint()} and {@link #header()} as
 * IDENTITY_ENDPOINT / IDENTITY_HEADER and the real ManagedIdentityCredential uses them.
 * In-process tests cannot set environment variables, which is where the real credential
 * reads them, so they use {@link #credential()}: the same protocol, spoken by this class.
 */
public final class ManagedIdentityFake implements AutoCloseable {
    private final WireMockServer server;
    private final String header;
    private final String token;

    public ManagedIdentityFake() {
        SecureRandom random = new SecureRandom();
        this.header = TestSecrets.register("idh-" + HexFormat.of().formatHex(random.generateSeed(12)));
        this.token = TestSecrets.register("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-"
                + HexFormat.of().formatHex(random.generateSeed(16)) + ".sig");
        this.server = new WireMockServer(WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1").port(0));
        server.start();
        long expires = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        server.stubFor(get(urlPathEqualTo("/msi/token"))
                .withQueryParam("api-version", equalTo("2019-08-01"))
                .withHeader("X-IDENTITY-HEADER", equalTo(header))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"access_token\":\"" + token + "\",\"expires_on\":\"" + expires
                                + "\",\"resource\":\"{{request.query.resource}}\",\"token_type\":\"Bearer\"}")));
    }

    /** IDENTITY_ENDPOINT */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port() + "/msi/token";
    }

    /** IDENTITY_HEADER */
    public String header() {
        return header;
    }

    /** The access token it hands out. */
    public String token() {
        return token;
    }

    /** Token requests received. */
    public int requests() {
        return server.getAllServeEvents().size();
    }

    /** A TokenCredential that fetches tokens from this endpoint by App Service's protocol. */
    public TokenCredential credential() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return (TokenRequestContext context) -> Mono.fromCallable(() -> {
            String scope = context.getScopes().get(0);
            String resource = scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length())
                    : scope;
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint()
                            + "?api-version=2019-08-01&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8)))
                    .header("X-IDENTITY-HEADER", header).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("managed identity fake answered " + r.statusCode());
            }
            JsonNode json = Json.MAPPER.readTree(r.body());
            return new AccessToken(json.get("access_token").asText(), OffsetDateTime.ofInstant(
                    Instant.ofEpochSecond(json.get("expires_on").asLong()), ZoneOffset.UTC));
        });
    }

    @Override
    public void close() {
        server.stop();
    }
}
