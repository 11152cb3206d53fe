package com.shiftsync.backup.config;

/**
 * Every setting the app reads: environment variables, which are Function App settings
 * in Azure. Names and defaults are the outside contract (CONTRACT.md); a test checks that
 * each one appears in local.settings.json.example and in infra/. Nothing else in the code
 * calls {@code System.getenv}.
 */
public enum Setting {
    DATABASE_URL(null, "postgresql://user:pass@host:port/db of the database to back up; password part optional"),
    DATABASE_PASSWORD_SECRET(null, "name of the Key Vault secret holding the password (used when the URL has none; "
            + "without KEY_VAULT_URL, the environment variable of that name, dashes as underscores)"),
    DATABASE_AUTH("password", "password (from the URL or Key Vault) or entra (a Microsoft Entra token as the password)"),
    KEY_VAULT_URL(null, "https://<vault>.vault.azure.net/: the password is read from it at the start of every job"),
    MANIFEST_KEY_SECRET(null, "name of the secret holding the key that authenticates every manifest (HMAC-SHA256; the "
            + "base64 of at least 32 random bytes; Key Vault, or without KEY_VAULT_URL the environment); unset: "
            + "manifests carry no MAC and status raises manifests-unauthenticated"),
    BACKUP_ENCRYPTION_RECIPIENTS(null, "age recipients (age1..., comma-separated) every new archive is encrypted to "
            + "before it leaves the process; unset: archives are stored as pg_dump writes them"),
    BACKUP_ENCRYPTION_IDENTITY_SECRET(null, "name of the secret holding the age identity (AGE-SECRET-KEY-1...) that "
            + "restore, verify and download decrypt encrypted archives with (Key Vault, or without KEY_VAULT_URL the "
            + "environment); a backup never reads it"),
    BACKUP_DIR("/var/backups/shiftsync", "local backup folder (without Blob storage, the history is kept in "
            + "BACKUP_DIR/history/<yyyy-MM>.jsonl)"),
    AZURE_STORAGE_CONNECTION_STRING(null, "storage by connection string (local runs, Azurite)"),
    AZURE_STORAGE_ACCOUNT_URL(null, "storage by managed identity: https://<account>.blob.core.windows.net"),
    BACKUP_CONTAINER("shiftsync-backups", "Blob container for dumps, and for the history of outcomes "
            + "(append blobs history/<yyyy-MM>.jsonl, which no pruning touches)"),
    UPLOADS_CONTAINER("uploads", "Blob container of ShiftSync's user uploads (deleted after UPLOADS_TTL_HOURS)"),
    LOCAL_RETENTION_DAYS("7", "days daily and manual backups are kept in the local folder (at least 1)"),
    AZURE_RETENTION_DAYS("30", "days daily and manual backups are kept in Blob (at least 1)"),
    WEEKLY_RETENTION_DAYS("30", "days weekly backups are kept, locally and in Blob (at least 1)"),
    RETENTION_FLOOR("1", "the newest N complete backups of each tier in each store are never deleted, whatever their age"
            + " (at least 1)"),
    KEEP_LAST_DAILY("0", "also keep the newest backup of each of the last N UTC days that have one (0 = off)"),
    KEEP_LAST_WEEKLY("0", "also keep the newest backup of each of the last N ISO weeks that have one (0 = off)"),
    KEEP_LAST_MONTHLY("0", "also keep the newest backup of each of the last N calendar months that have one (0 = off)"),
    ORPHAN_GRACE_HOURS("24", "archives without a manifest (left by a crashed backup or prune) are deleted once older"
            + " than this; at least the backup timeout"),
    UPLOADS_TTL_HOURS("24", "uploads last modified this many hours ago or earlier are deleted (at least 1)"),
    AZURE_SUBSCRIPTION_ID(null, "subscription of the source Flexible Server"),
    POSTGRES_RESOURCE_GROUP(null, "resource group of the source Flexible Server"),
    POSTGRES_SERVER_NAME(null, "name of the source Flexible Server"),
    AZURE_RESOURCE_MANAGER_ENDPOINT("https://management.azure.com/", "Resource Manager base URL"),
    GEO_RESTORE_SUBNET_ID(null, "delegated subnet in the paired region a private-access server is geo-restored into "
            + "(a resource id; with GEO_RESTORE_PRIVATE_DNS_ZONE_ID)"),
    GEO_RESTORE_PRIVATE_DNS_ZONE_ID(null, "private DNS zone of a geo-restored private-access server (a resource id; "
            + "with GEO_RESTORE_SUBNET_ID)"),
    CUTOVER_SECRET_NAME(null, "Key Vault secret ShiftSync reads its database host from: a cutover writes a verified "
            + "restored server's host name into it"),
    DRILL_ENABLED("false", "true to run the recoveryDrill timer's scheduled recovery drill (a point-in-time or dump "
            + "restore into a temporary server, verified, measured and deleted; DRILL_METHOD); a drill asked for by hand runs either way"),
    RESTORE_RESOURCE_GROUP(null, "resource group point-in-time and geo-restores create their servers in (default: "
            + "POSTGRES_RESOURCE_GROUP; infra sets a group of its own, so the app needs only read rights on the server's "
            + "group); the app acts only on servers it created there, tagged with their operation"),
    DRILL_RESOURCE_GROUP(null, "resource group of the temporary drill servers (default: RESTORE_RESOURCE_GROUP, else "
            + "POSTGRES_RESOURCE_GROUP); the app may delete servers only there"),
    POSTGRES_SERVER_DOMAIN("postgres.database.azure.com", "DNS domain of every Flexible Server host: a restored server "
            + "is checked with the database login only at the host Resource Manager reports for it inside this domain"),
    POSTGRES_ROOT_CERT_FILE(null, "PEM file of the certificate authorities a restored server's TLS certificate must "
            + "chain to (verify-full); default: the roots Azure Database for PostgreSQL uses, shipped with the app"),
    DRILL_RESTORE_POINT("latest", "what a drill restores to: latest (the newest point, with log replay) or fast (the "
            + "newest full backup, no replay)"),
    DRILL_METHOD("alternate", "how a drill recovers: point-in-time (Azure restores the source into a temporary server), "
            + "dump (the newest dump restored with its roles into an empty server like the source), or alternate (each "
            + "drill the method the last one did not use); a drill asked for with a method uses that one"),
    DRILL_MAX_HOURS("6", "a drill-tagged server older than this whose drill has ended (or is unknown) is deleted by "
            + "the retentionPrune timer (at least 1)"),
    DRILL_MAX_AGE_DAYS("35", "while DRILL_ENABLED is true, status alerts when no drill passed within this many days"),
    RPO_TARGET_HOURS("24", "recovery point objective reported by status"),
    RTO_TARGET_MINUTES("120", "recovery time objective reported by status"),
    ADMIN_ROLE("Backup.Admin", "app role a caller needs for restores and backup reads"),
    WEBSITE_AUTH_ENABLED(null, "True when App Service Authentication (Easy Auth) is on; set by App Service, "
            + "never by hand: only then is X-MS-CLIENT-PRINCIPAL trusted"),
    TRUST_CLIENT_PRINCIPAL_HEADER("false", "true to trust X-MS-CLIENT-PRINCIPAL without Easy Auth: only behind a "
            + "proxy that authenticates callers and sets that header itself"),
    OPERATIONS_CONTAINER("operations", "Blob container of restore operations, one <id>.json each "
            + "(without Blob storage, the CLI keeps them in BACKUP_DIR/operations)"),
    AUDIT_CONTAINER("audit", "Blob container of the audit log, append blobs <yyyy>/<MM>/<dd>.jsonl "
            + "(without Blob storage, the CLI writes BACKUP_DIR/audit/<yyyy>/<MM>/<dd>.jsonl)"),
    IDENTITY_ENDPOINT(null, "managed identity endpoint (set by App Service; with IDENTITY_HEADER)"),
    IDENTITY_HEADER(null, "managed identity header (set by App Service; a secret)"),
    AZURE_CLIENT_ID(null, "client id: a user-assigned managed identity, or a service principal with AZURE_CLIENT_SECRET"),
    AZURE_TENANT_ID(null, "tenant of the service principal"),
    AZURE_CLIENT_SECRET(null, "service principal secret (local runs only; prefer managed identity)"),
    PG_BIN_DIR(null, "folders holding pg_dump and pg_restore, separated by ':' (one per PostgreSQL major; each server "
            + "gets the client of its major); default: every /usr/lib/postgresql/<major>/bin, then PATH"),
    BACKUP_TIMEOUT_MINUTES("360", "how long pg_dump and pg_restore may run"),
    BACKUP_COMPRESSION("auto", "how pg_dump compresses each archive: auto (zstd:1 where the server's pg_dump is 16 or "
            + "newer and a pg_restore here reads it, else gzip), gzip[:1-9], zstd[:1-22], lz4[:1-12] or none; zstd and "
            + "lz4 need pg_dump and pg_restore 16 or newer"),
    RESTORE_JOBS("auto", "pg_restore's parallel jobs for a restore into a database it creates (nothing there to "
            + "lose): auto (one per core) or 1 to 32; a restore over an existing database, and the restore test, run in "
            + "one transaction whatever this says"),
    VERIFY_RESTORE_JOBS(null, "deprecated and ignored: the restore test restores in one transaction, as a throwaway role "
            + "that owns its scratch database and nothing else, whatever the archive's size (it took pg_restore jobs: auto "
            + "or 1 to 32); remove it from the app settings"),
    MISSING_BACKUP_HOURS("26", "status alerts when no daily backup is newer than this many hours"),
    SIZE_ANOMALY_PERCENT("50", "status alerts when the newest backup of a tier is this many percent smaller or larger "
            + "than the median of the 7 good backups before it"),
    VERIFY_MAX_AGE_DAYS("35", "status alerts when no backup passed a restore test within this many days"),
    PGPASSWORD(null, "password of a restore target whose --target-url has none (command line only)", true),
    nightlyExport("0 0 2 * * *", "schedule of the nightly export (NCRONTAB, UTC)"),
    weeklyExport("0 0 3 * * 0", "schedule of the weekly export"),
    retentionPrune("0 30 * * * *", "schedule of retention pruning"),
    monthlyVerify("0 0 4 1 * *", "schedule of the monthly restore test"),
    backupMonitor("0 */15 * * * *", "schedule of the backup monitor"),
    offsiteCheck("0 0 5 * * 0", "schedule of the weekly offsite verification (newest Azure copy of each tier read back)"),
    recoveryDrill("0 0 6 1 * *", "schedule of the monthly recovery drill (runs only when DRILL_ENABLED is true)");

    private final String defaultValue;
    private final String meaning;
    private final boolean commandLineOnly;

    Setting(String defaultValue, String meaning) {
        this(defaultValue, meaning, false);
    }

    Setting(String defaultValue, String meaning, boolean commandLineOnly) {
        this.defaultValue = defaultValue;
        this.meaning = meaning;
        this.commandLineOnly = commandLineOnly;
    }

    /** Read by the CLI only: not a Function App setting. */
    public boolean commandLineOnly() {
        return commandLineOnly;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }
}
