package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the audit log: who asked for what, what the app decided and what came of
 * it. Written for every restore request, whether accepted, refused for bad input or
 * denied for access. Holds no secret: parameters and the outcome pass through
 * {@link Redaction}, and parameter values are cut at {@value #MAX_VALUE} characters.
 *
 * @param time        when the request was decided
 * @param caller      who asked
 * @param action      what was asked, e.g. {@code restore.point-in-time}
 * @param parameters  the request's parameters as given
 * @param decision    accepted, refused (bad input, conflict), denied (not signed in, not allowed) or failed;
 *                    for the outcome of queued work: succeeded or failed
 * @param operationId the operation started, or null
 * @param outcome     one sentence: what happened
 * @param code        our error code of a refusal or failure ({@code bad-input}, {@code forbidden}, ...), or null
 * @param upstreamCode the code a service we called gave (Resource Manager's {@code InvalidParameterValue}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(Instant time, AuditCaller caller, String action, Map<String, String> parameters,
                          String decision, String operationId, String outcome, String code,
                          String upstreamCode) {
    public static final String ACCEPTED = "accepted";
    public static final String REFUSED = "refused";
    public static final String DENIED = "denied";
    public static final String FAILED = "failed";
    /** Queued work that an accepted request started (a restore from a backup, a backup) has finished well. */
    public static final String SUCCEEDED = "succeeded";
    static final int MAX_VALUE = 300;
    private static final int MAX_PARAMETERS = 20;

    /**
     * The caller as the audit log names them.
     *
     * @param id   stable id (object id, app id, OS user)
     * @param name name a person recognises
     * @param via  easy-auth, os-user, queue (work run for an earlier request), job (a job recording what it did
     *             itself, whoever ran it), or none (no identity was given)
     */
    public record AuditCaller(String id, String name, String via) {
        /** A job that records what it did itself (a committed backup), whichever door ran it. */
        public static AuditCaller job(String name) {
            return new AuditCaller(name, "the " + name + " job", "job");
        }

        public static AuditCaller of(Caller caller) {
            return new AuditCaller(clean(caller.id()), clean(caller.name()), caller.via());
        }

        public static AuditCaller anonymous(String why) {
            return new AuditCaller("anonymous", clean(why), "none");
        }
    }

    public AuditRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(decision, "decision");
        Map<String, String> safe = new LinkedHashMap<>();
        if (parameters != null) {
            parameters.entrySet().stream().limit(MAX_PARAMETERS)
                    .forEach(e -> safe.put(clean(e.getKey()), clean(e.getValue())));
        }
        parameters = Collections.unmodifiableMap(safe);
        outcome = outcome == null ? null : Redaction.redact(outcome);
    }

    /** Redacted, without line breaks (one record per line), and cut to a sane length. */
    static String clean(String value) {
        if (value == null) {
            return null;
        }
        String v = Redaction.redact(value).replaceAll("[\\r\\n\\t]", " ");
        return v.length() > MAX_VALUE ? v.substring(0, MAX_VALUE - 3) + "..." : v;
    }

    /** The record as one redacted JSON line (no trailing newline). */
    public String toJsonLine() {
        return Redaction.redact(Json.write(this));
    }
}
