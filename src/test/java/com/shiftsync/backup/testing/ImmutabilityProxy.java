package com.shiftsync.backup.testing;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlobType;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob immutability in front of Azurite, which answers 501 to every immutability call
 * (3.37.0): a loopback HTTP proxy that implements version-level WORM and container-level
 * time-based retention as Azure documents them, forwards everything else to Azurite unchanged
 * (SharedKey signatures cover neither host nor port), and keeps its clock in the test's hand,
 * so expiry needs no sleeping. The real SDK, pointed at {@link #connectionString()}, sees Azure.
 *
 * <p>What it does, each checked against Microsoft's documentation:
 * <ul>
 *   <li>Set Blob Immutability Policy ({@code PUT <blob>?comp=immutabilityPolicies}; REST reference
 *       "Set Blob Immutability Policy"): {@code x-ms-immutability-policy-until-date} is required,
 *       RFC 1123, and "past times are not valid" (400, {@code MissingRequiredHeader} /
 *       {@code InvalidHeaderValue}); {@code x-ms-immutability-policy-mode} {@code Unlocked} (the
 *       default) or {@code Locked}; 200 with both echoed (the mode in lower case, as the reference
 *       gives it; the until-date truncated to the second, as the SDK's live test
 *       {@code ImmutableStorageWithVersioningTests} observes). A blob that does not exist: 404
 *       {@code BlobNotFound} (same test). "When immutability policy in locked mode, user can only
 *       extend the retention until date. Immutability policy mode can be set from unlocked to
 *       locked, but not the reverse": a shorter date or an unlock of a locked, unexpired policy is
 *       refused with 409; Microsoft documents no code for that, so this answers
 *       {@code BlobImmutableDueToPolicy} and tests assert the status only.</li>
 *   <li>Delete Blob Immutability Policy ({@code DELETE <blob>?comp=immutabilityPolicies}): 200;
 *       "the immutability policy must be in unlocked mode to be deleted". A locked one is refused
 *       with {@code ImmutabilityPolicyDeleteOnLockedPolicy}, the code Azure gives (not in the error
 *       table; seen against Azure by kopia's {@code TestAzureStorageImmutabilityProtection} and
 *       listed by azure-sdk-for-go, PR #21876), status 409 like every immutability refusal.</li>
 *   <li>Set Blob Legal Hold ({@code PUT <blob>?comp=legalhold}, {@code x-ms-legal-hold:
 *       true|false}): 200 with {@code x-ms-legal-hold} echoed.</li>
 *   <li>Get Blob and Get Blob Properties echo {@code x-ms-immutability-policy-until-date},
 *       {@code -mode} and {@code x-ms-legal-hold} (the hold only once one was ever set, as the live
 *       test shows); List Blobs with {@code include=immutabilitypolicy,legalhold} carries
 *       {@code ImmutabilityPolicyUntilDate}, {@code ImmutabilityPolicyMode} and {@code LegalHold}
 *       in each blob's {@code Properties} (azure-rest-api-specs' blob.json, which the SDK reads).
 *       Get Container Properties says {@code x-ms-immutable-storage-with-versioning-enabled: true}
 *       for a version-level container and {@code x-ms-has-immutability-policy: true} for one with
 *       a container-level policy.</li>
 *   <li>Refusals (error table "Azure Blob Storage error codes"): 409 {@code BlobImmutableDueToPolicy}
 *       "This operation is not permitted as the blob is immutable due to a policy." and 409
 *       {@code BlobImmutableDueToLegalHold} "... due to one or more legal holds.", in Azure's XML
 *       error shape with {@code x-ms-error-code}. Under a version-level policy or hold, "Delete
 *       Blob, Set Blob Metadata, and Put Page" are prohibited ("Version-level WORM policies"), and
 *       so is Append Block: protected append writes exist for container-level policies only ("This
 *       property is not available for version-level policies", "Time-based retention policies").
 *       An overwrite (Put Blob, Put Block List, Copy Blob) is <em>allowed</em>: "these operations
 *       will generate a new version"; the previous version keeps its policy and hold, which this
 *       proxy records in {@link #previousVersions()} (Azurite keeps no versions, so their bytes are
 *       gone here: a limit of the fake, never relied on). A policy or hold sent with an upload
 *       applies to the new version.</li>
 *   <li>A version-level container cannot be deleted through the data plane: 409
 *       {@code ContainerImmutableStorageWithVersioningEnabled} "The requested operation is not
 *       allowed as the container has a immutable storage with versioning enabled." (Azure's answer
 *       in azure-sdk-for-python issue #22255).</li>
 *   <li>A container-level time-based retention policy (set through Resource Manager, as infra does
 *       for the audit log: {@link #containerPolicy}): blobs are created and read, never overwritten,
 *       and not deleted or changed before creation (an append blob: its last modification) plus the
 *       retention; with {@code allowProtectedAppendWrites} Append Block stays allowed. A locked one
 *       refuses the container's deletion with {@code ContainerImmutabilityPolicyLocked} (MicrosoftDocs
 *       feedback issue #1844).</li>
 *   <li>Every call it answers itself is authorised as Azure would: the SharedKey signature is
 *       checked with the account's key (403 {@code AuthenticationFailed} otherwise); whatever it
 *       forwards, Azurite checks.</li>
 * </ul>
 * Not modelled: blob versions' bytes and {@code versionid}/{@code snapshot} parameters, account-level
 * policies, SAS, and changes to container-level policies after they are declared.
 */
public final class ImmutabilityProxy implements AutoCloseable {
    private static final String ACCOUNT = "devstoreaccount1";
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    /** Headers a client may not set, or that belong to one hop only. */
    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");
    private static final Pattern BLOB = Pattern.compile("<Blob>(.*?)</Blob>", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("<Name>(.*?)</Name>", Pattern.DOTALL);

    /**
     * A time-based retention policy on a whole container, as Resource Manager sets it.
     *
     * @param retention                  how long each blob is protected from its creation
     * @param allowProtectedAppendWrites whether Append Block stays allowed
     * @param locked                     whether the policy is locked (the container can then not be deleted)
     */
    public record ContainerPolicy(Duration retention, boolean allowProtectedAppendWrites, boolean locked) {
    }

    /** A version-level retention policy. */
    public record Policy(Instant until, boolean locked) {
        boolean active(Instant now) {
            return until.isAfter(now);
        }
    }

    /**
     * What Azure keeps when a protected current version is overwritten or deleted: a previous
     * version with the policy and hold it had.
     */
    public record PreviousVersion(String container, String blob, Policy policy, Boolean legalHold) {
    }

    /** The immutability of one current blob version; null fields: none set. */
    private record State(Policy policy, Boolean legalHold) {
        boolean held() {
            return Boolean.TRUE.equals(legalHold);
        }
    }

    private final Azurite azurite;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient upstream;
    private final BlobServiceClient direct;
    private final StorageSharedKeyCredential key;
    private final Set<String> versionLevel = ConcurrentHashMap.newKeySet();
    private final Map<String, ContainerPolicy> containerPolicies = new ConcurrentHashMap<>();
    private final Map<String, State> blobs = new ConcurrentHashMap<>();
    private final List<PreviousVersion> previous = Collections.synchronizedList(new ArrayList<>());

    private ImmutabilityProxy(Azurite azurite, Clock clock) throws IOException {
        this.azurite = azurite;
        this.clock = clock;
        this.key = new StorageSharedKeyCredential(ACCOUNT, Azurite.ACCOUNT_KEY);
        this.direct = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        this.executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "immutability-proxy");
            t.setDaemon(true);
            return t;
        });
        this.upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy in front of {@code azurite}'s blob service whose "now" is {@code clock}. */
    public static ImmutabilityProxy start(Azurite azurite, Clock clock) {
        try {
            return new ImmutabilityProxy(azurite, clock);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the immutability proxy: " + e, e);
        }
    }

    /** Azurite's connection string with the blob endpoint moved to this proxy (queues stay Azurite's). */
    public String connectionString() {
        return azurite.connectionString().replace("BlobEndpoint=http://127.0.0.1:" + azurite.blobPort() + "/",
                "BlobEndpoint=http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Turns on "immutable storage with versioning" for {@code container}, as infra's container property does. */
    public void enableVersionLevelImmutability(String container) {
        versionLevel.add(container);
    }

    /** Declares a container-level time-based retention policy on {@code container}, as infra does for the audit log. */
    public void containerPolicy(String container, ContainerPolicy policy) {
        containerPolicies.put(container, policy);
    }

    /** The previous versions Azure would keep, with their policies, in the order they were made. */
    public List<PreviousVersion> previousVersions() {
        synchronized (previous) {
            return List.copyOf(previous);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------

    /** One request as received. */
    private record Request(String method, String rawPath, String rawQuery, Map<String, String> query,
                           Map<String, List<String>> headers, byte[] body, String container, String blob) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String comp() {
            String comp = query.get("comp");
            return comp == null ? null : comp.toLowerCase(Locale.ROOT);
        }

        boolean head() {
            return method.equals("HEAD");
        }
    }

    /** One answer to send back. */
    private record Answer(int status, Map<String, List<String>> headers, byte[] body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Request request = read(exchange);
            Answer answer;
            try {
                answer = route(request);
            } catch (IOException | InterruptedException unreachable) {
                // Azurite is down: the client sees a connection that breaks, as with Storage unreachable
                exchange.close();
                return;
            }
            send(exchange, request, answer);
        } catch (RuntimeException e) {
            byte[] text = ("immutability proxy: " + e).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, text.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(text);
            }
        } finally {
            exchange.close();
        }
    }

    private Answer route(Request r) throws IOException, InterruptedException {
        if (r.container() == null) {
            return forward(r);
        }
        boolean versioned = versionLevel.contains(r.container());
        ContainerPolicy policy = containerPolicies.get(r.container());
        if (r.blob() == null) {
            return container(r, versioned, policy);
        }
        if (versioned) {
            return versionLevelBlob(r);
        }
        if (policy != null) {
            return containerLevelBlob(r, policy);
        }
        return forward(r);
    }

    private Answer container(Request r, boolean versioned, ContainerPolicy policy)
            throws IOException, InterruptedException {
        if (!"container".equals(r.query().get("restype"))) {
            return forward(r);
        }
        String comp = r.comp();
        if (comp == null && r.method().equals("DELETE")) {
            if (!authorized(r)) {
                return denied(r);
            }
            if (versioned) {
                return error(r, 409, "ContainerImmutableStorageWithVersioningEnabled",
                        "The requested operation is not allowed as the container has a immutable storage with "
                                + "versioning enabled.");
            }
            if (policy != null && policy.locked()) {
                return error(r, 409, "ContainerImmutabilityPolicyLocked",
                        "The requested operation is not allowed as the container has a locked immutability policy.");
            }
            return forward(r);
        }
        Answer answer = forward(r);
        if (comp == null && answer.ok()) {
            answer.headers().put("x-ms-immutable-storage-with-versioning-enabled", List.of(String.valueOf(versioned)));
            answer.headers().put("x-ms-has-immutability-policy", List.of(String.valueOf(policy != null)));
        }
        if ("list".equals(comp) && versioned && answer.ok()) {
            String include = r.query().getOrDefault("include", "").toLowerCase(Locale.ROOT);
            if (include.contains("immutabilitypolicy") || include.contains("legalhold")) {
                return listing(r, answer, include.contains("immutabilitypolicy"), include.contains("legalhold"));
            }
        }
        return answer;
    }

    private Answer versionLevelBlob(Request r) throws IOException, InterruptedException {
        String comp = r.comp();
        String key = r.container() + "/" + r.blob();
        if ("immutabilitypolicies".equals(comp) && (r.method().equals("PUT") || r.method().equals("DELETE"))) {
            if (!authorized(r)) {
                return denied(r);
            }
            return r.method().equals("PUT") ? setPolicy(r, key) : deletePolicy(r, key);
        }
        if ("legalhold".equals(comp) && r.method().equals("PUT")) {
            if (!authorized(r)) {
                return denied(r);
            }
            return setLegalHold(r, key);
        }
        boolean delete = comp == null && r.method().equals("DELETE");
        boolean change = r.method().equals("PUT") && ("appendblock".equals(comp) || "metadata".equals(comp)
                || "page".equals(comp));
        if (delete || change) {
            if (!authorized(r)) {
                return denied(r);
            }
            Answer refused = refusal(r, blobs.get(key));
            if (refused != null) {
                return refused;
            }
            Answer answer = forward(r);
            if (delete && answer.ok()) {
                retire(key);
            }
            return answer;
        }
        if (r.method().equals("PUT") && newVersion(r)) {
            return write(r, key);
        }
        Answer answer = forward(r);
        if (comp == null && (r.method().equals("GET") || r.head()) && answer.ok()) {
            State s = blobs.get(key);
            if (s != null) {
                answer.headers().putAll(stateHeaders(s));
            }
        }
        return answer;
    }

    /** Put Blob, Put Block List or Copy Blob: each makes a new current version. */
    private static boolean newVersion(Request r) {
        String comp = r.comp();
        return "blocklist".equals(comp)
                || comp == null && (r.header("x-ms-blob-type") != null || r.header("x-ms-copy-source") != null);
    }

    /** An upload: the old version (and its protection) becomes a previous one, the new one gets what the upload says. */
    private Answer write(Request r, String key) throws IOException, InterruptedException {
        String until = r.header("x-ms-immutability-policy-until-date");
        Policy policy = null;
        if (until != null) {
            Object parsed = policy(r, until, r.header("x-ms-immutability-policy-mode"));
            if (parsed instanceof Answer bad) {
                return bad;
            }
            policy = (Policy) parsed;
        }
        String hold = r.header("x-ms-legal-hold");
        Answer answer = forward(r);
        if (answer.ok()) {
            synchronized (this) {
                retire(key);
                if (policy != null || hold != null) {
                    blobs.put(key, new State(policy, hold == null ? null : Boolean.parseBoolean(hold)));
                }
            }
        }
        return answer;
    }

    private synchronized void retire(String key) {
        State old = blobs.remove(key);
        if (old != null && (old.policy() != null || old.held())) {
            int slash = key.indexOf('/');
            previous.add(new PreviousVersion(key.substring(0, slash), key.substring(slash + 1), old.policy(),
                    old.legalHold()));
        }
    }

    private synchronized Answer setPolicy(Request r, String key) {
        String until = r.header("x-ms-immutability-policy-until-date");
        if (until == null) {
            return error(r, 400, "MissingRequiredHeader",
                    "An HTTP header that's mandatory for this request is not specified.");
        }
        Object parsed = policy(r, until, r.header("x-ms-immutability-policy-mode"));
        if (parsed instanceof Answer bad) {
            return bad;
        }
        Policy wanted = (Policy) parsed;
        if (!exists(r)) {
            return error(r, 404, "BlobNotFound", "The specified blob does not exist.");
        }
        State s = blobs.getOrDefault(key, new State(null, null));
        Policy current = s.policy();
        if (current != null && current.locked() && current.active(clock.instant())
                && (!wanted.locked() || wanted.until().isBefore(current.until()))) {
            return error(r, 409, "BlobImmutableDueToPolicy",
                    "This operation is not permitted as the blob is immutable due to a policy.");
        }
        blobs.put(key, new State(wanted, s.legalHold()));
        return ok(r, Map.of("x-ms-immutability-policy-until-date", List.of(RFC_1123.format(wanted.until())),
                "x-ms-immutability-policy-mode", List.of(wanted.locked() ? "locked" : "unlocked")));
    }

    private synchronized Answer deletePolicy(Request r, String key) {
        if (!exists(r)) {
            return error(r, 404, "BlobNotFound", "The specified blob does not exist.");
        }
        State s = blobs.get(key);
        if (s != null && s.policy() != null && s.policy().locked()) {
            return error(r, 409, "ImmutabilityPolicyDeleteOnLockedPolicy",
                    "This operation is not permitted as the immutability policy is locked.");
        }
        if (s != null) {
            blobs.put(key, new State(null, s.legalHold()));
        }
        return ok(r, Map.of());
    }

    private synchronized Answer setLegalHold(Request r, String key) {
        String value = r.header("x-ms-legal-hold");
        boolean hold = value != null && value.equalsIgnoreCase("true");
        if (value != null && !hold && !value.equalsIgnoreCase("false")) {
            return error(r, 400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format.");
        }
        if (!exists(r)) {
            return error(r, 404, "BlobNotFound", "The specified blob does not exist.");
        }
        State s = blobs.getOrDefault(key, new State(null, null));
        blobs.put(key, new State(s.policy(), hold));
        return ok(r, Map.of("x-ms-legal-hold", List.of(String.valueOf(hold))));
    }

    /** A {@link Policy} from the request's headers, or the 400 Azure answers to bad ones. */
    private Object policy(Request r, String until, String mode) {
        Instant at;
        try {
            at = ZonedDateTime.parse(until, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                    .truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            return error(r, 400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format.");
        }
        boolean locked = mode != null && mode.equalsIgnoreCase("locked");
        if (mode != null && !locked && !mode.equalsIgnoreCase("unlocked") || !at.isAfter(clock.instant())) {
            return error(r, 400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format.");
        }
        return new Policy(at, locked);
    }

    /** The 409 for changing or deleting a version a hold or an active policy protects, or null. */
    private Answer refusal(Request r, State s) {
        if (s != null && s.held()) {
            return error(r, 409, "BlobImmutableDueToLegalHold",
                    "This operation is not permitted as the blob is immutable due to one or more legal holds.");
        }
        if (s != null && s.policy() != null && s.policy().active(clock.instant())) {
            return error(r, 409, "BlobImmutableDueToPolicy",
                    "This operation is not permitted as the blob is immutable due to a policy.");
        }
        return null;
    }

    private Answer containerLevelBlob(Request r, ContainerPolicy policy) throws IOException, InterruptedException {
        String comp = r.comp();
        boolean delete = comp == null && r.method().equals("DELETE");
        boolean overwrite = r.method().equals("PUT") && newVersion(r) && !"*".equals(r.header("If-None-Match"));
        boolean change = r.method().equals("PUT") && ("metadata".equals(comp) || "page".equals(comp)
                || "appendblock".equals(comp) && !policy.allowProtectedAppendWrites());
        if (delete || overwrite || change) {
            BlobProperties properties = properties(r);
            if (properties != null) {
                if (!authorized(r)) {
                    return denied(r);
                }
                // an append blob's retention runs from its last append; any other blob's from its creation
                Instant from = (properties.getBlobType() == BlobType.APPEND_BLOB ? properties.getLastModified()
                        : properties.getCreationTime()).toInstant();
                if (overwrite || change || from.plus(policy.retention()).isAfter(clock.instant())) {
                    return error(r, 409, "BlobImmutableDueToPolicy",
                            "This operation is not permitted as the blob is immutable due to a policy.");
                }
            }
        }
        return forward(r);
    }

    /** The listing with each protected blob's policy and hold in its Properties, as Azure lists them. */
    private Answer listing(Request r, Answer answer, boolean policies, boolean holds) {
        String xml = new String(answer.body(), StandardCharsets.UTF_8);
        Matcher blob = BLOB.matcher(xml);
        StringBuilder out = new StringBuilder();
        while (blob.find()) {
            String inner = blob.group(1);
            Matcher name = NAME.matcher(inner);
            State s = name.find() ? blobs.get(r.container() + "/" + unescape(name.group(1))) : null;
            StringBuilder extra = new StringBuilder();
            if (s != null && policies && s.policy() != null) {
                extra.append("<ImmutabilityPolicyUntilDate>").append(RFC_1123.format(s.policy().until()))
                        .append("</ImmutabilityPolicyUntilDate><ImmutabilityPolicyMode>")
                        .append(s.policy().locked() ? "locked" : "unlocked").append("</ImmutabilityPolicyMode>");
            }
            if (s != null && holds && s.legalHold() != null) {
                extra.append("<LegalHold>").append(s.legalHold()).append("</LegalHold>");
            }
            String replaced = "<Blob>" + inner.replace("</Properties>", extra + "</Properties>") + "</Blob>";
            blob.appendReplacement(out, Matcher.quoteReplacement(replaced));
        }
        blob.appendTail(out);
        return new Answer(answer.status(), answer.headers(), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, List<String>> stateHeaders(State s) {
        Map<String, List<String>> headers = new HashMap<>();
        if (s.policy() != null) {
            headers.put("x-ms-immutability-policy-until-date", List.of(RFC_1123.format(s.policy().until())));
            headers.put("x-ms-immutability-policy-mode", List.of(s.policy().locked() ? "locked" : "unlocked"));
        }
        if (s.legalHold() != null) {
            headers.put("x-ms-legal-hold", List.of(String.valueOf(s.legalHold())));
        }
        return headers;
    }

    // ---------------------------------------------------------------------------------------

    private boolean exists(Request r) {
        return direct.getBlobContainerClient(r.container()).getBlobClient(r.blob()).exists();
    }

    private BlobProperties properties(Request r) {
        try {
            return direct.getBlobContainerClient(r.container()).getBlobClient(r.blob()).getProperties();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Whether the request's SharedKey signature is the account key's, computed as the SDK computes it. */
    private boolean authorized(Request r) {
        String given = r.header("Authorization");
        if (given == null || !given.startsWith("SharedKey ")) {
            return false;
        }
        HttpHeaders headers = new HttpHeaders();
        r.headers().forEach((name, values) -> headers.set(HttpHeaderName.fromString(name), String.join(",", values)));
        try {
            URL url = URI.create("http://127.0.0.1" + r.rawPath() + (r.rawQuery() == null ? "" : "?" + r.rawQuery()))
                    .toURL();
            return given.equals(key.generateAuthorizationHeader(url, r.method(), headers, false));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private Answer denied(Request r) {
        return error(r, 403, "AuthenticationFailed", "Server failed to authenticate the request. Make sure the value "
                + "of Authorization header is formed correctly including the signature.");
    }

    private Answer ok(Request r, Map<String, List<String>> extra) {
        Map<String, List<String>> headers = common(r);
        headers.putAll(extra);
        return new Answer(200, headers, new byte[0]);
    }

    /** Azure's error: its code in x-ms-error-code and, except for HEAD, the XML body with the message. */
    private Answer error(Request r, int status, String code, String message) {
        Map<String, List<String>> headers = common(r);
        headers.put("x-ms-error-code", List.of(code));
        headers.put("Content-Type", List.of("application/xml"));
        String requestId = headers.get("x-ms-request-id").get(0);
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "\nRequestId:" + requestId + "\nTime:" + clock.instant() + "</Message></Error>";
        return new Answer(status, headers, r.head() ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, List<String>> common(Request r) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("x-ms-request-id", List.of(UUID.randomUUID().toString()));
        headers.put("x-ms-version", List.of(r.header("x-ms-version") == null ? "2021-12-02" : r.header("x-ms-version")));
        if (r.header("x-ms-client-request-id") != null) {
            headers.put("x-ms-client-request-id", List.of(r.header("x-ms-client-request-id")));
        }
        headers.put("Date", List.of(RFC_1123.format(clock.instant())));
        return headers;
    }

    private Answer forward(Request r) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + azurite.blobPort() + r.rawPath()
                + (r.rawQuery() == null ? "" : "?" + r.rawQuery()));
        boolean hasBody = r.body().length > 0 || r.header("Content-Length") != null;
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .method(r.method(), hasBody ? HttpRequest.BodyPublishers.ofByteArray(r.body())
                        : HttpRequest.BodyPublishers.noBody());
        r.headers().forEach((name, values) -> {
            if (!HOP.contains(name)) {
                for (String v : values) {
                    try {
                        b.header(name, v);
                    } catch (IllegalArgumentException restricted) {
                        // a header the client sets itself (date, ...): Azurite sees the client's
                    }
                }
            }
        });
        HttpResponse<byte[]> response = upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":") && !HOP.contains(name.toLowerCase(Locale.ROOT))
                    || name.equalsIgnoreCase("content-length") && r.head()) {
                headers.put(name, values);
            }
        });
        return new Answer(response.statusCode(), headers, response.body());
    }

    private static Request read(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath();
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
                query.put(k, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        // /<account>/<container>/<blob name...>
        String[] parts = rawPath.split("/", 4);
        String container = parts.length > 2 && !parts[2].isEmpty() ? decode(parts[2]) : null;
        String blob = parts.length > 3 && !parts[3].isEmpty() ? decode(parts[3]) : null;
        return new Request(exchange.getRequestMethod(), rawPath, uri.getRawQuery(), query, headers, body, container,
                blob);
    }

    private static void send(HttpExchange exchange, Request r, Answer a) throws IOException {
        a.headers().forEach((name, values) -> {
            if (!HOP.contains(name.toLowerCase(Locale.ROOT)) || r.head() && name.equalsIgnoreCase("content-length")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        if (r.head() || a.body().length == 0) {
            exchange.sendResponseHeaders(a.status(), -1);
        } else {
            exchange.sendResponseHeaders(a.status(), a.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(a.body());
            }
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String unescape(String xml) {
        return xml.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }
}
