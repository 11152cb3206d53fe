package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A long-running operation (a point-in-time or geo-restore, a restore from a dump, an
 * on-demand backup, a recovery drill) as the app keeps track of it: one JSON document per
 * operation in storage, so its status survives a restart and any instance can answer for
 * it. The lifecycle every kind shares lives here; what differs by kind is the kind's own
 * {@link OperationState}, typed, with an enum of its steps.
 *
 * <p>A stored record may have been written by anyone who can write the storage account, so
 * reading one ({@link #read}) is strict: the schema version, the kind and its state, and the
 * id must all be what this version writes, or the record is "not readable" and nothing acts
 * on it (an earlier version's finished records are read for their history only:
 * {@link LegacyOperation}). Steps never take what to act on from a record alone: they check it against Azure
 * and the settings first.
 *
 * @param schema      {@value #SCHEMA}: the version of this document's shape
 * @param id          the operation id callers use (a UUID)
 * @param kind        what it does
 * @param status      InProgress, Succeeded or Failed
 * @param target      the server or database being created (for a backup: the tier it goes to)
 * @param requestedBy the caller's name (see the audit log for the full record)
 * @param requestedAt when the request was accepted
 * @param startedAt   when the work began (Resource Manager accepted the create, a worker took it), or null
 * @param updatedAt   last change of this record
 * @param finishedAt  when the operation ended, or null
 * @param error       why it failed, or null
 * @param state       the kind's own state
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema", "id", "kind", "status", "target", "requestedBy", "requestedAt", "startedAt", "updatedAt",
        "finishedAt", "error", "state"})
public record Operation(int schema, String id, OperationKind kind, OperationStatus status, String target,
                        String requestedBy, Instant requestedAt, Instant startedAt, Instant updatedAt,
                        Instant finishedAt, Failure error, OperationState state) {
    /** The shape this version writes, and the only one it acts on. */
    public static final int SCHEMA = 2;
    private static final Pattern ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final ObjectReader STRICT = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /**
     * Why an operation failed, in the words of the service that failed it.
     *
     * @param code    the service's code, e.g. Resource Manager's {@code ServerRestoreFailed}
     * @param message the service's message
     */
    public record Failure(String code, String message) {
        public Failure {
            code = code == null || code.isBlank() ? "Unknown" : code;
            message = Redaction.redact(message == null ? "" : message);
        }

        /** Why the work failed: the upstream service's code where it gave one, else ours. */
        public static Failure of(ShiftSyncException error) {
            return new Failure(error.upstreamCode() != null ? error.upstreamCode() : error.code().id(),
                    error.getMessage());
        }
    }

    public Operation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(state, "state");
        if (!kind.stateType().isInstance(state)) {
            throw new IllegalArgumentException("a " + kind + " operation holds a " + kind.stateType().getSimpleName()
                    + ", not a " + state.getClass().getSimpleName());
        }
    }

    /** A new operation, in progress, with a fresh id. */
    public static Operation start(OperationKind kind, String target, Caller caller, Instant now,
                                  OperationState state) {
        return start(UUID.randomUUID().toString(), kind, target, caller, now, state);
    }

    /** A new operation, in progress, under an id chosen beforehand (a server created with it in its tags). */
    public static Operation start(String id, OperationKind kind, String target, Caller caller, Instant now,
                                  OperationState state) {
        return new Operation(SCHEMA, checkId(id), kind, OperationStatus.InProgress, target, caller.name(), now,
                null, now, null, null, state);
    }

    /** A fresh operation id. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /**
     * {@code text} as an operation id, or a refusal that says what one looks like.
     */
    public static String checkId(String text) {
        String id = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!ID.matcher(id).matches()) {
            throw ShiftSyncException.badInput("'" + (text == null ? "" : text.trim())
                    + "' is not an operation id: ids look like 0f8fad5b-d9cb-469f-a165-70867728950e, "
                    + "as returned when the restore was started");
        }
        return id;
    }

    /**
     * The record stored as {@code json} under the id {@code id} in {@code where}: refused as
     * "not readable" unless it has this version's shape throughout, its kind's state, and the
     * id it is stored under. Never acted on otherwise.
     */
    public static Operation read(byte[] json, String id, String where) {
        Operation op;
        try {
            JsonNode tree = Json.MAPPER.readTree(json);
            if (tree == null || !tree.isObject()) {
                throw new IOException("not a JSON object");
            }
            JsonNode schema = tree.get("schema");
            if (schema == null) {
                op = LegacyOperation.read(tree);
                if (!op.id().equals(id)) {
                    throw new IOException("it names itself " + op.id());
                }
                return op;
            }
            if (!schema.isInt() || schema.asInt() != SCHEMA) {
                throw new IOException("its schema is " + schema + ", and this version reads only schema " + SCHEMA
                        + " (a newer version wrote it, or it was not written by this app)");
            }
            OperationKind kind = OperationKind.parse(tree.path("kind").asText());
            ObjectNode envelope = ((ObjectNode) tree).deepCopy();
            JsonNode state = envelope.remove("state");
            if (state == null || !state.isObject()) {
                throw new IOException("it has no state");
            }
            OperationState typed = STRICT.treeToValue(state, kind.stateType());
            envelope.putNull("state");
            Shape shape = STRICT.treeToValue(envelope, Shape.class);
            op = new Operation(shape.schema(), shape.id(), kind, shape.status(), shape.target(), shape.requestedBy(),
                    shape.requestedAt(), shape.startedAt(), shape.updatedAt(), shape.finishedAt(), shape.error(),
                    typed);
        } catch (IOException | RuntimeException e) {
            throw unreadable(id, where, Json.problem(e));
        }
        if (!op.id().equals(id)) {
            throw unreadable(id, where, "it names itself " + op.id());
        }
        return op;
    }

    /** "operation X in <store> is not readable: ..."; such a record is reported, never acted on. */
    public static ShiftSyncException unreadable(String id, String where, String why) {
        return new ShiftSyncException(ErrorCode.JOB_FAILED, "operation " + id + " in " + where + " is not readable: "
                + why + "; nothing was done with it");
    }

    /** The envelope as stored, read strictly; the state is read on its own, by kind. */
    private record Shape(int schema, String id, OperationKind kind, OperationStatus status, String target,
                         String requestedBy, Instant requestedAt, Instant startedAt, Instant updatedAt,
                         Instant finishedAt, Failure error, Object state) {
    }

    /** Its state as {@code type}: what a step of that kind works on. */
    public <S extends OperationState> S state(Class<S> type) {
        if (!type.isInstance(state)) {
            throw new IllegalStateException("operation " + id + " is a " + kind + " operation");
        }
        return type.cast(state);
    }

    /** Still running, one step further: {@code next} is the state as it now stands. */
    public Operation with(Instant at, OperationState next) {
        return new Operation(schema, id, kind, status, target, requestedBy, requestedAt, startedAt, at, finishedAt,
                error, next);
    }

    /** Work has begun (Resource Manager accepted the create, a worker took the message). */
    public Operation started(Instant at, OperationState next) {
        return new Operation(schema, id, kind, status, target, requestedBy, requestedAt, at, at, finishedAt, error,
                next);
    }

    public Operation succeeded(Instant at, OperationState next) {
        return new Operation(schema, id, kind, OperationStatus.Succeeded, target, requestedBy, requestedAt, startedAt,
                at, at, null, next);
    }

    public Operation failed(Instant at, Failure why) {
        return failed(at, why, state);
    }

    /** Failed, with what was learnt before it failed (a restore whose row counts differ, ...). */
    public Operation failed(Instant at, Failure why, OperationState next) {
        return new Operation(schema, id, kind, OperationStatus.Failed, target, requestedBy, requestedAt, startedAt, at,
                at, why, next);
    }

    /** From request to end: the operation's measured duration. Empty while in progress. */
    @JsonIgnore
    public Optional<Duration> duration() {
        if (finishedAt == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(requestedAt, finishedAt);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }

    /**
     * A server restore's measured recovery time: from its request to the end of a verification
     * on the new server; for a passed dump drill, from the drill's request (the empty server's
     * create) to its restored database checked; empty for any other operation, or one that did
     * not end verified (the plan's expectations and the status's measured recoveries both count
     * these).
     */
    @JsonIgnore
    public Optional<Duration> measuredRecovery() {
        Completion c = state instanceof ServerRestoreState s ? s.completion()
                : state instanceof DrillState d && d.dump() != null ? d.dump().completion() : null;
        if (status != OperationStatus.Succeeded || c == null || c.verifiedAt() == null) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(requestedAt, c.verifiedAt()));
    }

    /** How long it has been running at {@code now}, or its duration once finished. */
    public Duration elapsed(Instant now) {
        return duration().orElseGet(() -> {
            Duration d = Duration.between(requestedAt, now);
            return d.isNegative() ? Duration.ZERO : d;
        });
    }

    /** What the request asked for, as answers show it ("parameters"). */
    @JsonIgnore
    public Map<String, String> parameters() {
        return state.parameters(this);
    }

    /** What the app found and did, as answers show it ("details"). */
    @JsonIgnore
    public Map<String, String> details() {
        return state.details(this);
    }

    /** The completion of a server restore, or null for any other operation (and before Azure finished). */
    @JsonIgnore
    public Completion completion() {
        return state instanceof ServerRestoreState s ? s.completion() : null;
    }

    /**
     * What callers are shown: the request and what was found, never the internal handles,
     * with the duration (finished) or time elapsed so far (in progress) in seconds.
     */
    public Map<String, Object> view(Instant now) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("operationId", id);
        v.put("kind", kind.id());
        v.put("status", status.name());
        v.put("target", target);
        v.put("requestedBy", requestedBy);
        v.put("requestedAt", requestedAt.toString());
        if (startedAt != null) {
            v.put("startedAt", startedAt.toString());
        }
        if (finishedAt != null) {
            v.put("finishedAt", finishedAt.toString());
            v.put("durationSeconds", duration().orElseThrow().toSeconds());
        } else {
            v.put("elapsedSeconds", elapsed(now).toSeconds());
        }
        if (error != null) {
            v.put("error", Map.of("code", error.code(), "message", error.message()));
        }
        v.put("step", state.stepName());
        v.put("parameters", parameters());
        v.put("details", details());
        Completion completion = completion();
        if (completion != null) {
            v.put("completion", completion);
            v.put("recoveryTime", recoveryTime(now));
        }
        return v;
    }

    /**
     * A server restore's measured recovery time, phase by phase, against the guide's target
     * for its scenario: Azure's restore (request to Azure's end), the completion (rules,
     * parameters, verification) and the whole; while it runs, the time so far.
     */
    public Map<String, Object> recoveryTime(Instant now) {
        ServerRestoreState s = state(ServerRestoreState.class);
        Map<String, Object> r = new LinkedHashMap<>();
        RecoveryScenario scenario = s.scenarioFor(kind);
        r.put("scenario", scenario.id());
        r.put("targetMinutes", scenario.rto().toMinutes());
        Completion completion = s.completion();
        if (completion != null && completion.azureFinishedAt() != null) {
            r.put("restoreSeconds", Math.max(0, Duration.between(requestedAt, completion.azureFinishedAt()).toSeconds()));
        }
        if (completion != null && completion.completionTime() != null) {
            r.put("completionSeconds", Math.max(0, completion.completionTime().toSeconds()));
        }
        Duration total = elapsed(now);
        r.put(finishedAt == null ? "elapsedSeconds" : "totalSeconds", total.toSeconds());
        r.put("met", total.compareTo(scenario.rto()) <= 0);
        return r;
    }
}
