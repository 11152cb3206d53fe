package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A long-running restore (or on-demand backup) as the app keeps track of it: kept in
 * storage (one JSON document per operation) so its status survives a restart and any
 * instance can answer for it. Shared by every kind (point-in-time, geo, from a backup,
 * on-demand backup); the
 * fields that differ by kind live in {@code parameters} (as asked), {@code details} (as
 * found) and {@code tracking} (internal handles such as Resource Manager's operation URL,
 * never shown to callers).
 *
 * @param id          the operation id callers use (a UUID)
 * @param kind        what is being restored
 * @param status      InProgress, Succeeded or Failed
 * @param target      the server or database being created (for a backup: the tier it goes to)
 * @param requestedBy the caller's name (see the audit log for the full record)
 * @param requestedAt when the request was accepted
 * @param startedAt   when the work began (Resource Manager accepted the create, a worker took it), or null
 * @param updatedAt   last change of this record
 * @param finishedAt  when the operation ended, or null
 * @param parameters  the request's parameters
 * @param details     what the app found or learnt (source server, location, target's host name, ...)
 * @param error       why it failed, or null
 * @param tracking    internal handles to follow the operation; not part of any answer
 * @param completion  what the app did after Azure restored a server (server restores only), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Operation(String id, OperationKind kind, OperationStatus status, String target, String requestedBy,
                        Instant requestedAt, Instant startedAt, Instant updatedAt, Instant finishedAt,
                        Map<String, String> parameters, Map<String, String> details, Failure error,
                        Map<String, String> tracking, Completion completion) {
    private static final Pattern ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

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
        parameters = sorted(parameters);
        details = sorted(details);
        tracking = sorted(tracking);
    }

    /** A new operation, in progress, with a fresh id. */
    public static Operation start(OperationKind kind, String target, Caller caller, Instant now,
                                  Map<String, String> parameters, Map<String, String> details) {
        return new Operation(UUID.randomUUID().toString(), kind, OperationStatus.InProgress, target, caller.name(),
                now, null, now, null, parameters, details, null, Map.of(), null);
    }

    /**
     * {@code text} as an operation id, or a refusal that says what one looks like.
     */
    public static String checkId(String text) {
        String id = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (!ID.matcher(id).matches()) {
            throw ShiftSyncException.badInput("'" + (text == null ? "" : text.trim())
                    + "' is not an operation id: ids look like 0f8fad5b-d9cb-469f-a165-70867728950e, "
                    + "as returned when the restore was started");
        }
        return id;
    }

    /** Work has begun; {@code tracking} tells how to follow it. */
    public Operation started(Instant at, Map<String, String> moreTracking, Map<String, String> moreDetails) {
        return new Operation(id, kind, status, target, requestedBy, requestedAt, at, at, finishedAt, parameters,
                merge(details, moreDetails), error, merge(tracking, moreTracking), completion);
    }

    public Operation succeeded(Instant at, Map<String, String> moreDetails) {
        return new Operation(id, kind, OperationStatus.Succeeded, target, requestedBy, requestedAt, startedAt,
                at, at, parameters, merge(details, moreDetails), null, tracking, completion);
    }

    public Operation failed(Instant at, Failure why) {
        return failed(at, why, Map.of());
    }

    /** Failed, with what was learnt before it failed (a restore whose row counts differ, ...). */
    public Operation failed(Instant at, Failure why, Map<String, String> moreDetails) {
        return new Operation(id, kind, OperationStatus.Failed, target, requestedBy, requestedAt, startedAt, at, at,
                parameters, merge(details, moreDetails), why, tracking, completion);
    }

    /**
     * Still running, one step further: what the app learnt, new tracking handles (a null
     * value removes one), and the completion as it now stands.
     */
    public Operation progressed(Instant at, Map<String, String> moreDetails, Map<String, String> trackingChanges,
                                Completion now) {
        Map<String, String> t = new LinkedHashMap<>(tracking);
        trackingChanges.forEach((k, v) -> {
            if (v == null) {
                t.remove(k);
            } else {
                t.put(k, v);
            }
        });
        return new Operation(id, kind, status, target, requestedBy, requestedAt, startedAt, at, finishedAt, parameters,
                merge(details, moreDetails), error, t, now);
    }

    /** This operation with its completion changed (a cutover after the end, say). */
    public Operation withCompletion(Instant at, Completion now) {
        return new Operation(id, kind, status, target, requestedBy, requestedAt, startedAt, at, finishedAt, parameters,
                details, error, tracking, now);
    }

    /** From request to end: the restore's measured recovery time. Empty while in progress. */
    @JsonIgnore
    public java.util.Optional<Duration> duration() {
        if (finishedAt == null) {
            return java.util.Optional.empty();
        }
        Duration d = Duration.between(requestedAt, finishedAt);
        return java.util.Optional.of(d.isNegative() ? Duration.ZERO : d);
    }

    /**
     * A server restore's measured recovery time: from its request to the end of a verification
     * on the new server; empty for any other operation, or one that did not end verified
     * (the plan's expectations and the status's measured recoveries both count these).
     */
    @JsonIgnore
    public java.util.Optional<Duration> measuredRecovery() {
        if ((kind != OperationKind.POINT_IN_TIME && kind != OperationKind.GEO) || status != OperationStatus.Succeeded
                || completion == null || completion.verifiedAt() == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Duration.between(requestedAt, completion.verifiedAt()));
    }

    /** How long it has been running at {@code now}, or its duration once finished. */
    public Duration elapsed(Instant now) {
        return duration().orElseGet(() -> {
            Duration d = Duration.between(requestedAt, now);
            return d.isNegative() ? Duration.ZERO : d;
        });
    }

    /**
     * What callers are shown: everything but the internal tracking handles, with the
     * duration (finished) or time elapsed so far (in progress) in seconds.
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
        v.put("parameters", parameters);
        v.put("details", details);
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
        Map<String, Object> r = new LinkedHashMap<>();
        RecoveryScenario scenario = details.containsKey("scenario")
                ? RecoveryScenario.parse("scenario", details.get("scenario"))
                : RecoveryScenario.defaultFor(kind, parameters.containsKey("restorePointInTime")
                && !parameters.get("restorePointInTime").matches("latest|fast"));
        r.put("scenario", scenario.id());
        r.put("targetMinutes", scenario.rto().toMinutes());
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

    /** Keys in order, so stored documents and answers read the same every time. */
    private static Map<String, String> sorted(Map<String, String> m) {
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(m));
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        if (b == null || b.isEmpty()) {
            return a;
        }
        Map<String, String> all = new LinkedHashMap<>(a);
        b.forEach((k, v) -> {
            if (v != null) {
                all.put(k, v);
            }
        });
        return all;
    }
}
