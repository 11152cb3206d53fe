package com.shiftsync.backup.backup;

import com.shiftsync.backup.domain.Json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A copy a backup run could not make, recorded next to the copies it did make
 * ({@code <id>.pending-copy.json}): the run keeps every good copy, and this record is what
 * the monitor alerts on ({@code offsite-missing}) and what the next run, or
 * {@code offsite-check --repair}, finishes by copying the backup from a store that holds it,
 * after checking its SHA-256. Deleted once every missing copy exists.
 *
 * @param backupId the backup
 * @param missing  the stores without a copy ("azure")
 * @param reason   why the copy failed, one sentence
 * @param failedAt when
 */
public record PendingCopy(String backupId, List<String> missing, String reason, Instant failedAt) {
    public static final String KIND = "pending-copy";
    /** The store that holds the offsite copy: a backup missing there raises {@code offsite-missing}. */
    public static final String OFFSITE = "azure";

    public PendingCopy {
        Objects.requireNonNull(backupId, "backupId");
        missing = List.copyOf(missing);
    }

    public static PendingCopy read(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), PendingCopy.class);
    }

    public String toJson() {
        return Json.pretty(this);
    }

    /** The same record without {@code store}: that copy now exists. */
    public PendingCopy without(String store) {
        return new PendingCopy(backupId, missing.stream().filter(s -> !s.equals(store)).toList(), reason, failedAt);
    }
}
