package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ServerTrust;
import com.shiftsync.backup.operations.OperationWorker;
import com.shiftsync.backup.operations.Reminders;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job's decisions with a scripted ServerAdmin (the wire protocol is ArmServerAdminIT's
 * and RestoreFunctionsIT's business): the fall-backs of status when Resource Manager no
 * longer reports the operation, and what is stored when a create is refused.
 */
class ServerRestoreJobTest {
    static final Instant NOW = Instant.parse("2024-01-15T12:00:00Z");
    static final Caller ANA = new Caller("oid-1", "ana", Caller.EASY_AUTH, Set.of("Backup.Admin"));

    final MutableClock clock = new MutableClock(NOW);
    final ScriptedAdmin admin = new ScriptedAdmin();
    final MemoryStore store = new MemoryStore();
    final Reminders reminders = new Reminders(null, RetryPolicy.DEFAULT);
    final RestoredServers servers = new RestoredServers(admin, "shiftsync-db", null, null);
    final ServerRestoreJob job = new ServerRestoreJob(admin, store, new ServerCompletion(admin, servers,
            () -> null, false, null, List.of(), new ServerTrust(null, "roots.pem"), RetryPolicy.DEFAULT, clock),
            servers, reminders, clock, null);
    final OperationWorker operations = new OperationWorker(store, Map.of(OperationKind.POINT_IN_TIME, job,
            OperationKind.GEO, job), reminders, clock);

    @Test
    @DisplayName("a create Resource Manager refuses leaves a Failed operation with its code, and the refusal")
    void refusedCreate() {
        admin.createFailure = new ShiftSyncException(ErrorCode.BAD_INPUT, "Resource Manager answered 400 "
                + "InvalidParameterValue: bad", "InvalidParameterValue", null);
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> job.startPointInTime(ANA, "2024-01-15T10:00:00Z", "shiftsync-db-pitr", Reporter.NONE));
        assertEquals("InvalidParameterValue", e.upstreamCode());
        Operation stored = store.ops.values().iterator().next();
        assertEquals(OperationStatus.Failed, stored.status());
        assertEquals("InvalidParameterValue", stored.error().code());
    }

    @Test
    @DisplayName("without an operation URL the target's state decides: Ready is Succeeded, else still running")
    void noTracking() {
        admin.trackingUrl = null;
        Operation op = job.startPointInTime(ANA, "2024-01-15T10:00:00Z", "shiftsync-db-pitr", Reporter.NONE);
        admin.servers.put("shiftsync-db-pitr", server("shiftsync-db-pitr", "Updating"));
        assertEquals(OperationStatus.InProgress, operations.step(op.id(), Reporter.NONE).after().status());
        admin.servers.put("shiftsync-db-pitr", server("shiftsync-db-pitr", "Ready"));
        clock.advance(Duration.ofMinutes(30));
        OperationWorker.Stepped check = operations.step(op.id(), Reporter.NONE);
        assertTrue(check.changed() && check.after().status().finished());
        assertEquals(OperationStatus.Succeeded, check.after().status());
        assertEquals(Duration.ofMinutes(30), check.after().duration().orElseThrow());
        assertEquals("shiftsync-db-pitr.postgres.database.azure.com",
                check.after().details().get("fullyQualifiedDomainName"));
        assertFalse(operations.step(op.id(), Reporter.NONE).changed(), "a finished operation is reported, not polled again");
    }

    @Test
    @DisplayName("an operation Resource Manager forgot, with no server either, is Failed: the restore did not complete")
    void forgotten() {
        Operation op = job.startPointInTime(ANA, "2024-01-15T10:00:00Z", "shiftsync-db-pitr", Reporter.NONE);
        admin.progress = ServerAdmin.Progress.UNKNOWN;
        Operation now = operations.step(op.id(), Reporter.NONE).after();
        assertEquals(OperationStatus.Failed, now.status());
        assertEquals("TargetServerMissing", now.error().code());
    }

    @Test
    @DisplayName("a cancelled create is Failed with code Canceled")
    void canceled() {
        Operation op = job.startGeo(ANA, "shiftsync-db-geo", "canadaeast", Reporter.NONE);
        admin.progress = new ServerAdmin.Progress(ServerAdmin.Status.CANCELED, null, null, null);
        Operation now = operations.step(op.id(), Reporter.NONE).after();
        assertEquals(OperationStatus.Failed, now.status());
        assertEquals("Canceled", now.error().code());
    }

    @Test
    @DisplayName("Azure's part runs from the request to ARM's end time, or to this check when ARM's clock disagrees; "
            + "the whole recovery to the end of the completion")
    void duration() {
        Operation op = job.startPointInTime(ANA, "2024-01-15T10:00:00Z", "shiftsync-db-pitr", Reporter.NONE);
        admin.servers.put("shiftsync-db-pitr", server("shiftsync-db-pitr", "Ready"));
        admin.progress = new ServerAdmin.Progress(ServerAdmin.Status.SUCCEEDED, null, null, NOW.plusSeconds(2400));
        clock.advance(Duration.ofMinutes(50));
        Operation done = operations.step(op.id(), Reporter.NONE).after();
        assertEquals(NOW.plusSeconds(2400), done.completion().azureFinishedAt());
        assertEquals(2400L, done.recoveryTime(clock.instant()).get("restoreSeconds"));
        assertEquals(Duration.ofMinutes(50), done.duration().orElseThrow(), "the recovery ends with its completion");
        Operation other = job.startPointInTime(ANA, "2024-01-15T10:00:00Z", "shiftsync-db-pitr2", Reporter.NONE);
        admin.servers.put("shiftsync-db-pitr2", server("shiftsync-db-pitr2", "Ready"));
        admin.progress = new ServerAdmin.Progress(ServerAdmin.Status.SUCCEEDED, null, null, NOW.minusSeconds(60));
        clock.advance(Duration.ofMinutes(7));
        Operation second = operations.step(other.id(), Reporter.NONE).after();
        assertEquals(Duration.ofMinutes(7), Duration.between(second.requestedAt(), second.completion().azureFinishedAt()));
    }

    @Test
    @DisplayName("an unknown or malformed operation id: 404 or 400 with what an id looks like")
    void ids() {
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(ShiftSyncException.class,
                () -> operations.step("0f8fad5b-d9cb-469f-a165-70867728950e", Reporter.NONE)).code());
        ShiftSyncException bad = assertThrows(ShiftSyncException.class, () -> operations.step("../../etc/passwd", Reporter.NONE));
        assertEquals(ErrorCode.BAD_INPUT, bad.code());
        assertTrue(bad.getMessage().contains("is not an operation id"));
    }

    static ServerAdmin.Server server(String name, String state) {
        return new ServerAdmin.Server("/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/"
                + "flexibleServers/" + name, name, "canadacentral", state, name + ".postgres.database.azure.com",
                OffsetDateTime.parse("2024-01-08T00:00:00Z"), true, 7);
    }

    static final class ScriptedAdmin implements ServerAdmin {
        final Map<String, Server> servers = new HashMap<>(Map.of("shiftsync-db", server("shiftsync-db", "Ready")));
        String trackingUrl = "https://management.azure.com/op?api-version=2022-12-01";
        RuntimeException createFailure;
        final Map<String, Map<String, String>> tags = new HashMap<>();
        Progress progress = new Progress(Status.IN_PROGRESS, null, null, null);

        @Override
        public Server source() {
            return servers.get("shiftsync-db");
        }

        @Override
        public Optional<Server> find(String group, String name) {
            // Resource Manager keeps the tags the create sent
            return Optional.ofNullable(servers.get(name)).map(s -> new Server(s.id(), s.name(), s.location(), s.state(),
                    s.fullyQualifiedDomainName(), s.earliestRestoreDate(), s.geoRedundantBackup(),
                    s.backupRetentionDays(), s.network(), s.highAvailability(), s.createdAt(), s.replicationRole(),
                    tags.getOrDefault(name, s.tags())));
        }

        @Override
        public List<Server> servers(String group) {
            return List.copyOf(servers.values());
        }

        @Override
        public List<FullBackup> fullBackups() {
            return List.of();
        }

        @Override
        public List<String> replicas() {
            return List.of();
        }

        @Override
        public List<FirewallRule> firewallRules(String group, String server) {
            return List.of();
        }

        @Override
        public Accepted putFirewallRule(String group, String server, FirewallRule rule) {
            return new Accepted(null);
        }

        @Override
        public List<Parameter> parameters(String group, String server) {
            return List.of();
        }

        @Override
        public Accepted setParameter(String group, String server, String name, String value) {
            return new Accepted(null);
        }

        @Override
        public Accepted restart(String group, String server) {
            return new Accepted(null);
        }

        @Override
        public Accepted delete(String group, String server) {
            return new Accepted(null);
        }

        @Override
        public NameCheck checkName(String name) {
            return new NameCheck(true, null, null);
        }

        @Override
        public StartedCreate startCreate(CreateRequest request) {
            if (createFailure != null) {
                throw createFailure;
            }
            tags.put(request.target(), request.tags());
            return new StartedCreate(trackingUrl, 202);
        }

        @Override
        public StartedCreate startCreateEmpty(EmptyServer request) {
            throw new UnsupportedOperationException("a server restore creates no empty server");
        }

        @Override
        public Accepted setAdminPassword(String group, String server, String password) {
            throw new UnsupportedOperationException("a server restore sets no admin password");
        }

        @Override
        public Progress progress(String url) {
            return progress;
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    static final class MemoryStore implements OperationStore {
        final Map<String, Operation> ops = new HashMap<>();

        @Override
        public void create(Operation operation) {
            if (ops.putIfAbsent(operation.id(), operation) != null) {
                throw new IllegalStateException("exists");
            }
        }

        @Override
        public void save(Operation operation) {
            ops.put(operation.id(), operation);
        }

        @Override
        public Optional<Operation> find(String id) {
            return Optional.ofNullable(ops.get(id));
        }

        @Override
        public List<Operation> list() {
            return List.copyOf(ops.values());
        }

        @Override
        public java.util.Optional<com.shiftsync.backup.port.Lease> claimStep(String id) {
            return java.util.Optional.of(new com.shiftsync.backup.port.Lease() {
                @Override
                public void verifyHeld() {
                }

                @Override
                public void close() {
                }
            });
        }

        @Override
        public String describe() {
            return "memory";
        }
    }
}
