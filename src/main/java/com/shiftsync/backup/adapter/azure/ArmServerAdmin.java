package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.rest.Response;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.HttpClientOptions;
import com.azure.resourcemanager.postgresqlflexibleserver.PostgreSqlManager;
import com.azure.resourcemanager.postgresqlflexibleserver.fluent.PostgreSqlManagementClient;
import com.azure.resourcemanager.postgresqlflexibleserver.fluent.models.FirewallRuleInner;
import com.azure.resourcemanager.postgresqlflexibleserver.fluent.models.NameAvailabilityInner;
import com.azure.resourcemanager.postgresqlflexibleserver.fluent.models.ServerInner;
import com.azure.resourcemanager.postgresqlflexibleserver.models.CheckNameAvailabilityRequest;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ConfigurationForUpdate;
import com.azure.resourcemanager.postgresqlflexibleserver.models.CreateMode;
import com.azure.resourcemanager.postgresqlflexibleserver.models.GeoRedundantBackupEnum;
import com.azure.resourcemanager.postgresqlflexibleserver.models.RestartParameter;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ServerForUpdate;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ServerVersion;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Sku;
import com.azure.resourcemanager.postgresqlflexibleserver.models.SkuTier;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Storage;
import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.ServerAdmin;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@link ServerAdmin} on the Flexible Server SDK ({@code azure-resourcemanager-postgresqlflexibleserver}
 * 1.0.0, api-version 2022-12-01), against the Resource Manager of {@code AZURE_RESOURCE_MANAGER_ENDPOINT}.
 *
 * <p>Why no SDK poller: a restore runs for minutes to hours, far beyond the 230 seconds an
 * HTTP function may take, and a status request may come to another instance or after a
 * restart. So the create is sent with the generated client's {@code createWithResponseAsync}
 * (the PUT alone, through the manager's pipeline: same serialisation, authentication and
 * retries as {@code beginCreate}), and the {@code Azure-AsyncOperation} URL of its answer
 * is handed back to be stored. {@link #progress} later GETs that URL through the same
 * pipeline, exactly as the SDK's poller would, one poll per status request. The URL is
 * sent our bearer token, so only URLs on the configured Resource Manager host are used.
 *
 * <p>Every call is bounded: each try has a response timeout, retries (429, 408, 5xx,
 * connection failures) are limited and spaced by {@link Tuning}, which honours
 * Retry-After, and the whole call has a deadline.
 */
public final class ArmServerAdmin implements ServerAdmin {
    static final String ASYNC_OPERATION_HEADER = "Azure-AsyncOperation";
    /** Marks a tracking URL that is an operation's Location (202 while running) rather than its Azure-AsyncOperation. */
    static final String LOCATION_PREFIX = "location:";
    private static final String SERVER_TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";
    private static final Logger LOG = Logger.getLogger(ArmServerAdmin.class.getName());

    /**
     * How patient the client is.
     *
     * @param maxRetries   retries after the first try (429, 408, 5xx, connection failures)
     * @param retryDelay   first delay between tries, doubled each time (a Retry-After header wins)
     * @param maxRetryDelay longest delay between tries
     * @param tryTimeout   how long one try may wait for an answer
     * @param callDeadline how long one call may take in all, retries included
     */
    public record Tuning(int maxRetries, Duration retryDelay, Duration maxRetryDelay, Duration tryTimeout,
                         Duration callDeadline) {
        /**
         * Production: 3 retries 1 to 8 s apart, 15 s a try, 30 s a call. A restore request
         * makes four calls (source, target, name, create) and three storage writes of at
         * most 20 s each, so even at worst it answers within the Functions front end's 230 s.
         */
        public static final Tuning DEFAULT = new Tuning(3, Duration.ofSeconds(1), Duration.ofSeconds(8),
                Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    private final PostgreSqlManagementClient client;
    private final URI endpoint;
    private final String subscriptionId;
    private final String resourceGroup;
    private final String sourceName;
    private final Tuning tuning;

    private ArmServerAdmin(PostgreSqlManagementClient client, URI endpoint, String subscriptionId,
                           String resourceGroup, String sourceName, Tuning tuning) {
        this.client = client;
        this.endpoint = endpoint;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.sourceName = sourceName;
        this.tuning = tuning;
    }

    /**
     * @param endpoint       AZURE_RESOURCE_MANAGER_ENDPOINT (https)
     * @param credential     the app's credential (managed identity or service principal)
     * @param tenantId       AZURE_TENANT_ID, or null
     * @param subscriptionId AZURE_SUBSCRIPTION_ID
     * @param resourceGroup  POSTGRES_RESOURCE_GROUP: the source's, and the new server's
     * @param sourceName     POSTGRES_SERVER_NAME
     */
    public static ArmServerAdmin create(String endpoint, TokenCredential credential, String tenantId,
                                        String subscriptionId, String resourceGroup, String sourceName,
                                        Tuning tuning) {
        URI base = checkEndpoint(endpoint);
        HttpClient http = HttpClient.createDefault(new HttpClientOptions()
                .setConnectTimeout(Duration.ofSeconds(10))
                .setResponseTimeout(tuning.tryTimeout())
                .setReadTimeout(tuning.tryTimeout())
                .setWriteTimeout(tuning.tryTimeout()));
        PostgreSqlManager manager = PostgreSqlManager.configure()
                .withHttpClient(http)
                .withLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE))
                .withRetryOptions(new RetryOptions(new ExponentialBackoffOptions()
                        .setMaxRetries(tuning.maxRetries())
                        .setBaseDelay(tuning.retryDelay())
                        .setMaxDelay(tuning.maxRetryDelay())))
                .authenticate(credential, new AzureProfile(tenantId, subscriptionId, environment(base)));
        return new ArmServerAdmin(manager.serviceClient(), base, subscriptionId, resourceGroup, sourceName, tuning);
    }

    /** The known cloud whose Resource Manager this is, else one made for it (tests, private clouds). */
    static AzureEnvironment environment(URI base) {
        for (AzureEnvironment known : AzureEnvironment.knownEnvironments()) {
            if (sameUrl(known.getResourceManagerEndpoint(), base)) {
                return known;
            }
        }
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", base.toString());
        endpoints.put("managementEndpointUrl", base.toString());
        return new AzureEnvironment(endpoints);
    }

    private static URI checkEndpoint(String endpoint) {
        try {
            URI uri = URI.create(endpoint.trim().endsWith("/") ? endpoint.trim() : endpoint.trim() + "/");
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not https");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw ShiftSyncException.badInput("AZURE_RESOURCE_MANAGER_ENDPOINT '" + endpoint
                    + "' is not an https URL: use https://management.azure.com/ (or your cloud's)");
        }
    }

    @Override
    public String describe() {
        return "Resource Manager at " + endpoint;
    }

    @Override
    public Server source() {
        try {
            return server(call(client.getServers().getByResourceGroupWithResponseAsync(resourceGroup, sourceName)
                    .map(Response::getValue), "reading source server " + sourceName));
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, "the source server " + sourceName
                        + " was not found in resource group " + resourceGroup + " of subscription " + subscriptionId
                        + " (" + e.getMessage() + "); check POSTGRES_SERVER_NAME, POSTGRES_RESOURCE_GROUP and "
                        + "AZURE_SUBSCRIPTION_ID", e.upstreamCode(), null);
            }
            throw e;
        }
    }

    @Override
    public Optional<Server> find(String group, String name) {
        try {
            return Optional.of(server(call(client.getServers().getByResourceGroupWithResponseAsync(rg(group), name)
                    .map(Response::getValue), "looking for server " + name)));
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.NOT_FOUND && !"ResourceGroupNotFound".equalsIgnoreCase(e.upstreamCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * checkNameAvailability is an action at subscription scope. An identity that holds its
     * role on the resource group only is refused it (403); the name is then left to the
     * create, which answers 409 for a taken name, rather than blocking every restore.
     */
    @Override
    public NameCheck checkName(String name) {
        NameAvailabilityInner answer;
        try {
            answer = call(client.getCheckNameAvailabilities().executeWithResponseAsync(
                    new CheckNameAvailabilityRequest().withName(name).withType(SERVER_TYPE)).map(Response::getValue),
                    "checking the name " + name);
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.UPSTREAM_FAILED && "AuthorizationFailed".equalsIgnoreCase(e.upstreamCode())) {
                LOG.warning("the app's identity may not call checkNameAvailability in subscription " + subscriptionId
                        + " (grant Microsoft.DBforPostgreSQL/checkNameAvailability/action at subscription scope); "
                        + "the create itself will refuse a taken name");
                return new NameCheck(true, null, "not checked: " + e.getMessage());
            }
            throw e;
        }
        return new NameCheck(!Boolean.FALSE.equals(answer.nameAvailable()),
                answer.reason() == null ? null : answer.reason().toString(), answer.message());
    }

    @Override
    public StartedCreate startCreate(CreateRequest request) {
        ServerInner body = new ServerInner()
                .withLocation(request.location())
                .withCreateMode(request.kind() == OperationKind.GEO ? CreateMode.GEO_RESTORE
                        : CreateMode.POINT_IN_TIME_RESTORE)
                .withSourceServerResourceId(request.sourceServerId())
                .withPointInTimeUtc(request.pointInTime());
        placed(body, request.network(), request.tags());
        String what = (request.kind() == OperationKind.GEO ? "starting the geo-restore of " : "starting the "
                + "point-in-time restore of ") + sourceName + " into " + request.target();
        Response<?> answer = send(client.getServers().createWithResponseAsync(rg(request.resourceGroup()),
                request.target(), body), what);
        return new StartedCreate(tracking(answer, request.target()), answer.getStatusCode());
    }

    /**
     * The PUT of Microsoft's example ServerCreate.json: createMode Create, the version, SKU and
     * storage asked for, the network (a delegated subnet and private DNS zone, or none for public
     * access), the administrator and the tags. The password is registered for redaction first, so
     * that an error message that echoes it never shows it.
     */
    @Override
    public StartedCreate startCreateEmpty(EmptyServer request) {
        Redaction.register(request.adminPassword());
        ServerAdmin.Shape shape = request.shape();
        ServerInner body = new ServerInner()
                .withLocation(request.location())
                .withCreateMode(CreateMode.CREATE)
                .withVersion(ServerVersion.fromString(shape.version()))
                .withSku(new Sku().withName(shape.skuName()).withTier(SkuTier.fromString(shape.skuTier())))
                .withStorage(new Storage().withStorageSizeGB(shape.storageSizeGb()))
                .withAdministratorLogin(request.adminLogin())
                .withAdministratorLoginPassword(request.adminPassword());
        placed(body, request.network(), request.tags());
        Response<?> answer = send(client.getServers().createWithResponseAsync(rg(request.resourceGroup()),
                request.target(), body), "creating the empty server " + request.target());
        return new StartedCreate(tracking(answer, request.target()), answer.getStatusCode());
    }

    /** A PATCH of the server with administratorLoginPassword alone (Microsoft's example ServerUpdate.json). */
    @Override
    public Accepted setAdminPassword(String group, String server, String password) {
        Redaction.register(password);
        Response<?> answer = send(client.getServers().updateWithResponseAsync(rg(group), server,
                new ServerForUpdate().withAdministratorLoginPassword(password)),
                "setting the administrator password of " + server);
        return new Accepted(answer.getStatusCode() == 202 ? tracking(answer, server) : null);
    }

    /** A new server's network (a delegated subnet and private DNS zone; none for public access) and tags. */
    private static void placed(ServerInner body, Network network, Map<String, String> tags) {
        if (network.isPrivate()) {
            body.withNetwork(new com.azure.resourcemanager.postgresqlflexibleserver.models.Network()
                    .withDelegatedSubnetResourceId(network.delegatedSubnetId())
                    .withPrivateDnsZoneArmResourceId(network.privateDnsZoneId()));
        }
        if (!tags.isEmpty()) {
            body.withTags(tags);
        }
    }

    @Override
    public List<Server> servers(String group) {
        return call(client.getServers().listByResourceGroupAsync(rg(group)).collectList(),
                "listing the servers of resource group " + rg(group)).stream().map(this::server).toList();
    }

    @Override
    public List<FullBackup> fullBackups() {
        return call(client.getBackups().listByServerAsync(resourceGroup, sourceName).collectList(),
                "listing the backups of " + sourceName).stream()
                .filter(b -> b.completedTime() != null)
                .map(b -> new FullBackup(b.name(), b.completedTime().toInstant()))
                .sorted(java.util.Comparator.comparing(FullBackup::completedTime)).toList();
    }

    @Override
    public List<String> replicas() {
        return call(client.getReplicas().listByServerAsync(resourceGroup, sourceName).collectList(),
                "listing the read replicas of " + sourceName).stream().map(ServerInner::name).toList();
    }

    @Override
    public List<FirewallRule> firewallRules(String group, String server) {
        return call(client.getFirewallRules().listByServerAsync(rg(group), server).collectList(),
                "listing the firewall rules of " + server).stream()
                .map(r -> new FirewallRule(r.name(), r.startIpAddress(), r.endIpAddress())).toList();
    }

    @Override
    public Accepted putFirewallRule(String group, String server, FirewallRule rule) {
        Response<?> answer = send(client.getFirewallRules().createOrUpdateWithResponseAsync(rg(group), server,
                rule.name(), new FirewallRuleInner().withStartIpAddress(rule.startIp()).withEndIpAddress(rule.endIp())),
                "writing firewall rule " + rule.name() + " of " + server);
        return new Accepted(answer.getStatusCode() == 202 ? tracking(answer, server) : null);
    }

    @Override
    public List<Parameter> parameters(String group, String server) {
        return call(client.getConfigurations().listByServerAsync(rg(group), server).collectList(),
                "listing the server parameters of " + server).stream()
                .map(c -> new Parameter(c.name(), c.value(), c.source(), !Boolean.FALSE.equals(c.isDynamicConfig()),
                        Boolean.TRUE.equals(c.isReadOnly()), Boolean.TRUE.equals(c.isConfigPendingRestart())))
                .toList();
    }

    @Override
    public Accepted setParameter(String group, String server, String name, String value) {
        Response<?> answer = send(client.getConfigurations().updateWithResponseAsync(rg(group), server, name,
                new ConfigurationForUpdate().withValue(value).withSource("user-override")),
                "setting server parameter " + name + " of " + server);
        return new Accepted(answer.getStatusCode() == 202 ? tracking(answer, server) : null);
    }

    @Override
    public Accepted restart(String group, String server) {
        Response<?> answer = send(client.getServers().restartWithResponseAsync(rg(group), server,
                new RestartParameter()), "restarting " + server);
        return new Accepted(answer.getStatusCode() == 202 ? tracking(answer, server) : null);
    }

    @Override
    public Accepted delete(String group, String server) {
        Response<?> answer;
        try {
            answer = send(client.getServers().deleteWithResponseAsync(rg(group), server), "deleting " + server);
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return new Accepted(null);
            }
            throw e;
        }
        return new Accepted(answer.getStatusCode() == 202 ? tracking(answer, server) : null);
    }

    /** Sends a long-running write and returns Resource Manager's answer, its body drained (the connection is reused). */
    private Response<?> send(reactor.core.publisher.Mono<Response<reactor.core.publisher.Flux<java.nio.ByteBuffer>>>
                                     request, String what) {
        return call(request.flatMap(r -> r.getValue().then(reactor.core.publisher.Mono.just(r))), what);
    }

    /**
     * Where to follow an accepted write: its Azure-AsyncOperation URL, else its Location URL
     * (marked {@value #LOCATION_PREFIX}); null when neither is on the configured Resource
     * Manager (we send such a URL no token), then the caller follows the resource's state.
     */
    private String tracking(Response<?> answer, String server) {
        String async = answer.getHeaders().getValue(ASYNC_OPERATION_HEADER);
        String location = answer.getHeaders().getValue("Location");
        String url = async != null ? async : location;
        if (url != null && !onEndpoint(url)) {
            LOG.warning("Resource Manager gave an operation URL on another host than " + endpoint + "; the work on "
                    + server + " is followed by the server's state");
            return null;
        }
        return async != null ? async : location == null ? null : LOCATION_PREFIX + location;
    }

    private String rg(String group) {
        return group == null || group.isBlank() ? resourceGroup : group;
    }

    @Override
    public Progress progress(String trackingUrl) {
        boolean byLocation = trackingUrl.startsWith(LOCATION_PREFIX);
        String url = byLocation ? trackingUrl.substring(LOCATION_PREFIX.length()) : trackingUrl;
        if (!onEndpoint(url)) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the stored operation URL is not on " + endpoint
                    + "; refusing to send it a token");
        }
        String what = "reading the state of an operation";
        return call(client.getHttpPipeline().send(new HttpRequest(HttpMethod.GET, url)
                        .setHeader(com.azure.core.http.HttpHeaderName.ACCEPT, "application/json"))
                .flatMap(response -> response.getBodyAsString().defaultIfEmpty("")
                        .map(body -> {
                            int status = response.getStatusCode();
                            response.close();
                            return parseProgress(status, body, what, byLocation);
                        })), what);
    }

    private Progress parseProgress(int status, String body, String what, boolean byLocation) {
        if (status == 404) {
            return Progress.UNKNOWN;
        }
        if (byLocation && status < 400) {
            // a Location URL answers 202 while the work runs, 200 or 204 once it is done
            return new Progress(status == 202 ? Status.IN_PROGRESS : Status.SUCCEEDED, null, null, null);
        }
        JsonNode json;
        try {
            json = body.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, what + ": Resource Manager answered " + status
                    + " with a body that is not JSON");
        }
        JsonNode error = json.path("error");
        if (status >= 400) {
            throw ArmErrors.fromStatus(what, status, text(error, "code"), text(error, "message"));
        }
        return new Progress(status(text(json, "status")), text(error, "code"), text(error, "message"),
                instant(text(json, "endTime")));
    }

    /**
     * Resource Manager's status words as one {@link Status}: Succeeded, Failed, Canceled end
     * the work; every other word (InProgress, Accepted, Running, Updating, ...) means it runs.
     */
    static Status status(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "succeeded" -> Status.SUCCEEDED;
            case "failed" -> Status.FAILED;
            case "canceled", "cancelled" -> Status.CANCELED;
            default -> Status.IN_PROGRESS;
        };
    }

    /** Runs one call against its deadline and turns every failure into one sentence with ARM's code. */
    private <T> T call(reactor.core.publisher.Mono<T> mono, String what) {
        try {
            T value = mono.block(tuning.callDeadline());
            if (value == null) {
                throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, what + ": Resource Manager gave no answer");
            }
            return value;
        } catch (RuntimeException e) {
            throw ArmErrors.describe(what, endpoint, tuning.callDeadline(), e);
        }
    }

    private Server server(ServerInner inner) {
        var backup = inner.backup();
        var network = inner.network();
        return new Server(inner.id(), inner.name(), normalLocation(inner.location()),
                inner.state() == null ? null : inner.state().toString(), inner.fullyQualifiedDomainName(),
                backup == null ? null : backup.earliestRestoreDate(),
                backup != null && GeoRedundantBackupEnum.ENABLED.equals(backup.geoRedundantBackup()),
                backup == null ? null : backup.backupRetentionDays(),
                network == null ? Network.PUBLIC : new Network(network.delegatedSubnetResourceId(),
                        network.privateDnsZoneArmResourceId()),
                inner.highAvailability() == null || inner.highAvailability().mode() == null ? null
                        : inner.highAvailability().mode().toString(),
                inner.systemData() == null || inner.systemData().createdAt() == null ? null
                        : inner.systemData().createdAt().toInstant(),
                inner.replicationRole() == null ? null : inner.replicationRole().toString(), inner.tags(),
                new Shape(inner.version() == null ? null : inner.version().toString(),
                        inner.sku() == null ? null : inner.sku().name(),
                        inner.sku() == null || inner.sku().tier() == null ? null : inner.sku().tier().toString(),
                        inner.storage() == null ? null : inner.storage().storageSizeGB()));
    }

    /** GET bodies may name a region for display ("Canada Central"); a create wants "canadacentral". */
    static String normalLocation(String location) {
        return location == null ? null : location.replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private boolean onEndpoint(String url) {
        try {
            URI uri = URI.create(url);
            return "https".equalsIgnoreCase(uri.getScheme()) && endpoint.getHost().equalsIgnoreCase(uri.getHost())
                    && port(uri) == port(endpoint);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() == -1 ? 443 : uri.getPort();
    }

    private static boolean sameUrl(String a, URI b) {
        try {
            URI ua = URI.create(a.endsWith("/") ? a : a + "/");
            return ua.getHost().equalsIgnoreCase(b.getHost()) && port(ua) == port(b) && ua.getPath().equals(b.getPath());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
