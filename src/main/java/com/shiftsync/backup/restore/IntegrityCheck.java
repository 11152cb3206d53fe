package com.shiftsync.backup.restore;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guide's "verify data integrity" step: every table the manifest counted, compared
 * with the rows a restore produced. The manifest's counts were taken in the dump's own
 * snapshot, so any difference means the restore lost or gained rows, never that
 * production moved on. A table present after the restore but absent from the manifest
 * (an existing target's own table, or one in the server's template database) is listed
 * but is no failure: the backup never held it.
 *
 * @param passed         true when every table of the manifest came back with its exact row count
 * @param tablesCompared how many tables the manifest lists
 * @param differences    tables whose counts differ or that are missing, sorted by name
 * @param extraTables    tables found after the restore that the manifest does not list
 */
public record IntegrityCheck(boolean passed, int tablesCompared, List<TableDifference> differences,
                             List<String> extraTables) {

    public IntegrityCheck {
        differences = List.copyOf(differences);
        extraTables = List.copyOf(extraTables);
    }

    public static IntegrityCheck compare(Map<String, Long> manifest, Map<String, Long> restored) {
        List<TableDifference> differences = new ArrayList<>();
        for (Map.Entry<String, Long> e : new TreeMap<>(manifest).entrySet()) {
            Long actual = restored.get(e.getKey());
            if (actual == null || actual.longValue() != e.getValue()) {
                differences.add(new TableDifference(e.getKey(), e.getValue(), actual));
            }
        }
        List<String> extra = new TreeMap<>(restored).keySet().stream().filter(t -> !manifest.containsKey(t)).toList();
        return new IntegrityCheck(differences.isEmpty(), manifest.size(), differences, extra);
    }

    /** "2 of 5 tables differ: public.a: ...; public.b: ..." or "all 5 tables match the manifest". */
    @JsonIgnore
    public String summary() {
        if (passed) {
            return "all " + tablesCompared + " tables match the manifest's row counts";
        }
        return differences.size() + " of " + tablesCompared + " tables differ from the manifest: "
                + String.join("; ", differences.stream().map(TableDifference::describe).toList());
    }

    /** The names of the tables that differ, for short messages. */
    @JsonIgnore
    public List<String> tablesThatDiffer() {
        return differences.stream().map(TableDifference::table).toList();
    }
}
