package com.shiftsync.backup.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * A fake Azure Resource Manager for Flexible Server restores, over HTTPS on loopback, that
 * answers as the real one does (api-version 2022-12-01, Microsoft's published example
 * payloads as the model): server GETs with the {@code backup} block, checkNameAvailability,
 * a create PUT answered {@code 202} with {@code Azure-AsyncOperation} and {@code Location}
 * (no Retry-After), an operation status resource that says InProgress, Succeeded or Failed
 * (with ARM's error shape), and errors as {@code {"error": {"code", "message"}}}. Stubs
 * only answer requests with the right api-version and a bearer token; any other request
 * gets 404 from WireMock, which fails the test that sent it.
 */
public final class ArmFake implements AutoCloseable {
    public static final String API_VERSION = "2022-12-01";
    public static final String SUBSCRIPTION = "ffffffff-ffff-ffff-ffff-ffffffffffff";
    public static final String RESOURCE_GROUP = "shiftsync-rg";
    public static final String SOURCE = "shiftsync-db";
    private static final String PROVIDER = "/providers/Microsoft.DBforPostgreSQL";

    private final WireMockServer server;
    /** The real PostgreSQL clusters that play the empty servers dump drills create, by server name pattern. */
    private final java.util.Map<java.util.regex.Pattern, PostgresCluster> emptyServers =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Every admin password a create or a PATCH set on one of those, in order. */
    private final List<String> adminPasswords = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ArmFake() {
        java.util.concurrent.atomic.AtomicReference<WireMockServer> self = new java.util.concurrent.atomic.AtomicReference<>();
        this.server = HttpsFake.start(new CreatedTags(self), new RealAdmins(emptyServers, adminPasswords));
        self.set(server);
    }

    /**
     * Azure makes the administrator a create names, and a PATCH of the server changes its
     * password: so on a server played by a real PostgreSQL cluster ({@link #acceptDumpDrills}),
     * an accepted create (createMode Create) empties that cluster as a brand-new server is and
     * creates the administrator with the password the create sent, and an accepted PATCH with
     * administratorLoginPassword sets that password, with SQL as the cluster's bootstrap
     * superuser. Like Azure's admin (a member of azure_pg_admin), it is no superuser: LOGIN,
     * CREATEROLE, CREATEDB. Each password is a test secret (no scan may find it anywhere).
     */
    private static final class RealAdmins implements com.github.tomakehurst.wiremock.extension
            .ResponseDefinitionTransformerV2 {
        private static final java.util.regex.Pattern SERVER = java.util.regex.Pattern.compile(
                ".*/providers/Microsoft\\.DBforPostgreSQL/flexibleServers/([^/?]+)");
        private final java.util.Map<java.util.regex.Pattern, PostgresCluster> clusters;
        private final List<String> passwords;
        private final java.util.Map<String, String> logins = new java.util.concurrent.ConcurrentHashMap<>();

        RealAdmins(java.util.Map<java.util.regex.Pattern, PostgresCluster> clusters, List<String> passwords) {
            this.clusters = clusters;
            this.passwords = passwords;
        }

        @Override
        public String getName() {
            return "real-admins";
        }

        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            com.github.tomakehurst.wiremock.http.ResponseDefinition answer = event.getResponseDefinition();
            String method = event.getRequest().getMethod().getName();
            java.util.regex.Matcher path = SERVER.matcher(event.getRequest().getUrl().replaceAll("\\?.*$", ""));
            if (!(method.equals("PUT") || method.equals("PATCH")) || answer.getStatus() >= 300 || !path.matches()) {
                return answer;
            }
            String name = path.group(1);
            PostgresCluster cluster = clusters.entrySet().stream().filter(e -> e.getKey().matcher(name).matches())
                    .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
            if (cluster == null) {
                return answer;
            }
            com.fasterxml.jackson.databind.JsonNode properties;
            try {
                properties = com.shiftsync.backup.domain.Json.MAPPER.readTree(event.getRequest().getBodyAsString())
                        .path("properties");
            } catch (java.io.IOException e) {
                return answer;
            }
            String password = properties.path("administratorLoginPassword").asText(null);
            if (method.equals("PUT") && "Create".equals(properties.path("createMode").asText())) {
                String login = properties.path("administratorLogin").asText();
                cluster.emptied();
                cluster.execute("postgres", "CREATE ROLE " + identifier(login) + " LOGIN CREATEROLE CREATEDB PASSWORD "
                        + literal(TestSecrets.register(password)));
                logins.put(name, login);
                passwords.add(password);
            } else if (method.equals("PATCH") && password != null && logins.containsKey(name)) {
                cluster.execute("postgres", "ALTER ROLE " + identifier(logins.get(name)) + " PASSWORD "
                        + literal(TestSecrets.register(password)));
                passwords.add(password);
            }
            return answer;
        }

        private static String identifier(String name) {
            return "\"" + name.replace("\"", "\"\"") + "\"";
        }

        private static String literal(String text) {
            return "'" + text.replace("'", "''") + "'";
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }
    }

    /**
     * Resource Manager keeps the tags a create sent: a GET of a server answers them with
     * whatever tags the test's stub gives, so a server the app created carries the app's own
     * tags (its operation id), and one the test planted without a create carries none of them.
     */
    private static final class CreatedTags implements com.github.tomakehurst.wiremock.extension
            .ResponseDefinitionTransformerV2 {
        private static final java.util.regex.Pattern SERVER = java.util.regex.Pattern.compile(
                ".*/providers/Microsoft\\.DBforPostgreSQL/flexibleServers/[^/?]+");
        private final java.util.concurrent.atomic.AtomicReference<WireMockServer> server;

        CreatedTags(java.util.concurrent.atomic.AtomicReference<WireMockServer> server) {
            this.server = server;
        }

        @Override
        public String getName() {
            return "created-tags";
        }

        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            com.github.tomakehurst.wiremock.http.ResponseDefinition answer = event.getResponseDefinition();
            String path = event.getRequest().getUrl().replaceAll("\\?.*$", "");
            String body = answer.getBody();
            if (!event.getRequest().getMethod().getName().equals("GET") || answer.getStatus() != 200
                    || !SERVER.matcher(path).matches() || body == null || !body.contains("\"tags\":{")) {
                return answer;
            }
            StringBuilder created = new StringBuilder();
            for (LoggedRequest put : server.get().findAll(putRequestedFor(urlPathEqualTo(path)))) {
                try {
                    com.fasterxml.jackson.databind.JsonNode tags = com.shiftsync.backup.domain.Json.MAPPER
                            .readTree(put.getBodyAsString()).path("tags");
                    tags.fields().forEachRemaining(t -> created.append('"').append(t.getKey()).append("\":\"")
                            .append(t.getValue().asText()).append("\","));
                } catch (java.io.IOException e) {
                    // a create the app sent is JSON; anything else carried no tags
                }
            }
            if (created.length() == 0) {
                return answer;
            }
            String entries = created.substring(0, created.length() - 1);
            String tagged = body.matches("(?s).*\"tags\":\\{\\s*\\}.*")
                    ? body.replaceFirst("\"tags\":\\{\\s*\\}", java.util.regex.Matcher.quoteReplacement(
                    "\"tags\":{" + entries + "}"))
                    : body.replaceFirst("\"tags\":\\{", java.util.regex.Matcher.quoteReplacement(
                    "\"tags\":{" + entries + ","));
            return ResponseDefinitionBuilder.like(answer).withBody(tagged).build();
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }
    }

    /** The fake's base URL (a loopback name in the test certificate and hosts file). */
    public String endpoint() {
        return "https://management.shiftsync.test:" + server.httpsPort() + "/";
    }

    public WireMockServer wireMock() {
        return server;
    }

    public static String serverPath(String name) {
        return serverPath(RESOURCE_GROUP, name);
    }

    public static String serverPath(String group, String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group + PROVIDER + "/flexibleServers/" + name;
    }

    public static String serverId(String name) {
        return serverPath(name);
    }

    /**
     * A Flexible Server as the fake serves it.
     *
     * @param network            "public", or the delegated subnet's resource id (private access)
     * @param privateDnsZone     the private DNS zone's resource id (private access), else null
     * @param highAvailability   Disabled, ZoneRedundant or SameZone
     * @param createdAt          systemData.createdAt
     * @param fqdn               fullyQualifiedDomainName
     */
    public record ServerSpec(String name, String state, String location, String earliestRestoreDate, boolean geo,
                             String network, String privateDnsZone, String highAvailability, String createdAt,
                             String fqdn, String resourceGroup, java.util.Map<String, String> tags) {
        public static ServerSpec of(String name, String state, String location, String earliestRestoreDate,
                                    boolean geo) {
            return new ServerSpec(name, state, location, earliestRestoreDate, geo, "public", null, "Disabled",
                    "2023-11-02T09:14:21.1Z", name + ".postgres.database.azure.com", RESOURCE_GROUP,
                    java.util.Map.of("app", "shiftsync"));
        }

        public ServerSpec privateAccess(String subnetId, String dnsZoneId) {
            return new ServerSpec(name, state, location, earliestRestoreDate, geo, subnetId, dnsZoneId,
                    highAvailability, createdAt, name + ".shiftsync-private.postgres.database.azure.com", resourceGroup,
                    tags);
        }

        public ServerSpec highAvailability(String mode) {
            return new ServerSpec(name, state, location, earliestRestoreDate, geo, network, privateDnsZone, mode,
                    createdAt, fqdn, resourceGroup, tags);
        }

        public ServerSpec createdAt(String at) {
            return new ServerSpec(name, state, location, earliestRestoreDate, geo, network, privateDnsZone,
                    highAvailability, at, fqdn, resourceGroup, tags);
        }

        public ServerSpec fqdn(String host) {
            return new ServerSpec(name, state, location, earliestRestoreDate, geo, network, privateDnsZone,
                    highAvailability, createdAt, host, resourceGroup, tags);
        }

        public ServerSpec in(String group, java.util.Map<String, String> newTags) {
            return new ServerSpec(name, state, location, earliestRestoreDate, geo, network, privateDnsZone,
                    highAvailability, createdAt, fqdn, group, newTags);
        }
    }

    /** A subnet id as Azure writes them, in the fake's subscription. */
    public static String subnetId(String group, String vnet, String subnet) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group + "/providers/Microsoft.Network/"
                + "virtualNetworks/" + vnet + "/subnets/" + subnet;
    }

    /** A private DNS zone id as Azure writes them. */
    public static String dnsZoneId(String group, String zone) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group + "/providers/Microsoft.Network/"
                + "privateDnsZones/" + zone;
    }

    /**
     * The source server: where it is, how far back it can go, and whether it has geo-redundant
     * backup; public access, no high availability, and (until a test says otherwise) no
     * firewall rules, no user-set parameters, no replicas and no full backups listed.
     */
    public void source(String location, String earliestRestoreDate, boolean geoRedundant) {
        source(ServerSpec.of(SOURCE, "Ready", location, earliestRestoreDate, geoRedundant));
    }

    /** The source server as {@code spec} describes it, with empty lists as {@link #source(String, String, boolean)}. */
    public void source(ServerSpec spec) {
        server(spec);
        firewallRules(SOURCE);
        configurations(SOURCE);
        replicas();
        fullBackups();
    }

    /** GET of server {@code name} answers it exists in {@code state}. */
    public void server(String name, String state, String location, String earliestRestoreDate, boolean geo) {
        server(ServerSpec.of(name, state, location, earliestRestoreDate, geo));
    }

    /** GET of the server answers as {@code spec} describes it. */
    public void server(ServerSpec spec) {
        server.stubFor(armGet(serverPath(spec.resourceGroup(), spec.name())).willReturn(json(200, serverBody(spec))));
    }

    /** The server's firewall rules list (name, start, end, name, start, end, ...). */
    public void firewallRules(String name, String... rules) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i + 2 < rules.length; i += 3) {
            if (values.length() > 0) {
                values.append(',');
            }
            values.append("{\"id\":\"").append(serverPath(name)).append("/firewallRules/").append(rules[i])
                    .append("\",\"name\":\"").append(rules[i]).append("\",\"type\":\"Microsoft.DBforPostgreSQL/"
                            + "flexibleServers/firewallRules\",\"properties\":{\"startIpAddress\":\"")
                    .append(rules[i + 1]).append("\",\"endIpAddress\":\"").append(rules[i + 2]).append("\"}}");
        }
        server.stubFor(armGet(serverPath(name) + "/firewallRules").willReturn(json(200, "{\"value\":[" + values
                + "]}")));
    }

    /**
     * The server's parameters list: name, value, source, isDynamicConfig for each; a few
     * system defaults are always there (as Azure lists hundreds).
     */
    public void configurations(String name, String... parameters) {
        StringBuilder values = new StringBuilder(configuration(name, "array_nulls", "on", "system-default", true)
                + "," + configuration(name, "max_connections", "859", "system-default", false));
        for (int i = 0; i + 3 < parameters.length; i += 4) {
            values.append(',').append(configuration(name, parameters[i], parameters[i + 1], parameters[i + 2],
                    Boolean.parseBoolean(parameters[i + 3])));
        }
        server.stubFor(armGet(serverPath(name) + "/configurations").willReturn(json(200, "{\"value\":[" + values
                + "]}")));
    }

    private static String configuration(String server, String name, String value, String source, boolean dynamic) {
        return "{\"properties\":{\"value\":\"" + value + "\",\"description\":\"" + name + "\",\"defaultValue\":\""
                + value + "\",\"dataType\":\"Integer\",\"allowedValues\":\"\",\"source\":\"" + source
                + "\",\"isDynamicConfig\":" + dynamic + ",\"isReadOnly\":false,\"isConfigPendingRestart\":false},"
                + "\"id\":\"" + serverPath(server) + "/configurations/" + name + "\",\"name\":\"" + name
                + "\",\"type\":\"Microsoft.DBforPostgreSQL/flexibleServers/configurations\"}";
    }

    /** The source's read replicas. */
    public void replicas(String... names) {
        StringBuilder values = new StringBuilder();
        for (String n : names) {
            if (values.length() > 0) {
                values.append(',');
            }
            values.append(serverBody(ServerSpec.of(n, "Ready", "canadacentral", "2024-01-08T00:00:00Z", false))
                    .replace("\"replicationRole\":\"Primary\"", "\"replicationRole\":\"AsyncReplica\""));
        }
        server.stubFor(armGet(serverPath(SOURCE) + "/replicas").willReturn(json(200, "{\"value\":[" + values + "]}")));
    }

    /** The source's full backups (completedTime of each). */
    public void fullBackups(String... completedTimes) {
        StringBuilder values = new StringBuilder();
        for (String t : completedTimes) {
            if (values.length() > 0) {
                values.append(',');
            }
            String name = "daily_" + t.replaceAll("[^0-9T]", "").substring(0, 15);
            values.append("{\"properties\":{\"backupType\":\"Full\",\"source\":\"Automatic\",\"completedTime\":\"")
                    .append(t).append("\"},\"id\":\"").append(serverPath(SOURCE)).append("/backups/").append(name)
                    .append("\",\"name\":\"").append(name).append("\",\"type\":\"Microsoft.DBforPostgreSQL/"
                            + "flexibleServers/backups\"}");
        }
        server.stubFor(armGet(serverPath(SOURCE) + "/backups").willReturn(json(200, "{\"value\":[" + values + "]}")));
    }

    /**
     * Writes to server {@code name} are accepted as Azure accepts them: a firewall rule PUT
     * answers 200 with the rule, a parameter PATCH 202 with Azure-AsyncOperation (its
     * operation Succeeded), a restart POST 202, a DELETE 202; and its own lists start empty
     * (Azure copies neither rules nor user-set parameters).
     */
    public void acceptWrites(String group, String name, String location) {
        acceptWritesMatching(group, java.util.regex.Pattern.quote(name), location);
    }

    /** As {@link #acceptWrites}, for every server of {@code group} whose name matches {@code nameRegex}. */
    private void acceptWritesMatching(String group, String nameRegex, String location) {
        String rg = group == null ? RESOURCE_GROUP : group;
        String path = serverPath(rg, nameRegex);
        server.stubFor(put(urlPathMatching(path + "/firewallRules/[^/]+"))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"id\":\"{{request.path}}\",\"name\":\"{{request.pathSegments.[9]}}\","
                                + "\"type\":\"Microsoft.DBforPostgreSQL/flexibleServers/firewallRules\","
                                + "\"properties\":{\"startIpAddress\":\"{{jsonPath request.body "
                                + "'$.properties.startIpAddress'}}\",\"endIpAddress\":\"{{jsonPath request.body "
                                + "'$.properties.endIpAddress'}}\"}}")));
        String paramOp = UUID.randomUUID().toString();
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.patch(urlPathMatching(path
                        + "/configurations/[^/]+")).withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"))
                .willReturn(accepted(location, paramOp)));
        operation(location, paramOp, "Succeeded");
        String restartOp = UUID.randomUUID().toString();
        server.stubFor(post(urlPathMatching(path + "/restart"))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .willReturn(accepted(location, restartOp)));
        operation(location, restartOp, "Succeeded");
        String deleteOp = UUID.randomUUID().toString();
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathMatching(path))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .willReturn(accepted(location, deleteOp)));
        operation(location, deleteOp, "Succeeded");
        server.stubFor(get(urlPathMatching(path + "/firewallRules")).withQueryParam("api-version",
                equalTo(API_VERSION)).willReturn(json(200, "{\"value\":[]}")));
        server.stubFor(get(urlPathMatching(path + "/configurations")).withQueryParam("api-version",
                equalTo(API_VERSION)).willReturn(json(200, "{\"value\":["
                + configuration("drill", "array_nulls", "on", "system-default", true) + "]}")));
    }

    /**
     * A DELETE of server {@code name} in {@code group} is answered 202 with an operation that
     * says InProgress until {@link #operation} says otherwise. Returns the operation's id.
     */
    public String acceptDelete(String group, String name, String location) {
        String op = UUID.randomUUID().toString();
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathEqualTo(serverPath(group, name)))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"))
                .willReturn(accepted(location, op)));
        operation(location, op, "InProgress");
        return op;
    }

    /** Every DELETE the fake received. */
    public List<LoggedRequest> deletes() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(urlPathMatching(
                ".*")));
    }

    /** GET of server {@code name} in {@code group} answers ARM's 404. */
    public void missing(String group, String name) {
        server.stubFor(armGet(serverPath(group, name)).willReturn(error(404, "ResourceNotFound",
                "The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + name + "' under resource group '"
                        + group + "' was not found. For more details please go to "
                        + "https://aka.ms/ARMResourceNotFoundFix")));
    }

    /** The servers of resource group {@code group}, as ARM's list answers (one page). */
    public void serversIn(String group, ServerSpec... specs) {
        StringBuilder values = new StringBuilder();
        for (ServerSpec s : specs) {
            values.append(values.length() == 0 ? "" : ",").append(serverBody(s));
        }
        server.stubFor(armGet("/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group + PROVIDER
                + "/flexibleServers").willReturn(json(200, "{\"value\":[" + values + "]}")));
    }

    /**
     * Drill servers ({@code <SOURCE>-drill-<yyyyMMddHHmm>}, any time) in {@code group}, for a
     * run whose clock the test does not hold (the CLI's own process): the name is free, the
     * create PUT is accepted and its operation Succeeded, the server then answers Ready at
     * {@code host} (tagged as sent), writes and the DELETE are accepted, and after the DELETE
     * the server is gone again.
     */
    public void acceptDrills(String group, String location, String host) {
        String name = SOURCE + "-drill-[0-9]{12}";
        String path = serverPath(group, name);
        String scenario = "drill-" + group;
        server.stubFor(post(urlPathEqualTo("/subscriptions/" + SUBSCRIPTION + PROVIDER + "/checkNameAvailability"))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .withRequestBody(matchingJsonPath("$.name", com.github.tomakehurst.wiremock.client.WireMock.matching(
                        name))).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template").withBody("{\"nameAvailable\":true,\"message\":\"\","
                                + "\"name\":\"{{jsonPath request.body '$.name'}}\",\"type\":"
                                + "\"Microsoft.DBforPostgreSQL/flexibleServers\"}")));
        String created = UUID.randomUUID().toString();
        operation(location, created, "Succeeded");
        server.stubFor(put(urlPathMatching(path)).withQueryParam("api-version", equalTo(API_VERSION))
                .inScenario(scenario).willSetStateTo("created").willReturn(accepted(location, created)));
        server.stubFor(get(urlPathMatching(path)).withQueryParam("api-version", equalTo(API_VERSION))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(404, "ResourceNotFound", "The Resource was not found.")));
        String body = serverBody(ServerSpec.of("NAME", "Ready", location, "2024-01-08T00:00:00Z", false)
                .fqdn(host).in(group, java.util.Map.of("shiftsync-drill", "true")))
                .replace("\"NAME\"", "\"{{request.pathSegments.[7]}}\"")
                .replace("/NAME\"", "/{{request.pathSegments.[7]}}\"");
        server.stubFor(get(urlPathMatching(path)).withQueryParam("api-version", equalTo(API_VERSION))
                .inScenario(scenario).whenScenarioStateIs("created")
                .willReturn(json(200, body).withTransformers("response-template")));
        acceptWritesMatching(group, name, location);
        String deleted = UUID.randomUUID().toString();
        operation(location, deleted, "Succeeded");
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathMatching(path))
                .withQueryParam("api-version", equalTo(API_VERSION)).inScenario(scenario)
                .willSetStateTo(Scenario.STARTED).willReturn(accepted(location, deleted)));
    }

    /**
     * Dump drills' empty servers ({@code <SOURCE>-drill-<yyyyMMddHHmm>}, any time) in {@code group},
     * each played by the real, empty PostgreSQL {@code cluster} at {@code host}: the create PUT with
     * createMode Create is accepted (202, Azure-AsyncOperation) and really makes its administrator on
     * the cluster ({@link RealAdmins}); its operation says {@code createStatus} (InProgress until
     * {@link #operation} says otherwise, or Succeeded); the server then answers Ready at {@code host},
     * tagged as the create sent, with the source's version, SKU and storage; a PATCH of the server
     * (the admin password) is accepted (202, Succeeded) and really sets that password; the copy's writes
     * and the DELETE are accepted, and after the DELETE the server is gone again. Returns the create's
     * ARM operation id.
     */
    public String acceptDumpDrills(String group, String location, PostgresCluster cluster, String host,
                                   String createStatus) {
        String name = SOURCE + "-drill-[0-9]{12}";
        String path = serverPath(group, name);
        String scenario = "dump-drill-" + group;
        emptyServers.put(java.util.regex.Pattern.compile(name), cluster);
        String created = UUID.randomUUID().toString();
        operation(location, created, createStatus);
        server.stubFor(put(urlPathMatching(path)).withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"))
                .withRequestBody(matchingJsonPath("$.properties.createMode", equalTo("Create")))
                .inScenario(scenario).willSetStateTo("created").willReturn(accepted(location, created)));
        server.stubFor(get(urlPathMatching(path)).withQueryParam("api-version", equalTo(API_VERSION))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(404, "ResourceNotFound", "The Resource was not found.")));
        String body = serverBody(ServerSpec.of("NAME", "Ready", location, "2024-01-08T00:00:00Z", false)
                .fqdn(host).in(group, java.util.Map.of()))
                .replace("\"NAME\"", "\"{{request.pathSegments.[7]}}\"")
                .replace("/NAME\"", "/{{request.pathSegments.[7]}}\"");
        server.stubFor(get(urlPathMatching(path)).withQueryParam("api-version", equalTo(API_VERSION))
                .inScenario(scenario).whenScenarioStateIs("created")
                .willReturn(json(200, body).withTransformers("response-template")));
        acceptPatchesMatching(path, location);
        acceptWritesMatching(group, name, location);
        String deleted = UUID.randomUUID().toString();
        operation(location, deleted, "Succeeded");
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathMatching(path))
                .withQueryParam("api-version", equalTo(API_VERSION)).inScenario(scenario)
                .willSetStateTo(Scenario.STARTED).willReturn(accepted(location, deleted)));
        return created;
    }

    /** A PATCH of server {@code name} in {@code group} is accepted: 202, its operation Succeeded. Returns the operation id. */
    public String acceptPatch(String group, String name, String location) {
        return acceptPatchesMatching(serverPath(group, java.util.regex.Pattern.quote(name)), location);
    }

    private String acceptPatchesMatching(String pathRegex, String location) {
        String patched = UUID.randomUUID().toString();
        operation(location, patched, "Succeeded");
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.patch(urlPathMatching(pathRegex))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"))
                .willReturn(accepted(location, patched)));
        return patched;
    }

    /** Every admin password a create or a PATCH set on a dump drill's server, in order. */
    public List<String> adminPasswords() {
        return List.copyOf(adminPasswords);
    }

    /** Every request that is not a GET (what a read-only plan must never send). */
    public List<LoggedRequest> writes() {
        return all().stream().filter(r -> !r.getMethod().getName().equals("GET")).toList();
    }

    /** GET of server {@code name} answers ARM's 404. */
    public void missing(String name) {
        server.stubFor(armGet(serverPath(name)).willReturn(error(404, "ResourceNotFound",
                "The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + name + "' under resource group '"
                        + RESOURCE_GROUP + "' was not found. For more details please go to "
                        + "https://aka.ms/ARMResourceNotFoundFix")));
    }

    public void nameAvailable(String name) {
        server.stubFor(nameCheck(name).willReturn(json(200, "{\"nameAvailable\":true,\"message\":\"\",\"name\":\""
                + name + "\",\"type\":\"Microsoft.DBforPostgreSQL/flexibleServers\"}")));
    }

    public void nameTaken(String name, String reason, String message) {
        server.stubFor(nameCheck(name).willReturn(json(200, "{\"nameAvailable\":false,\"reason\":\"" + reason
                + "\",\"message\":\"" + message + "\",\"name\":\"" + name
                + "\",\"type\":\"Microsoft.DBforPostgreSQL/flexibleServers\"}")));
    }

    /** checkNameAvailability answers ARM's 403 AuthorizationFailed (an identity with rights on the resource group only). */
    public void nameCheckForbidden(String name) {
        server.stubFor(nameCheck(name).willReturn(error(403, "AuthorizationFailed", "The client '00000000-0000-0000-"
                + "0000-000000000001' with object id '00000000-0000-0000-0000-000000000001' does not have authorization "
                + "to perform action 'Microsoft.DBforPostgreSQL/checkNameAvailability/action' over scope '/subscriptions/"
                + SUBSCRIPTION + "' or the scope is invalid.")));
    }

    private MappingBuilder nameCheck(String name) {
        return post(urlPathEqualTo("/subscriptions/" + SUBSCRIPTION + PROVIDER + "/checkNameAvailability"))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"))
                .withRequestBody(matchingJsonPath("$.name", equalTo(name)))
                .withRequestBody(matchingJsonPath("$.type", equalTo("Microsoft.DBforPostgreSQL/flexibleServers")));
    }

    /**
     * The create PUT of {@code name} is accepted as real Azure accepts it: 202, an empty body,
     * Azure-AsyncOperation and Location headers; the new server's completion writes are
     * accepted too ({@link #acceptWrites}). Returns the ARM operation's id.
     */
    public String acceptCreate(String name, String location) {
        return acceptCreate(null, name, location);
    }

    /** The create PUT of {@code name} in {@code group} (null: the source's) is accepted. */
    public String acceptCreate(String group, String name, String location) {
        String operation = UUID.randomUUID().toString();
        server.stubFor(put(urlPathEqualTo(serverPath(group == null ? RESOURCE_GROUP : group, name)))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"))
                .willReturn(accepted(location, operation)));
        acceptWrites(group, name, location);
        return operation;
    }

    /** The create PUT answers ARM's error {@code status} {@code code}: {@code message}. */
    public void refuseCreate(String name, int status, String code, String message) {
        server.stubFor(armPut(name).willReturn(error(status, code, message)));
    }

    /**
     * The first PUT is throttled (429 with Retry-After: 1, ARM's usual answer), the next one
     * accepted. Returns the ARM operation's id.
     */
    public String throttleThenAccept(String name, String location) {
        String operation = UUID.randomUUID().toString();
        server.stubFor(armPut(name).inScenario("throttle-" + name).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(429, "TooManyRequests", "The request is being throttled as the limit has been "
                        + "reached for operation type - Write. For more information, see - https://aka.ms/srpthrottlinglimits")
                        .withHeader("Retry-After", "1"))
                .willSetStateTo("throttled"));
        server.stubFor(armPut(name).inScenario("throttle-" + name).whenScenarioStateIs("throttled")
                .willReturn(accepted(location, operation)));
        return operation;
    }

    /**
     * A burst: the first {@code failures} create PUTs answer {@code status} {@code code}
     * (429 with Retry-After: 1, or a 5xx), the next one is accepted (a burst longer than the
     * client's retries never gets there). Returns the ARM operation's id.
     */
    public String burstThenAccept(String name, String location, int status, String code, int failures) {
        String operation = UUID.randomUUID().toString();
        String scenario = "burst-" + name;
        for (int i = 0; i < failures; i++) {
            ResponseDefinitionBuilder answer = error(status, code, "Transient failure " + (i + 1) + " of a burst.");
            if (status == 429) {
                answer = answer.withHeader("Retry-After", "1");
            }
            server.stubFor(armPut(name).inScenario(scenario).whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed-" + i)
                    .willReturn(answer).willSetStateTo("failed-" + (i + 1)));
        }
        server.stubFor(armPut(name).inScenario(scenario)
                .whenScenarioStateIs(failures == 0 ? Scenario.STARTED : "failed-" + failures)
                .willReturn(accepted(location, operation)));
        return operation;
    }

    /** The status resource of an ARM operation says {@code status} (InProgress, Succeeded, Canceled). */
    public void operation(String location, String operation, String status) {
        String end = "InProgress".equals(status) ? "" : ",\"endTime\":\"2024-01-15T12:41:07.5Z\"";
        server.stubFor(armGet(asyncPath(location, operation)).willReturn(json(200, "{\"name\":\"" + operation
                + "\",\"status\":\"" + status + "\",\"startTime\":\"2024-01-15T12:00:03.2Z\"" + end + "}")));
    }

    /** The status resource says Failed, with ARM's error. */
    public void operationFailed(String location, String operation, String code, String message) {
        server.stubFor(armGet(asyncPath(location, operation)).willReturn(json(200, "{\"name\":\"" + operation
                + "\",\"status\":\"Failed\",\"startTime\":\"2024-01-15T12:00:03.2Z\",\"endTime\":"
                + "\"2024-01-15T12:09:44.1Z\",\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message
                + "\"}}")));
    }

    /** Every request answers ARM's 500. */
    public void brokenEverywhere() {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(anyUrl()).atPriority(1)
                .willReturn(error(500, "InternalServerError", "Encountered internal server error. Diagnostic "
                        + "information: timestamp '20240115T120003Z', subscription id '" + SUBSCRIPTION + "'.")));
    }

    public static String asyncPath(String location, String operation) {
        return "/subscriptions/" + SUBSCRIPTION + PROVIDER + "/locations/" + location + "/azureAsyncOperation/"
                + operation;
    }

    /** Every PUT the fake received. */
    public List<LoggedRequest> puts() {
        return server.findAll(putRequestedFor(urlPathMatching(".*")));
    }

    public List<LoggedRequest> requests(RequestPatternBuilder pattern) {
        return server.findAll(pattern);
    }

    public List<LoggedRequest> all() {
        return server.findAll(anyRequestedFor(anyUrl()));
    }

    public void reset() {
        server.resetAll();
        emptyServers.clear();
        adminPasswords.clear();
    }

    @Override
    public void close() {
        server.stop();
    }

    private MappingBuilder armGet(String path) {
        return get(urlPathEqualTo(path)).withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"));
    }

    private MappingBuilder armPut(String name) {
        return put(urlPathEqualTo(serverPath(name))).withQueryParam("api-version", equalTo(API_VERSION))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .+"));
    }

    private ResponseDefinitionBuilder accepted(String location, String operation) {
        String base = endpoint().substring(0, endpoint().length() - 1);
        return aResponse().withStatus(202)
                .withHeader("Azure-AsyncOperation", base + asyncPath(location, operation) + "?api-version="
                        + API_VERSION)
                .withHeader("Location", base + "/subscriptions/" + SUBSCRIPTION + PROVIDER + "/locations/" + location
                        + "/operationResults/" + operation + "?api-version=" + API_VERSION)
                .withHeader("x-ms-request-id", UUID.randomUUID().toString())
                .withHeader("Content-Length", "0");
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("x-ms-request-id", UUID.randomUUID().toString()).withBody(body);
    }

    static ResponseDefinitionBuilder error(int status, String code, String message) {
        return json(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }

    /**
     * A Flexible Server as ARM's GET returns it (after Microsoft's ServerGet.json and
     * ServerGetWithVnet.json examples).
     */
    static String serverBody(ServerSpec s) {
        String network = "public".equals(s.network()) ? "{\"publicNetworkAccess\":\"Enabled\"}"
                : "{\"publicNetworkAccess\":\"Disabled\",\"delegatedSubnetResourceId\":\"" + s.network()
                + "\",\"privateDnsZoneArmResourceId\":\"" + s.privateDnsZone() + "\"}";
        String ha = "Disabled".equals(s.highAvailability()) ? "{\"mode\":\"Disabled\",\"state\":\"NotEnabled\"}"
                : "{\"mode\":\"" + s.highAvailability() + "\",\"state\":\"Healthy\",\"standbyAvailabilityZone\":\"2\"}";
        StringBuilder tags = new StringBuilder();
        s.tags().forEach((k, v) -> tags.append(tags.length() == 0 ? "" : ",").append('"').append(k).append("\":\"")
                .append(v).append('"'));
        return """
                {"sku":{"name":"Standard_D2ds_v4","tier":"GeneralPurpose"},
                 "systemData":{"createdAt":"%7$s"},
                 "properties":{"fullyQualifiedDomainName":"%8$s","version":"15",
                  "minorVersion":"4","administratorLogin":"shiftsync_admin","state":"%2$s","availabilityZone":"1",
                  "storage":{"storageSizeGB":128,"autoGrow":"Disabled","tier":"P10","iops":500},
                  "authConfig":{"activeDirectoryAuth":"Disabled","passwordAuth":"Enabled"},
                  "backup":{"backupRetentionDays":7,"geoRedundantBackup":"%3$s","earliestRestoreDate":"%4$s"},
                  "network":%9$s,
                  "highAvailability":%10$s,
                  "maintenanceWindow":{"customWindow":"Disabled","dayOfWeek":0,"startHour":0,"startMinute":0},
                  "replicationRole":"Primary","replicaCapacity":5},
                 "location":"%5$s","tags":{%11$s},
                 "id":"%6$s","name":"%1$s","type":"Microsoft.DBforPostgreSQL/flexibleServers"}
                """.formatted(s.name(), s.state(), s.geo() ? "Enabled" : "Disabled", s.earliestRestoreDate(),
                s.location(), serverPath(s.resourceGroup(), s.name()), s.createdAt(), s.fqdn(), network, ha, tags);
    }
}
