package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One outcome in the history that outlives retention: a backup, a restore test, a restore,
 * a server restore (and, as others add them, recoveries and drills), written as one compact
 * JSON line when the outcome is known. Pruning deletes backups and the records next to them;
 * it never touches this, so the page, {@code history} and the monitor's size band can look
 * back further than the backups that are still kept. Kinds are an open set: a new kind of
 * outcome needs no change here, only a name of lowercase words.
 *
 * @param time       when the outcome was known (the end of the run)
 * @param kind       {@value #BACKUP}, {@value #RESTORE_TEST}, {@value #RESTORE}, {@value #SERVER_RESTORE},
 *                   {@value #RECOVERY}, {@value #DRILL}, or another lowercase name
 * @param id         what it was about: a backup id, or an operation id; null when there was none (a backup that failed)
 * @param tier       the backup's tier, or null
 * @param result     {@value #SUCCEEDED} or {@value #FAILED}
 * @param sizeBytes  the archive's size, or null
 * @param durationMs how long the run took, or null
 * @param rowTotal   rows in the backup (or restored), or null
 * @param recoveryMs measured recovery time, from the request to a usable database, or null
 * @param reason     why it failed, one sentence; null when it succeeded
 * @param details    a few more facts of this kind of outcome (stores, target, method, ...); may be empty
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record HistoryEntry(Instant time, String kind, String id, String tier, String result, Long sizeBytes,
                           Long durationMs, Long rowTotal, Long recoveryMs, String reason,
                           Map<String, Object> details) {
    public static final String BACKUP = "backup";
    /** The restore test (verify): a backup restored into a scratch database and counted. */
    public static final String RESTORE_TEST = "restore-test";
    /** A dump restored into a named database (CLI restore, POST /api/restores/from-backup). */
    public static final String RESTORE = "restore";
    /** A point-in-time or geo-restore into a new server, as Resource Manager finished it. */
    public static final String SERVER_RESTORE = "server-restore";
    /** A recovery that finished the job (a restored server made ready to use). */
    public static final String RECOVERY = "recovery";
    /** A recovery drill into a temporary server. */
    public static final String DRILL = "drill";

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    /** Longest reason kept: the history stays a few KB a month. */
    static final int MAX_REASON = 400;
    private static final Pattern KIND = Pattern.compile("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");

    public HistoryEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        if (!KIND.matcher(kind).matches() || kind.length() > 40) {
            throw new IllegalArgumentException("a history kind is lowercase words joined by hyphens: '" + kind + "'");
        }
        if (!SUCCEEDED.equals(result) && !FAILED.equals(result)) {
            throw new IllegalArgumentException("a history result is succeeded or failed: '" + result + "'");
        }
        if (reason != null) {
            reason = Redaction.redact(reason);
            if (reason.length() > MAX_REASON) {
                reason = reason.substring(0, MAX_REASON - 1) + "…";
            }
        }
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** An outcome of {@code kind}: add the figures with the {@code with...} methods. */
    public static HistoryEntry of(Instant time, String kind, String id, String tier, boolean succeeded) {
        return new HistoryEntry(time, kind, id, tier, succeeded ? SUCCEEDED : FAILED, null, null, null, null, null,
                Map.of());
    }

    /**
     * Whether a failure is an outcome worth keeping: a job that ran, or could not run, and
     * failed. A request for something that does not exist or is in the way (not-found,
     * conflict) or by a caller without access changed nothing and is left out.
     */
    public static boolean isOutcome(RuntimeException error) {
        ErrorCode code = ShiftSyncException.wrap(error).code();
        return code != ErrorCode.NOT_FOUND && code != ErrorCode.CONFLICT && code != ErrorCode.UNAUTHENTICATED
                && code != ErrorCode.FORBIDDEN;
    }

    /** The code of a failure, as events carry it. */
    public static String codeOf(RuntimeException error) {
        return error instanceof ShiftSyncException sse ? sse.code().id() : "unexpected";
    }

    @JsonIgnore
    public boolean succeeded() {
        return SUCCEEDED.equals(result);
    }

    public HistoryEntry withSize(Long bytes) {
        return new HistoryEntry(time, kind, id, tier, result, bytes, durationMs, rowTotal, recoveryMs, reason, details);
    }

    public HistoryEntry withDuration(Long ms) {
        return new HistoryEntry(time, kind, id, tier, result, sizeBytes, ms, rowTotal, recoveryMs, reason, details);
    }

    public HistoryEntry withRowTotal(Long rows) {
        return new HistoryEntry(time, kind, id, tier, result, sizeBytes, durationMs, rows, recoveryMs, reason, details);
    }

    public HistoryEntry withRecovery(Long ms) {
        return new HistoryEntry(time, kind, id, tier, result, sizeBytes, durationMs, rowTotal, ms, reason, details);
    }

    public HistoryEntry withReason(String why) {
        return new HistoryEntry(time, kind, id, tier, result, sizeBytes, durationMs, rowTotal, recoveryMs, why, details);
    }

    /** This entry with one more detail; a null value adds nothing. */
    public HistoryEntry withDetail(String name, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, Object> more = new LinkedHashMap<>(details);
        more.put(name, value);
        return new HistoryEntry(time, kind, id, tier, result, sizeBytes, durationMs, rowTotal, recoveryMs, reason, more);
    }

    /** One line of JSON, no newline; empty fields left out. */
    public String toJsonLine() {
        return Json.write(this);
    }

    public static HistoryEntry read(String line) {
        return Json.read(line.getBytes(StandardCharsets.UTF_8), HistoryEntry.class);
    }
}
