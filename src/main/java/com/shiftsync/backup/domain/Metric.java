package com.shiftsync.backup.domain;

/**
 * The product's metrics. Names are stable: dashboards and alert rules use them. Jobs
 * record them through their {@link com.shiftsync.backup.port.Reporter}; in Azure Functions
 * the Application Insights Java agent picks them up as {@code customMetrics}.
 */
public enum Metric {
    /** Size of each successful backup archive; dimension tier. */
    BACKUP_SIZE("shiftsync.backup.size", Kind.HISTOGRAM, "By", "size of each successful backup archive"),
    /** Wall time of each backup run; dimensions tier, outcome. */
    BACKUP_DURATION("shiftsync.backup.duration", Kind.HISTOGRAM, "s", "wall time of each backup run, successful or not"),
    /** Age of the newest good backup of each tier, growing between monitor runs; dimension tier. */
    BACKUP_AGE("shiftsync.backup.age", Kind.AGE, "h", "age of the newest good backup of each tier"),
    /** 1 when the newest restore test of the tier passed, 0 when it failed; dimension tier. */
    VERIFY_RESULT("shiftsync.verify.result", Kind.GAUGE, "1",
            "1 when the newest restore test of the tier passed, 0 when it failed"),
    /** Wall time of each restore; dimensions kind (verify, restore), tier. */
    RESTORE_DURATION("shiftsync.restore.duration", Kind.HISTOGRAM, "s",
            "wall time of each restore (kind=verify: the restore test; kind=restore)"),
    /** Measured recovery time of each server restore (request to verified server); dimensions kind, drill. */
    RECOVERY_DURATION("shiftsync.recovery.duration", Kind.HISTOGRAM, "s",
            "measured recovery time of each point-in-time or geo-restore, from its request to the verified server "
                    + "(drill=true: a recovery drill's)"),
    /** Alerts of the last monitor run; dimension code (every code, 0 when not raised). */
    MONITOR_ALERTS("shiftsync.monitor.alerts", Kind.GAUGE, "1", "alerts the last monitor run raised, by code");

    /** How a metric's values are kept. */
    public enum Kind {
        /** Every recorded value counts (sizes, durations). */
        HISTOGRAM,
        /** The last recorded value of each series, a whole number. */
        GAUGE,
        /** Hours since the instant last recorded for each series (recorded as epoch seconds), read when collected. */
        AGE
    }

    private final String id;
    private final Kind kind;
    private final String unit;
    private final String description;

    Metric(String id, Kind kind, String unit, String description) {
        this.id = id;
        this.kind = kind;
        this.unit = unit;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public String unit() {
        return unit;
    }

    public String description() {
        return description;
    }
}
