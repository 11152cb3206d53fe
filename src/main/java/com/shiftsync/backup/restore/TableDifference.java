package com.shiftsync.backup.restore;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One table whose restored rows do not match the manifest.
 *
 * @param table    "schema.table"
 * @param expected rows the manifest counted in the dump's snapshot
 * @param actual   rows found after the restore, or null when the table is not there at all
 */
public record TableDifference(String table, long expected, Long actual) {

    /** "public.shifts: 1,999 rows restored, the manifest counted 2,000". */
    @JsonIgnore
    public String describe() {
        if (actual == null) {
            return table + ": missing after the restore, the manifest counted " + String.format("%,d", expected);
        }
        return table + ": " + String.format("%,d", actual) + " rows restored, the manifest counted "
                + String.format("%,d", expected);
    }
}
