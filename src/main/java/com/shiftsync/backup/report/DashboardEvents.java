package com.shiftsync.backup.report;

/** What reading the page reports: only its refusals and failures (a read is not an outcome). */
public final class DashboardEvents {
    /** GET /api/dashboard was refused: a caller without access, or a bad window. */
    public static final String REFUSED = "ShiftSync.Dashboard.Refused";
    /** GET /api/dashboard could not read the status or the backups. */
    public static final String FAILED = "ShiftSync.Dashboard.Failed";

    private DashboardEvents() {
    }
}
