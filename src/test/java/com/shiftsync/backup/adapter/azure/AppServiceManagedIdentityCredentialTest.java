package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The App Service managed-identity protocol against a loopback endpoint: request shape, expiry, bounded retries. */
class AppServiceManagedIdentityCredentialTest {
    private static final TokenRequestContext VAULT = new TokenRequestContext().addScopes("https://vault.azure.net/.default");

    private WireMockServer endpoint;
    private String header;

    @BeforeEach
    void start() {
        endpoint = new WireMockServer(WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1").port(0));
        endpoint.start();
        header = TestSecrets.random("mi-header-");
    }

    @AfterEach
    void stop() {
        endpoint.stop();
    }

    private AppServiceManagedIdentityCredential credential(String clientId) {
        return new AppServiceManagedIdentityCredential("http://127.0.0.1:" + endpoint.port() + "/msi/token", header,
                clientId);
    }

    private String tokenAnswer(String token) {
        return "{\"access_token\":\"" + token + "\",\"expires_on\":\"1893456000\",\"resource\":\"https://vault.azure.net\","
                + "\"token_type\":\"Bearer\"}";
    }

    @Test
    @DisplayName("asks IDENTITY_ENDPOINT for the scope's resource with X-IDENTITY-HEADER; reads token and expiry")
    void systemAssigned() {
        String token = TestSecrets.random("mi-token-");
        endpoint.stubFor(get(urlPathEqualTo("/msi/token")).willReturn(okJson(tokenAnswer(token))));

        AccessToken got = credential(null).getTokenSync(VAULT);

        assertEquals(token, got.getToken());
        assertEquals(OffsetDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), got.getExpiresAt());
        endpoint.verify(1, getRequestedFor(urlPathEqualTo("/msi/token"))
                .withQueryParam("api-version", equalTo("2019-08-01"))
                .withQueryParam("resource", equalTo("https://vault.azure.net"))
                .withHeader("X-IDENTITY-HEADER", equalTo(header)));
        assertTrue(endpoint.findAll(getRequestedFor(urlPathEqualTo("/msi/token"))).get(0).getUrl()
                .matches("/msi/token\\?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net"));
        assertEquals("*****", Redaction.redact(token), "the token is registered for redaction");
    }

    @Test
    @DisplayName("a user-assigned identity is named by client_id; the async form gives the same token")
    void userAssigned() {
        String token = TestSecrets.random("mi-token-");
        endpoint.stubFor(get(urlPathEqualTo("/msi/token")).withQueryParam("client_id", equalTo("my-client"))
                .willReturn(okJson(tokenAnswer(token))));

        assertEquals(token, credential("my-client").getToken(VAULT).block().getToken());
    }

    @Test
    @DisplayName("a passing 500 is retried; a 400 is not; three tries at most")
    void boundedRetries() {
        String token = TestSecrets.random("mi-token-");
        endpoint.stubFor(get(urlPathEqualTo("/msi/token")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        endpoint.stubFor(get(urlPathEqualTo("/msi/token")).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(okJson(tokenAnswer(token))));
        assertEquals(token, credential(null).getTokenSync(VAULT).getToken());
        endpoint.verify(2, getRequestedFor(urlPathEqualTo("/msi/token")));

        endpoint.resetAll();
        endpoint.stubFor(get(urlPathEqualTo("/msi/token")).willReturn(aResponse().withStatus(503)));
        ShiftSyncException down = assertThrows(ShiftSyncException.class, () -> credential(null).getTokenSync(VAULT));
        endpoint.verify(3, getRequestedFor(urlPathEqualTo("/msi/token")));
        assertTrue(down.getMessage().contains("answered 503"), down.getMessage());

        endpoint.resetAll();
        endpoint.stubFor(get(urlPathEqualTo("/msi/token")).willReturn(aResponse().withStatus(400)
                .withBody("{\"statusCode\":400,\"message\":\"No Managed Identity found for specified ClientId.\"}")));
        ShiftSyncException refused = assertThrows(ShiftSyncException.class, () -> credential("nope").getTokenSync(VAULT));
        CapturedOutput.record(refused);
        endpoint.verify(1, getRequestedFor(urlPathEqualTo("/msi/token")));
        assertTrue(refused.getMessage().contains("IDENTITY_ENDPOINT http://127.0.0.1:" + endpoint.port())
                && refused.getMessage().contains("No Managed Identity found"), refused.getMessage());
    }

    @Test
    @DisplayName("an endpoint that is not there fails after three tries, naming it")
    void unreachable() {
        String nowhere = "http://127.0.0.1:" + PostgresCluster.freePort() + "/msi/token";
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> new AppServiceManagedIdentityCredential(nowhere, header, null).getTokenSync(VAULT));
        assertTrue(e.getMessage().contains(nowhere) && e.getMessage().contains("could not be reached"), e.getMessage());
    }

    @Test
    @DisplayName("expires_on in epoch seconds or in the 2017 protocol's date form")
    void expiry() {
        assertEquals(OffsetDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                AppServiceManagedIdentityCredential.expiry("1893456000"));
        assertEquals(OffsetDateTime.of(2017, 9, 14, 12, 0, 0, 0, ZoneOffset.UTC),
                AppServiceManagedIdentityCredential.expiry("9/14/2017 12:00:00 PM +00:00"));
    }
}
