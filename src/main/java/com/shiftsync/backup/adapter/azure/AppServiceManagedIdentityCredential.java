package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The Function App's managed identity through App Service's protocol (version
 * 2019-08-01): {@code GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=...} with
 * the header {@code X-IDENTITY-HEADER: {IDENTITY_HEADER}}, plus {@code client_id} for a
 * user-assigned identity.
 *
 * <p>It exists because azure-identity 1.18's ManagedIdentityCredential leaves the choice
 * of endpoint to MSAL, which reads the process environment itself (not our settings) and,
 * when IDENTITY_ENDPOINT is missing there, silently asks the instance-metadata address
 * 169.254.169.254. This credential talks to the configured endpoint and nowhere else,
 * with a timeout and three tries at most.
 */
final class AppServiceManagedIdentityCredential implements TokenCredential {
    static final String API_VERSION = "2019-08-01";
    private static final int ATTEMPTS = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    /** The 2017-09-01 protocol's expires_on, kept for hosts that still answer in it. */
    private static final DateTimeFormatter LEGACY_EXPIRY =
            DateTimeFormatter.ofPattern("M/d/yyyy h:mm:ss a xxx", Locale.ROOT);

    private final URI endpoint;
    private final String header;
    private final String clientId;
    private final HttpClient http;

    /**
     * @param endpoint IDENTITY_ENDPOINT
     * @param header   IDENTITY_HEADER (a secret: it proves the caller runs inside the app)
     * @param clientId AZURE_CLIENT_ID of a user-assigned identity, or null for the system-assigned one
     */
    AppServiceManagedIdentityCredential(String endpoint, String header, String clientId) {
        try {
            this.endpoint = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw ShiftSyncException.badInput("IDENTITY_ENDPOINT '" + endpoint + "' is not a URL");
        }
        if (this.endpoint.getScheme() == null || !this.endpoint.getScheme().matches("(?i)https?")
                || this.endpoint.getHost() == null) {
            throw ShiftSyncException.badInput("IDENTITY_ENDPOINT '" + endpoint + "' is not an http(s) URL");
        }
        Redaction.register(header);
        this.header = header;
        this.clientId = clientId;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        String resource = resourceOf(request.getScopes());
        HttpRequest get = HttpRequest.newBuilder(uriFor(resource)).timeout(REQUEST_TIMEOUT)
                .header("X-IDENTITY-HEADER", header).GET().build();
        Duration backoff = FIRST_BACKOFF;
        String lastProblem = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    return parse(response.body(), resource);
                }
                lastProblem = "answered " + status + errorMessage(response.body());
                if (status != 429 && status < 500) {
                    break;
                }
            } catch (IOException e) {
                lastProblem = "could not be reached (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED,
                        "interrupted while asking " + this + " for a token");
            }
            if (attempt < ATTEMPTS) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED,
                this + " gave no token for " + resource + ": it " + lastProblem, "ManagedIdentity", null);
    }

    private URI uriFor(String resource) {
        StringBuilder uri = new StringBuilder(endpoint.toString());
        uri.append(endpoint.getRawQuery() == null ? '?' : '&');
        uri.append("api-version=").append(API_VERSION).append("&resource=").append(encode(resource));
        if (clientId != null) {
            uri.append("&client_id=").append(encode(clientId));
        }
        return URI.create(uri.toString());
    }

    /** App Service wants a resource, not a scope: "https://vault.azure.net/.default" asks for "https://vault.azure.net". */
    static String resourceOf(List<String> scopes) {
        if (scopes == null || scopes.size() != 1) {
            throw new IllegalArgumentException("a managed identity token is for exactly one scope, not " + scopes);
        }
        String scope = scopes.get(0);
        return scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length()) : scope;
    }

    private AccessToken parse(String body, String resource) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED,
                    this + " answered a token request for " + resource + " with something that is not JSON");
        }
        String token = json.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED,
                    this + " answered a token request for " + resource + " without an access_token");
        }
        Redaction.register(token);
        return new AccessToken(token, expiry(json.path("expires_on").asText("")));
    }

    static OffsetDateTime expiry(String expiresOn) {
        if (expiresOn.matches("\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(expiresOn)).atOffset(ZoneOffset.UTC);
        }
        try {
            return OffsetDateTime.parse(expiresOn.trim(), LEGACY_EXPIRY);
        } catch (DateTimeParseException e) {
            // an expiry we cannot read: treat the token as short-lived rather than fail the job
            return OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5);
        }
    }

    /** The "message" of an App Service error body, e.g. "No Managed Identity found for specified ClientId". */
    private static String errorMessage(String body) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            String message = json.path("message").asText(json.path("error_description").asText(""));
            return message.isEmpty() ? "" : " (" + firstLine(message) + ")";
        } catch (IOException | RuntimeException notJson) {
            return "";
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "the managed identity endpoint (IDENTITY_ENDPOINT " + endpoint + ")"
                + (clientId == null ? "" : " for the user-assigned identity " + clientId);
    }
}
