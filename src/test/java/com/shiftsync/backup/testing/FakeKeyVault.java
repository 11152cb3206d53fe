package com.shiftsync.backup.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * Azure Key Vault's secrets API over HTTPS on loopback, reached by the name
 * {@code shiftsync-test.vault.shiftsync.test} (tls/hosts maps it to 127.0.0.1; the loopback
 * certificate covers {@code *.vault.shiftsync.test}). Like the real vault it first answers
 * an unauthenticated request with {@code 401} and a challenge naming the token's resource
 * ({@code https://vault.shiftsync.test}, whose domain holds the vault's host, as the SDK
 * checks), then serves the secret to a request carrying the expected bearer token.
 */
public final class FakeKeyVault implements AutoCloseable {
    public static final String HOST = "shiftsync-test.vault.shiftsync.test";
    /** The resource the challenge names; the managed identity is asked for a token for it. */
    public static final String RESOURCE = "https://vault.shiftsync.test";
    public static final String TENANT = "72f988bf-0000-0000-0000-000000000000";

    private final WireMockServer server = HttpsFake.start();
    private final String acceptedToken;

    /** @param acceptedToken the bearer token the vault accepts (what the identity fake issues for {@link #RESOURCE}) */
    public FakeKeyVault(String acceptedToken) {
        this.acceptedToken = acceptedToken;
    }

    /** KEY_VAULT_URL. */
    public String url() {
        return "https://" + HOST + ":" + server.httpsPort() + "/";
    }

    /** From now on, secret {@code name} holds {@code value} (registered with TestSecrets). */
    public void put(String name, String value) {
        TestSecrets.register(value);
        holds(name, value);
    }

    /** From now on, secret {@code name} holds {@code value}, a setting rather than a credential (a host name). */
    public void holds(String name, String value) {
        challenge(name);
        String version = Long.toHexString(System.nanoTime());
        server.stubFor(get(urlPathMatching("/secrets/" + name + "/?")).withHeader("Authorization",
                        equalTo("Bearer " + acceptedToken))
                .willReturn(okJson("{\"value\":\"" + value + "\",\"id\":\"" + url() + "secrets/" + name + "/" + version
                        + "\",\"attributes\":{\"enabled\":true,\"created\":1705284000,\"updated\":1705284000,"
                        + "\"recoveryLevel\":\"Recoverable+Purgeable\",\"recoverableDays\":90}}")));
    }

    /** Secret {@code name} does not exist: Key Vault's 404 SecretNotFound. */
    public void missing(String name) {
        challenge(name);
        server.stubFor(get(urlPathMatching("/secrets/" + name + "/?")).withHeader("Authorization",
                        equalTo("Bearer " + acceptedToken))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"error\":{\"code\":\"SecretNotFound\",\"message\":\"A secret with (name/id) "
                                + name + " was not found in this key vault. If you recently deleted this secret you "
                                + "may be able to recover it using the correct recovery command. For help resolving "
                                + "this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182\"}}")));
    }

    /** The identity may not read secret {@code name}: Key Vault's 403 Forbidden (RBAC). */
    public void forbidden(String name) {
        challenge(name);
        server.stubFor(get(urlPathMatching("/secrets/" + name + "/?")).withHeader("Authorization",
                        equalTo("Bearer " + acceptedToken))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"error\":{\"code\":\"Forbidden\",\"message\":\"Caller is not authorized to "
                                + "perform action on resource.\",\"innererror\":{\"code\":\"ForbiddenByRbac\"}}}")));
    }

    /** Secret {@code name} may be written (Set Secret: PUT, 200 with the new version). */
    public void acceptWrites(String name) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlPathMatching("/secrets/" + name + "/?"))
                .withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401)
                        .withHeader("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/"
                                + TENANT + "\", resource=\"" + RESOURCE + "\"")
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"error\":{\"code\":\"Unauthorized\",\"message\":\"AKV10000: Request is missing "
                                + "a Bearer or PoP token.\"}}")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlPathMatching("/secrets/" + name + "/?"))
                .withHeader("Authorization", equalTo("Bearer " + acceptedToken))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withTransformers("response-template")
                        .withBody("{\"value\":\"{{jsonPath request.body '$.value'}}\",\"id\":\"" + url() + "secrets/"
                                + name + "/{{randomValue length=32 type='HEXADECIMAL'}}\",\"attributes\":{\"enabled\":"
                                + "true,\"created\":1705284000,\"updated\":1705284000,\"recoveryLevel\":"
                                + "\"Recoverable+Purgeable\",\"recoverableDays\":90}}")));
    }

    /** Every write (PUT) of secret {@code name}, in order. */
    public List<LoggedRequest> writes(String name) {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                urlPathMatching("/secrets/" + name + "/?")).withHeader("Authorization", matching("Bearer .+")));
    }

    private void challenge(String name) {
        server.stubFor(get(urlPathMatching("/secrets/" + name + "/?")).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401)
                        .withHeader("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/"
                                + TENANT + "\", resource=\"" + RESOURCE + "\"")
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"error\":{\"code\":\"Unauthorized\",\"message\":\"AKV10000: Request is missing "
                                + "a Bearer or PoP token.\"}}")));
    }

    /** Every request for secret {@code name}, in order. */
    public List<LoggedRequest> requests(String name) {
        return server.findAll(getRequestedFor(urlPathMatching("/secrets/" + name + "/?")));
    }

    /** A KEY_VAULT_URL under the vault's name on which nothing listens. */
    public static String unreachableUrl() {
        return "https://" + HOST + ":" + PostgresCluster.freePort() + "/";
    }

    @Override
    public void close() {
        server.stop();
    }
}
