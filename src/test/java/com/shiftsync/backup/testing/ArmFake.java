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

    public ArmFake() {
        this.server = HttpsFake.start();
    }

    /** The fake's base URL (a loopback name in the test certificate and hosts file). */
    public String endpoint() {
        return "https://management.shiftsync.test:" + server.httpsPort() + "/";
    }

    public WireMockServer wireMock() {
        return server;
    }

    public static String serverPath(String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + RESOURCE_GROUP + PROVIDER + "/flexibleServers/"
                + name;
    }

    public static String serverId(String name) {
        return serverPath(name);
    }

    /** The source server: where it is, how far back it can go, and whether it has geo-redundant backup. */
    public void source(String location, String earliestRestoreDate, boolean geoRedundant) {
        server(SOURCE, "Ready", location, earliestRestoreDate, geoRedundant);
    }

    /** GET of server {@code name} answers it exists in {@code state}. */
    public void server(String name, String state, String location, String earliestRestoreDate, boolean geo) {
        server.stubFor(armGet(serverPath(name)).willReturn(json(200, serverBody(name, state, location,
                earliestRestoreDate, geo))));
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
     * Azure-AsyncOperation and Location headers. Returns the ARM operation's id.
     */
    public String acceptCreate(String name, String location) {
        String operation = UUID.randomUUID().toString();
        server.stubFor(armPut(name).willReturn(accepted(location, operation)));
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

    /** A Flexible Server as ARM's GET returns it (after Microsoft's ServerGet.json example). */
    static String serverBody(String name, String state, String location, String earliestRestoreDate, boolean geo) {
        return """
                {"sku":{"name":"Standard_D2ds_v4","tier":"GeneralPurpose"},
                 "systemData":{"createdAt":"2023-11-02T09:14:21.1Z"},
                 "properties":{"fullyQualifiedDomainName":"%1$s.postgres.database.azure.com","version":"15",
                  "minorVersion":"4","administratorLogin":"shiftsync_admin","state":"%2$s","availabilityZone":"1",
                  "storage":{"storageSizeGB":128,"autoGrow":"Disabled","tier":"P10","iops":500},
                  "authConfig":{"activeDirectoryAuth":"Disabled","passwordAuth":"Enabled"},
                  "backup":{"backupRetentionDays":7,"geoRedundantBackup":"%3$s","earliestRestoreDate":"%4$s"},
                  "network":{"publicNetworkAccess":"Enabled"},
                  "highAvailability":{"mode":"Disabled","state":"NotEnabled"},
                  "maintenanceWindow":{"customWindow":"Disabled","dayOfWeek":0,"startHour":0,"startMinute":0},
                  "replicationRole":"Primary","replicaCapacity":5},
                 "location":"%5$s","tags":{"app":"shiftsync"},
                 "id":"%6$s","name":"%1$s","type":"Microsoft.DBforPostgreSQL/flexibleServers"}
                """.formatted(name, state, geo ? "Enabled" : "Disabled", earliestRestoreDate, location, serverId(name));
    }
}
