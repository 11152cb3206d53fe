package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.SweepResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prune's event: {@link #COMPLETED}, or {@link #FAILED} when a deletion was refused or a
 * store or the sweep failed (then {@code code} and {@code reason} say why). Either way it
 * carries what was deleted, per store and tier (count and bytes), what was kept and refused,
 * the partial files of dead runs deleted, and the damaged backups found (kept and reported), and
 * in an immutable store the protections it extended and the deletions the store refused (kept
 * and reported: no failure).
 */
public final class PruneEvents {
    public static final String COMPLETED = "ShiftSync.Prune.Completed";
    public static final String FAILED = "ShiftSync.Prune.Failed";

    private PruneEvents() {
    }

    static Event of(PruneReport report) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("dryRun", report.dryRun());
        PruneCounts all = report.counts();
        List<Map<String, Object>> stores = new ArrayList<>();
        for (StoreOutcome s : report.stores()) {
            PruneCounts c = s.counts(report.dryRun());
            Map<String, Object> store = new LinkedHashMap<>();
            store.put("store", s.store());
            Map<String, Map<String, Long>> byTier = new LinkedHashMap<>();
            for (Tier tier : Tier.values()) {
                long[] t = c.byTier().get(tier);
                byTier.put(tier.folder(), new LinkedHashMap<>(Map.of("count", t[0], "bytes", t[1])));
            }
            store.put("deleted", byTier);
            store.put("kept", c.kept());
            store.put("refused", c.refused());
            store.put("orphansDeleted", c.orphansDeleted());
            store.put("orphanBytes", c.orphanBytes());
            store.put("partialsDeleted", c.partialsDeleted());
            store.put("partialBytes", c.partialBytes());
            store.put("damaged", s.damaged().stream().map(d -> d.tier().folder() + "/" + d.id() + " ("
                    + d.condition() + ")").toList());
            store.put("protectionExtended", s.renewed().size());
            store.put("refusedByStore", s.refusedByStore().stream().map(Redaction::redact).toList());
            stores.add(store);
        }
        f.put("deletedCount", all.deleted());
        f.put("deletedBytes", all.deletedBytes());
        f.put("keptCount", all.kept());
        f.put("refusedCount", all.refused());
        f.put("orphansDeleted", all.orphansDeleted());
        f.put("partialsDeleted", all.partialsDeleted());
        f.put("damagedCount", all.damaged());
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
            return Event.severe(FAILED, f);
        }
        return Event.info(COMPLETED, f);
    }
}
