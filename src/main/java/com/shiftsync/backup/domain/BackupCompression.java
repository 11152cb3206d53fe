package com.shiftsync.backup.domain;

/**
 * The rule of BACKUP_COMPRESSION: which compression a backup asks of the pg_dump chosen for its
 * server. {@code auto} takes zstd where the pg_dump writes it and a pg_restore here reads it
 * (PostgreSQL 16 and newer; the image has them), else gzip; a fixed compression is used as given,
 * and refused, before anything is dumped, where the chosen pg_dump cannot write it.
 *
 * @param fixed the compression set, or null for {@code auto}
 */
public record BackupCompression(Compression fixed) {
    public static final String SETTING = "BACKUP_COMPRESSION";
    /**
     * The zstd level of {@code auto}. Measured with bin/bench-backup (README): level 1 dumps
     * faster than pg_dump's default 3, for an archive a few percent larger.
     */
    public static final int AUTO_ZSTD_LEVEL = 1;
    public static final BackupCompression AUTO = new BackupCompression(null);

    /** BACKUP_COMPRESSION's value (unset or blank: auto); a bad one is refused in one sentence naming the setting. */
    public static BackupCompression parse(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("auto")) {
            return AUTO;
        }
        try {
            return new BackupCompression(Compression.parse(value));
        } catch (IllegalArgumentException e) {
            throw ShiftSyncException.badInput(SETTING + " is '" + value.trim() + "' (" + e.getMessage()
                    + "); use auto, gzip[:1-9], zstd[:1-22], lz4[:1-12] or none");
        }
    }

    /**
     * The compression for a backup by {@code dump}, with {@code clients} here to restore it.
     *
     * @param server how the server is named in a refusal ("at 127.0.0.1:5432")
     * @throws ShiftSyncException BAD_INPUT when the set compression is one {@code dump} cannot write
     */
    public Compression forDump(PgClients.Client dump, PgClients clients, String server) {
        if (fixed == null) {
            Compression zstd = new Compression(Compression.Method.ZSTD, AUTO_ZSTD_LEVEL);
            boolean readable = clients.all().stream().anyMatch(c -> zstd.supportedBy(c.major())
                    && c.major() >= dump.major());
            return zstd.supportedBy(dump.major()) && readable ? zstd : Compression.GZIP;
        }
        if (!fixed.supportedBy(dump.major())) {
            throw ShiftSyncException.badInput(SETTING + " is " + fixed.text() + ", which only pg_dump "
                    + fixed.firstMajor() + " or newer writes, and the server " + server + " is dumped by "
                    + dump.describe("pg_dump") + ": set " + SETTING + " to auto or gzip (auto takes zstd wherever "
                    + "the server and its client are " + fixed.firstMajor() + " or newer); no backup was made");
        }
        return fixed;
    }

    /** "auto" or the compression set, for messages. */
    public String text() {
        return fixed == null ? "auto" : fixed.text();
    }
}
