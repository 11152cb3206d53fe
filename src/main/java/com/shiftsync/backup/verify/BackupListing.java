package com.shiftsync.backup.verify;

import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.port.BackupStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backups, newest first, each with the result of its restore test: what {@code list}
 * prints and {@code GET /api/backups} answers, in one shape for both.
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
     */
    public record Row(String store, Manifest manifest, Verification verification) {
    }

    /** Every backup of every store, newest first (then by store). */
    public static List<Row> of(List<BackupStore> stores) {
        List<Row> rows = new ArrayList<>();
        for (BackupStore store : stores) {
            store.list().forEach(m -> rows.add(new Row(store.name(), m, verification(store, m))));
        }
        rows.sort(Comparator.comparing((Row r) -> r.manifest().backupId()).thenComparing(Row::store));
        return rows;
    }

    /**
     * The JSON form: each manifest's fields, with {@code store} first and
     * {@code verification} ({@code {passed, verifiedAt, reason}} or null) last.
     */
    public static List<Map<String, Object>> toJson(List<Row> rows) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("store", row.store());
            @SuppressWarnings("unchecked")
            Map<String, Object> manifest = Json.MAPPER.convertValue(row.manifest(), Map.class);
            item.putAll(manifest);
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
