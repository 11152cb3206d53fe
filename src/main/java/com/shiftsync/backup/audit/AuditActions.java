package com.shiftsync.backup.audit;

/**
 * The actions audit records name, in one place: both doors (HTTP and CLI) write the same
 * action for the same request, and the audit log can be searched by them.
 */
public final class AuditActions {
    public static final String RESTORE_POINT_IN_TIME = "restore.point-in-time";
    public static final String RESTORE_GEO = "restore.geo";
    /** A cutover to a restored server (the host secret rewritten). */
    public static final String RESTORE_CUTOVER = "restore.cutover";
    /** A recovery plan: reads only, recorded like a restore request. */
    public static final String RECOVERY_PLAN = "recovery.plan";
    public static final String RECOVERY_DRILL = "recovery.drill";
    public static final String RECOVERY_DRILL_STATUS = "recovery.drill.status";
    /** A read of an operation's status (only a denial is recorded). */
    public static final String RESTORE_STATUS = "restore.status";
    public static final String RESTORE_FROM_BACKUP = "restore.from-backup";
    /** The outcome of a queued restore from a backup. */
    public static final String RESTORE_FROM_BACKUP_RUN = "restore.from-backup.run";
    /** A read of the backup list (only a denial is recorded). */
    public static final String BACKUPS_LIST = "backups.list";
    /** An admin's read of the full status (GET /api/status with the admin role; the health view is not recorded). */
    public static final String STATUS_READ = "status.read";
    /** A read of the dashboard (only a denial is recorded). */
    public static final String DASHBOARD_READ = "dashboard.read";
    public static final String BACKUP_ON_DEMAND = "backup.on-demand";
    /** The outcome of a queued on-demand backup. */
    public static final String BACKUP_ON_DEMAND_RUN = "backup.on-demand.run";
    /** A legal hold put on a backup (hold --backup ID). */
    public static final String BACKUP_HOLD = "backup.hold";
    /** A legal hold lifted (release --backup ID). */
    public static final String BACKUP_RELEASE = "backup.release";
    /**
     * A backup was committed: its id, SHA-256 and size, and whether its manifest carries a MAC,
     * in the append-only log, a second witness beside the manifest ({@link BackupWitness}).
     */
    public static final String BACKUP_COMMITTED = "backup.committed";

    private AuditActions() {
    }
}
