package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.RetentionPlan.Decision;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.SweepResult;
import com.shiftsync.backup.prune.OrphanArchive;
import com.shiftsync.backup.prune.PruneReport;
import com.shiftsync.backup.prune.StoreOutcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One structured log event per job outcome: a single JSON line whose {@code event} field
 * has a stable name ({@code ShiftSync.Backup.Succeeded}, ...), so an alert rule is a
 * simple query: {@code traces | where message has "ShiftSync.Backup.Failed"}.
 *
 * @param name   the stable event name
 * @param fields what the event carries
 */
public record JobEvent(String name, Map<String, Object> fields) {
    public static final String BACKUP_SUCCEEDED = "ShiftSync.Backup.Succeeded";
    public static final String BACKUP_FAILED = "ShiftSync.Backup.Failed";
    public static final String PRUNE_COMPLETED = "ShiftSync.Prune.Completed";
    public static final String PRUNE_FAILED = "ShiftSync.Prune.Failed";

    /**
     * A prune: {@link #PRUNE_COMPLETED}, or {@link #PRUNE_FAILED} when a deletion was refused or
     * a store or the sweep failed (then {@code code} and {@code reason} say why). Either way it
     * carries what was deleted, per store and tier (count and bytes), what was kept and refused.
     */
    public static JobEvent pruned(PruneReport report) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("dryRun", report.dryRun());
        long deleted = 0;
        long bytes = 0;
        long kept = 0;
        long refused = 0;
        long orphans = 0;
        List<Map<String, Object>> stores = new ArrayList<>();
        for (StoreOutcome s : report.stores()) {
            Map<String, Object> store = new LinkedHashMap<>();
            store.put("store", s.store());
            Map<String, Map<String, Long>> byTier = new LinkedHashMap<>();
            for (Tier tier : Tier.values()) {
                byTier.put(tier.folder(), new LinkedHashMap<>(Map.of("count", 0L, "bytes", 0L)));
            }
            long storeKept = 0;
            long storeRefused = 0;
            if (s.plan() != null) {
                Set<String> done = Set.copyOf(s.deleted());
                Set<Tier> refusedTiers = s.plan().refusals().stream().map(r -> r.tier())
                        .collect(java.util.stream.Collectors.toSet());
                for (Decision d : s.plan().decisions()) {
                    if (d.deleted() && (report.dryRun() || done.contains(d.id()))) {
                        Map<String, Long> t = byTier.get(d.tier().folder());
                        t.merge("count", 1L, Long::sum);
                        t.merge("bytes", d.sizeBytes(), Long::sum);
                        deleted++;
                        bytes += d.sizeBytes();
                    } else if (!d.deleted()) {
                        storeKept++;
                        if (refusedTiers.contains(d.tier())) {
                            storeRefused++;
                        }
                    }
                }
            }
            Set<String> orphanDone = Set.copyOf(s.orphansDeleted());
            long orphanCount = 0;
            long orphanBytes = 0;
            for (OrphanArchive o : s.orphans()) {
                if (o.deleted() && (report.dryRun() || orphanDone.contains(o.id()))) {
                    orphanCount++;
                    orphanBytes += o.sizeBytes();
                }
            }
            store.put("deleted", byTier);
            store.put("kept", storeKept);
            store.put("refused", storeRefused);
            store.put("orphansDeleted", orphanCount);
            store.put("orphanBytes", orphanBytes);
            stores.add(store);
            kept += storeKept;
            refused += storeRefused;
            orphans += orphanCount;
        }
        f.put("deletedCount", deleted);
        f.put("deletedBytes", bytes);
        f.put("keptCount", kept);
        f.put("refusedCount", refused);
        f.put("orphansDeleted", orphans);
        f.put("stores", stores);
        SweepResult u = report.uploads();
        if (u != null) {
            Map<String, Object> up = new LinkedHashMap<>();
            up.put("location", u.location());
            up.put("missing", u.missing());
            up.put("deleted", u.deleted());
            up.put("deletedBytes", u.deletedBytes());
            up.put("kept", u.kept());
            up.put("skipped", u.skipped());
            up.put("failed", u.failed());
            f.put("uploads", up);
        }
        if (report.failed()) {
            f.put("code", ErrorCode.JOB_FAILED.id());
            f.put("reason", Redaction.redact(String.join("; ", report.problems())));
            return new JobEvent(PRUNE_FAILED, f);
        }
        return new JobEvent(PRUNE_COMPLETED, f);
    }

    public static JobEvent backupSucceeded(BackupResult result) {
        Manifest m = result.manifest();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", m.id());
        f.put("tier", m.tier().folder());
        f.put("database", m.database());
        f.put("sizeBytes", m.sizeBytes());
        f.put("durationMs", result.duration().toMillis());
        f.put("tables", m.rowCounts().size());
        f.put("rowTotal", m.totalRows());
        f.put("sha256", m.sha256());
        f.put("stores", result.stores());
        return new JobEvent(BACKUP_SUCCEEDED, f);
    }

    /** A failed job: its code and one-sentence reason, plus whatever identifies the run. */
    public static JobEvent failed(String name, Map<String, Object> context, RuntimeException error) {
        Map<String, Object> f = new LinkedHashMap<>(context);
        if (error instanceof ShiftSyncException sse) {
            f.put("code", sse.code().id());
            if (sse.upstreamCode() != null) {
                f.put("upstreamCode", sse.upstreamCode());
            }
        } else {
            f.put("code", "unexpected");
        }
        f.put("reason", Redaction.redact(String.valueOf(error.getMessage())));
        return new JobEvent(name, f);
    }

    /** {"event":"ShiftSync.Backup.Succeeded","id":...} — redacted, one line. */
    public String toJson() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("event", name);
        all.putAll(fields);
        return Redaction.redact(Json.write(all));
    }

    @Override
    public String toString() {
        return toJson();
    }
}
