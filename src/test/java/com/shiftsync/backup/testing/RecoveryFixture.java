package com.shiftsync.backup.testing;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * The world the recovery tests (restores, drills, the status they leave) share, so that each
 * states only what it does differently: the Azure fakes for the class, the app's settings
 * against them, Azurite and a real database, the app built on those, and the Resource
 * Manager stubs of a drill of the source server.
 * {@code @RegisterExtension static final RecoveryFixture fx = new RecoveryFixture();}
 */
public final class RecoveryFixture implements BeforeEachCallback, AfterAllCallback {
    /** When the tests run: the restore point of a drill and the clock of its steps. */
    public static final Instant NOW = Instant.parse("2024-01-15T12:00:00Z");
    /** When the tests' production backup was made, two hours before {@link #NOW}. */
    public static final Instant BACKED_UP = NOW.minus(Duration.ofHours(2));
    /** The source server's earliest restore point, as Resource Manager writes it. */
    public static final String EARLIEST = "2024-01-08T02:13:55.1234567+00:00";
    public static final String GROUP = "shiftsync-drills";
    /** The drill server a drill started at {@link #NOW} makes. */
    public static final String DRILL = "shiftsync-db-drill-202401151200";
    public static final String REGION = "canadacentral";

    public final AzureFakes azure = new AzureFakes();
    public final ArmFake arm = azure.arm;

    /** A container name no other test class uses. */
    public static String container(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime());
    }

    /** The app against these fakes, Azurite, and the database {@code databaseUrl}, in fresh containers. */
    public Map<String, String> settings(String databaseUrl, String container) {
        Map<String, String> s = new HashMap<>(azure.settings());
        s.put("DATABASE_URL", databaseUrl);
        s.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        s.put("BACKUP_CONTAINER", container);
        s.put("OPERATIONS_CONTAINER", "ops-" + Long.toHexString(System.nanoTime()));
        s.put("AUDIT_CONTAINER", "audit-" + Long.toHexString(System.nanoTime()));
        s.put("WEBSITE_AUTH_ENABLED", "True");
        return s;
    }

    /** {@link #settings}, drilling into {@link #GROUP}, with a local folder of its own. */
    public Map<String, String> drillSettings(String databaseUrl, String container) {
        Map<String, String> s = settings(databaseUrl, container);
        s.put("DRILL_RESOURCE_GROUP", GROUP);
        try {
            s.put("BACKUP_DIR", Files.createTempDirectory("shiftsync-recovery").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    /** The app on {@code env} and {@code clock}, reaching Resource Manager through the managed identity fake. */
    public App app(Map<String, String> env, Clock clock) {
        return new App(new Settings(env), clock, azure.identity.credential(), AzureFakes.TUNING);
    }

    /** The source server as a drill copies it: ready, with a firewall rule and a parameter changed from its default. */
    public void drillSource() {
        arm.source("Canada Central", EARLIEST, true);
        arm.firewallRules(ArmFake.SOURCE, "app", "198.51.100.7", "198.51.100.7");
        arm.configurations(ArmFake.SOURCE, "work_mem", "65536", "user-override", "true");
    }

    /** Resource Manager takes the restore of drill server {@code server} into {@link #GROUP}: its operation, in progress. */
    public String acceptDrillRestore(String server) {
        arm.missing(GROUP, server);
        arm.nameAvailable(server);
        String createOp = arm.acceptCreate(GROUP, server, REGION);
        arm.operation(REGION, createOp, "InProgress");
        return createOp;
    }

    /** Azure has made {@link #DRILL}: ready, tagged, at the second real PostgreSQL's host name. */
    public void drillServerReady() {
        arm.server(ArmFake.ServerSpec.of(DRILL, "Ready", "Canada Central", EARLIEST, false)
                .fqdn(PostgresCluster.RESTORED_HOST).in(GROUP, Map.of("shiftsync-drill", "true")));
    }

    /** The PUTs that create {@link #DRILL}. */
    public List<LoggedRequest> drillCreates() {
        return arm.requests(putRequestedFor(urlPathEqualTo(ArmFake.serverPath(GROUP, DRILL))));
    }

    /** The DELETEs of {@link #DRILL} itself. */
    public List<LoggedRequest> drillDeletes() {
        return arm.deletes().stream().filter(r -> r.getUrl().startsWith(ArmFake.serverPath(GROUP, DRILL) + "?"))
                .toList();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        azure.beforeEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        azure.afterAll(context);
    }
}
