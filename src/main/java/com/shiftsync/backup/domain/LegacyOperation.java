package com.shiftsync.backup.domain;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records an earlier version wrote (no {@code schema}: parameters, details and tracking as
 * maps of strings), read into this version's typed shape so that the history they carry
 * stays: past restores' measured recovery times, the last passed drill, the recent
 * operations on the page. Only finished ones: an earlier version's running operation is
 * never stepped by this one (it is reported as not readable, to finish by hand), and a
 * finished one is never acted on, only shown and measured.
 */
final class LegacyOperation {
    private LegacyOperation() {
    }

    /** The finished operation {@code tree} (schema 1) describes; refused (IOException) when it still runs. */
    static Operation read(JsonNode tree) throws IOException {
        OperationKind kind = OperationKind.parse(tree.path("kind").asText());
        OperationStatus status = OperationStatus.valueOf(tree.path("status").asText());
        if (!status.finished()) {
            throw new IOException("an earlier version of the app wrote it and it is still " + status + ": this "
                    + "version does not step it; finish it by hand (the portal shows the server)");
        }
        Map<String, String> p = strings(tree.path("parameters"));
        Map<String, String> d = strings(tree.path("details"));
        Map<String, String> t = strings(tree.path("tracking"));
        OperationState state = switch (kind) {
            case POINT_IN_TIME, GEO -> server(p, d, tree.path("completion"));
            case DRILL -> drill(p, d);
            case FROM_BACKUP -> dumpRestore(p, d, t);
            case BACKUP -> backupRun(d, t);
        };
        JsonNode error = tree.path("error");
        return new Operation(Operation.SCHEMA, tree.path("id").asText(), kind, status, text(tree, "target"),
                text(tree, "requestedBy"), instant(text(tree, "requestedAt")), instant(text(tree, "startedAt")),
                instant(text(tree, "updatedAt")), instant(text(tree, "finishedAt")),
                error.isObject() ? new Operation.Failure(text(error, "code"), text(error, "message")) : null, state);
    }

    private static ServerRestoreState server(Map<String, String> p, Map<String, String> d, JsonNode completion)
            throws IOException {
        String asked = p.get("restorePointInTime");
        boolean chosen = asked != null && !asked.matches("latest|fast");
        ServerRestoreRequest.TargetNetwork askedNetwork = p.containsKey("targetSubnetId")
                ? new ServerRestoreRequest.TargetNetwork(p.get("targetSubnetId"), p.get("targetPrivateDnsZoneId"))
                : null;
        ServerRestoreRequest.TargetNetwork network = "private".equals(d.get("network"))
                ? new ServerRestoreRequest.TargetNetwork(d.get("delegatedSubnetId"), d.get("privateDnsZoneId")) : null;
        Completion c = completion.isObject() ? Json.MAPPER.treeToValue(completion, Completion.class) : null;
        return new ServerRestoreState(d.getOrDefault("restorePoint", chosen ? ServerRestoreRequest.CHOSEN : asked),
                chosen ? OffsetDateTime.parse(asked) : null, p.get("location"), askedNetwork,
                p.containsKey("scenario") ? RecoveryScenario.parse("scenario", p.get("scenario")) : null,
                "true".equals(p.get("restart")), d.get("drillId"), d.get("sourceServer"), d.get("sourceServerId"),
                d.get("sourceLocation"), d.get("location"),
                d.containsKey("pointInTimeUTC") ? OffsetDateTime.parse(d.get("pointInTimeUTC")) : null, network,
                d.get("targetResourceGroup"), d.containsKey("resourceManagerAnswer")
                ? Integer.valueOf(d.get("resourceManagerAnswer")) : null, null, d.get("targetServerId"),
                d.get("targetState"), d.get("fullyQualifiedDomainName"), List.of(), 0, c);
    }

    private static DrillState drill(Map<String, String> p, Map<String, String> d) {
        List<DrillState.Reached> reached = new ArrayList<>();
        for (DrillState.Step s : DrillState.Step.values()) {
            String at = d.get("at." + s.id());
            if (at != null) {
                reached.add(new DrillState.Reached(s, Instant.parse(at)));
            }
        }
        String outcome = d.get("outcome");
        DrillState.Step verdict = outcome == null ? null : DrillState.Step.parse(outcome);
        Operation.Failure failure = d.containsKey("failureCode")
                ? new Operation.Failure(d.get("failureCode"), d.get("failureMessage")) : null;
        return new DrillState(DrillState.Step.parse(d.getOrDefault("step", "failed")), reached,
                p.get("restorePoint"), p.get("trigger"), d.get("sourceServer"), d.get("resourceGroup"),
                d.get("restoreOperationId"), verdict, failure, instant(d.get("deleteRequestedAt")), null,
                instant(d.get("deletedAt")), d.get("deletion"), DrillState.Method.POINT_IN_TIME, null);
    }

    private static DumpRestoreState dumpRestore(Map<String, String> p, Map<String, String> d, Map<String, String> t) {
        DumpRestoreState.Result result = d.containsKey("integrity") ? new DumpRestoreState.Result(d.get("integrity"),
                "true".equals(d.get("integrityPassed")), Integer.parseInt(d.getOrDefault("tablesCompared", "0")),
                d.containsKey("differingTables") ? List.of(d.get("differingTables").split(", ")) : List.of(),
                "true".equals(d.get("createdDatabase")), Long.parseLong(d.getOrDefault("restoreMs", "0")),
                Long.parseLong(d.getOrDefault("durationMs", "0")), d.get("recordError"), List.of(), null) : null;
        return new DumpRestoreState(DumpRestoreState.Step.ENDED, p.getOrDefault("backupId", d.get("backupId")),
                "true".equals(p.get("overwriteExisting")), "true".equals(p.get("confirmProductionOverwrite")),
                d.get("backupId"), Tier.parse(d.getOrDefault("tier", "daily")), instant(d.get("backupStartedAt")),
                Long.parseLong(d.getOrDefault("backupSizeBytes", "0")), d.get("targetServer"),
                "true".equals(d.get("newDatabase")), "true".equals(d.get("productionOverwrite")),
                Integer.parseInt(t.getOrDefault("attempts", "0")), null, null, result);
    }

    private static BackupRunState backupRun(Map<String, String> d, Map<String, String> t) {
        BackupRunState.Made made = d.containsKey("backupId") ? new BackupRunState.Made(d.get("backupId"),
                Long.parseLong(d.getOrDefault("sizeBytes", "0")), Integer.parseInt(d.getOrDefault("tables", "0")),
                Long.parseLong(d.getOrDefault("rowTotal", "0")), d.get("sha256"),
                Long.parseLong(d.getOrDefault("durationMs", "0")), d.get("stores")) : null;
        return new BackupRunState(BackupRunState.Step.ENDED, Tier.MANUAL, d.get("database"),
                Integer.parseInt(t.getOrDefault("attempts", "0")), made);
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> m = new TreeMap<>();
        node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
