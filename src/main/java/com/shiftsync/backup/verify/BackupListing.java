package com.shiftsync.backup.verify;

import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.ClientReadiness;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Protection;
import com.shiftsync.backup.port.BackupStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Backups, newest first, each with the result of its restore test and whether it is complete
 * ({@link BackupCatalog}): what {@code list} prints and {@code GET /api/backups} answers, in
 * one shape for both. A damaged backup is listed with its mark ({@code damaged: archive
 * missing}, {@code damaged: manifest unreadable}, ...), never hidden and never shown as good.
 */
public final class BackupListing {
    private static final Logger LOG = Logger.getLogger(BackupListing.class.getName());

    private BackupListing() {
    }

    /**
     * One backup in one store.
     *
     * @param store        "local" or "azure"
     * @param manifest     the backup
     * @param verification its restore test, or null when it has none (or its record cannot be read)
     * @param entry        the backup as its store's catalog sees it: complete, or how it is damaged
     * @param protection   what keeps it from deletion (retention policy, legal hold), or null where the store
     *                     keeps nothing immutable
     */
    public record Row(String store, Manifest manifest, Verification verification, BackupCatalog.Entry entry,
                      Protection protection) {

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
            BackupCatalog catalog = store.catalog();
            Map<String, Protection> protections = protections(store);
            for (BackupCatalog.Entry e : catalog.entries()) {
                boolean tested = e.manifest() != null && catalog.mayHaveRecord(e.tier(), e.id(), Verification.KIND);
                rows.add(new Row(store.name(), e.manifest(), tested ? verification(store, e.manifest()) : null, e,
                        protections.get(e.tier().folder() + "/" + e.id())));
            }
        }
        rows.sort(Comparator.comparing((Row r) -> r.entry().id()).thenComparing(Row::store));
        return rows;
    }

    /** The newest complete backup of {@code rows} (newest first), or null: the one status names a restore client for. */
    public static Manifest newestComplete(List<Row> rows) {
        return rows.stream().filter(Row::complete).map(Row::manifest).findFirst().orElse(null);
    }

    /**
     * The JSON form: each manifest's fields, with {@code store} first, then {@code condition}
     * ("complete" or the damage), {@code authentication} (how its manifest stands against
     * MANIFEST_KEY_SECRET), when damaged {@code damage} (the sentence), {@code verification}
     * ({@code {passed, verifiedAt, reason}} or null), from a store that keeps backups immutable,
     * {@code protection} ({@code {immutableUntil, locked, legalHold}}), and for each complete
     * backup {@code restoreWith}: the pg_restore a restore of it into DATABASE_URL's server would
     * use, or why none fits ({@link ClientReadiness#restoreOf}; left out while that server's
     * version is unknown). A backup whose manifest is unreadable has only its {@code id} and
     * {@code tier} of the manifest's fields.
     */
    public static List<Map<String, Object>> toJson(List<Row> rows, ClientReadiness clients) {
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
            Protection p = row.protection();
            if (p != null) {
                Map<String, Object> protection = new LinkedHashMap<>();
                protection.put("immutableUntil", p.until() == null ? null : p.until().toString());
                protection.put("locked", p.locked());
                protection.put("legalHold", p.legalHold());
                item.put("protection", protection);
            }
            ClientReadiness.Use restore = row.complete() ? clients.restoreOf(row.manifest()) : null;
            if (restore != null) {
                item.put("restoreWith", restore);
            }
            items.add(item);
        }
        return items;
    }

    /**
     * The store's protections by {@code <tier>/<id>}; empty when it keeps none, or when they
     * cannot be read (logged: a listing still shows the backups, without their protection).
     */
    private static Map<String, Protection> protections(BackupStore store) {
        Map<String, Protection> byKey = new HashMap<>();
        try {
            for (Protection p : store.protections()) {
                byKey.put(p.tier().folder() + "/" + p.id(), p);
            }
        } catch (RuntimeException e) {
            LOG.warning("could not read the retention policies and legal holds of " + store.describe() + ": "
                    + com.shiftsync.backup.domain.ShiftSyncException.wrap(e).getMessage());
        }
        return byKey;
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
