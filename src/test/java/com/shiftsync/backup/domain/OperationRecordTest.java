package com.shiftsync.backup.domain;

import com.shiftsync.backup.testing.SampleOperations;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stored operation record is read strictly: what this version writes reads back field for
 * field; anything else (another schema, an unknown field, a state of another kind, another id)
 * is "not readable" and never acted on; an earlier version's finished records keep their
 * history.
 */
class OperationRecordTest {
    static final Instant T0 = Instant.parse("2024-01-15T12:00:00Z");
    static final String WHERE = "Blob container operations at http://127.0.0.1:1/devstoreaccount1";

    static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("every kind reads back field for field, with schema 2")
    void roundTrip() {
        for (Operation op : List.of(SampleOperations.pointInTime("shiftsync-db-pitr", T0),
                SampleOperations.dumpRestore("shiftsync_restored", T0),
                SampleOperations.drill("shiftsync-db-drill-202401151200", T0, DrillState.Step.RESTORING),
                Operation.start(OperationKind.BACKUP, "manual", SampleOperations.ANA, T0,
                        BackupRunState.queued(Tier.MANUAL, "shiftsync")))) {
            String json = Json.pretty(op);
            assertTrue(json.contains("\"schema\" : 2"), json);
            assertEquals(op, Operation.read(bytes(json), op.id(), WHERE));
        }
    }

    @Test
    @DisplayName("not readable, and said so: another schema, an unknown field, a state of another kind, another id, "
            + "not JSON")
    void strict() {
        Operation op = SampleOperations.pointInTime("shiftsync-db-pitr", T0);
        String json = Json.write(op);
        String drill = Json.write(SampleOperations.drill("shiftsync-db-drill-202401151200", T0,
                DrillState.Step.DELETING));
        List<String[]> cases = List.of(
                new String[] {json.replace("\"schema\":2", "\"schema\":3"), "its schema is 3"},
                new String[] {json.replace("\"restart\":false", "\"restart\":false,\"host\":\"evil.example\""),
                        "Unrecognized field \"host\""},
                new String[] {json.replace("\"kind\":\"point-in-time\"", "\"kind\":\"drill\""), "Unrecognized field"},
                new String[] {drill.replace("\"kind\":\"drill\"", "\"kind\":\"sql\""), "unknown operation kind"},
                new String[] {"{\"schema\":2,\"kind\":\"geo\"}", "it has no state"},
                new String[] {"not json", "Unrecognized token"});
        for (String[] c : cases) {
            ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> Operation.read(bytes(c[0]), op.id(),
                    WHERE), c[0]);
            assertTrue(e.getMessage().startsWith("operation " + op.id() + " in " + WHERE + " is not readable: "),
                    e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), c[1] + " in: " + e.getMessage());
            assertTrue(e.getMessage().endsWith("nothing was done with it"), e.getMessage());
        }
        String other = Operation.newId();
        ShiftSyncException moved = assertThrows(ShiftSyncException.class, () -> Operation.read(bytes(json), other,
                WHERE));
        assertTrue(moved.getMessage().contains("it names itself " + op.id()), moved.getMessage());
    }

    @Test
    @DisplayName("an earlier version's finished server restore keeps its measured recovery; a running one is not "
            + "read")
    void legacy() {
        String id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        String finished = """
                {"id":"%s","kind":"point-in-time","status":"Succeeded","target":"shiftsync-db-pitr",
                 "requestedBy":"ana","requestedAt":"2024-01-15T12:00:00Z","startedAt":"2024-01-15T12:00:02Z",
                 "updatedAt":"2024-01-15T12:45:00Z","finishedAt":"2024-01-15T12:45:00Z",
                 "parameters":{"restorePointInTime":"latest","targetServerName":"shiftsync-db-pitr"},
                 "details":{"sourceServer":"shiftsync-db","location":"canadacentral","network":"public",
                            "pointInTimeUTC":"2024-01-15T12:00:00Z","restorePoint":"latest",
                            "scenario":"server-failure","fullyQualifiedDomainName":"x.postgres.database.azure.com"},
                 "tracking":{},
                 "completion":{"stage":"done","azureFinishedAt":"2024-01-15T12:40:00Z",
                               "verifiedAt":"2024-01-15T12:45:00Z",
                               "verification":{"passed":true,"host":"x.postgres.database.azure.com"}}}
                """.formatted(id);
        Operation op = Operation.read(bytes(finished), id, WHERE);
        assertEquals(Operation.SCHEMA, op.schema());
        assertEquals(Duration.ofMinutes(45), op.measuredRecovery().orElseThrow());
        assertEquals("done", op.state().stepName());
        assertEquals("x.postgres.database.azure.com", op.details().get("fullyQualifiedDomainName"));

        String running = finished.replace("\"status\":\"Succeeded\"", "\"status\":\"InProgress\"");
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> Operation.read(bytes(running), id, WHERE));
        assertTrue(e.getMessage().contains("an earlier version of the app wrote it and it is still InProgress"),
                e.getMessage());
    }
}
