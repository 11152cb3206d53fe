package com.shiftsync.backup.verify;

import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.port.BackupStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backups, newest first, each with the result of its restore test and whether it is complete
 * ({@link BackupCatalog}): what {@code list} prints and {@code GET /api/backups} answers, in
 * one shape for both. A damaged backup is listed with its mark ({@code damaged: archive
 * missing}, {@code damaged: manifest unreadable}, ...), never hidden and never shown as good.
 */
public final class BackupListing {
    private BackupListing() {
    }

    /**
     * One backup in one store.
     *
     * @param store        "local" or "azure"
     * @param manifest     the backup
     * @param verification its restore test, or null when it has none (or its record cannot be read)
     * @param entry        the backup as its store's catalog sees it: complete, or how it is damaged
     */
    public record Row(String store, Manifest manifest, Verification verification, BackupCatalog.Entry entry) {

        /** "complete", or "damaged: archive missing", ... */
        public String condition() {
            return entry.condition().mark();
        }

        public boolean complete() {
            return entry.complete();
        }

        /** How its manifest stands against MANIFEST_KEY_SECRET, in words; null when it cannot be read. */
        public String authentication() {
            return entry.authenticity() == null ? null : entry.authenticity().words();
        }

        /** Complete, yet without a MAC: made before MANIFEST_KEY_SECRET was set. */
        public boolean beforeKey() {
            return entry.authenticity() == BackupCatalog.Authenticity.BEFORE_KEY;
        }
    }

    /**
     * What {@link #reachable} read: the rows of every store that could be read, and one
     * sentence per store that could not.
     */
    public record Listing(List<Row> rows, List<String> problems) {
    }

    /**
     * Every backup of every store that can be read, and why the others could not: one store
     * being down (Blob Storage unreachable) must not hide the backups of the other.
     */
    public static Listing reachable(List<BackupStore> stores) {
        List<Row> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (BackupStore store : stores) {
            try {
                rows.addAll(of(List.of(store)));
            } catch (RuntimeException e) {
                problems.add(com.shiftsync.backup.domain.ShiftSyncException.wrap(e).getMessage());
            }
        }
        rows.sort(Comparator.comparing((Row r) -> r.entry().id()).thenComparing(Row::store));
        return new Listing(rows, problems);
    }

    /** Every backup of every store, complete or damaged, newest first (then by store); fails when a store does. */
    public static List<Row> of(List<BackupStore> stores) {
        List<Row> rows = new ArrayList<>();
        for (BackupStore store : stores) {
            for (BackupCatalog.Entry e : store.catalog().entries()) {
                rows.add(new Row(store.name(), e.manifest(), e.manifest() == null ? null
                        : verification(store, e.manifest()), e));
            }
        }
        rows.sort(Comparator.comparing((Row r) -> r.entry().id()).thenComparing(Row::store));
        return rows;
    }

    /**
     * The JSON form: each manifest's fields, with {@code store} first, then {@code condition}
     * ("complete" or the damage), {@code authentication} (how its manifest stands against
     * MANIFEST_KEY_SECRET), when damaged {@code damage} (the sentence), and
     * {@code verification} ({@code {passed, verifiedAt, reason}} or null) last. A backup whose
     * manifest is unreadable has only its {@code id} and {@code tier} of the manifest's fields.
     */
    public static List<Map<String, Object>> toJson(List<Row> rows) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("store", row.store());
            if (row.manifest() != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> manifest = Json.MAPPER.convertValue(row.manifest(), Map.class);
                item.putAll(manifest);
            } else {
                item.put("id", row.entry().id().toString());
                item.put("tier", row.entry().tier().folder());
            }
            item.put("condition", row.condition());
            if (row.authentication() != null) {
                item.put("authentication", row.authentication());
            }
            if (!row.complete()) {
                item.put("damage", row.entry().reason());
            }
            Verification v = row.verification();
            Map<String, Object> verified = null;
            if (v != null) {
                verified = new LinkedHashMap<>();
                verified.put("passed", v.passed());
                verified.put("verifiedAt", v.verifiedAt().toString());
                verified.put("reason", v.reason());
            }
            item.put("verification", verified);
            items.add(item);
        }
        return items;
    }

    /** The backup's restore test, or null when it has none (or its record cannot be read). */
    private static Verification verification(BackupStore store, Manifest m) {
        try {
            return store.getRecord(m.tier(), m.backupId(), Verification.KIND).map(Verification::read).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
