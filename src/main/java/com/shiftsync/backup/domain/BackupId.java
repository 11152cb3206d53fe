package com.shiftsync.backup.domain;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup's name, {@code <database>_backup_<yyyyMMdd>_<HHmmss>} in UTC, as the guide's
 * script named its files. The timestamp is the backup's age for every rule that asks.
 *
 * @param label     the database name made safe for file and blob names
 * @param startedAt the start of the backup, to the second
 */
public record BackupId(String label, Instant startedAt) implements Comparable<BackupId> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final Pattern FORM = Pattern.compile("^([A-Za-z0-9._-]{1,100})_backup_(\\d{8}_\\d{6})$");
    private static final Pattern LABEL = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");

    public BackupId {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw ShiftSyncException.badInput("backup label '" + label
                    + "' must be 1 to 100 letters, digits, dots, dashes or underscores");
        }
        if (startedAt == null) {
            throw new IllegalArgumentException("startedAt must not be null");
        }
        startedAt = startedAt.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The id of a backup of {@code database} starting at {@code now}. */
    public static BackupId of(String database, Instant now) {
        String label = database.replaceAll("[^A-Za-z0-9._-]", "-");
        if (label.length() > 100) {
            label = label.substring(0, 100);
        }
        return new BackupId(label, now);
    }

    public static BackupId parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw ShiftSyncException.badInput("'" + text
                    + "' is not a backup id: expected <database>_backup_<yyyyMMdd>_<HHmmss>, "
                    + "e.g. shiftsync_backup_20240115_020000");
        }
        try {
            Instant at = LocalDateTime.parse(m.group(2), STAMP).toInstant(ZoneOffset.UTC);
            return new BackupId(m.group(1), at);
        } catch (DateTimeParseException e) {
            throw ShiftSyncException.badInput("'" + text + "' has an impossible date or time");
        }
    }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (ShiftSyncException e) {
            return false;
        }
    }

    public String archiveName() {
        return this + ".dump";
    }

    public String manifestName() {
        return this + ".manifest.json";
    }

    /** A record kept next to the backup, {@code <id>.<kind>.json}; kind is a lowercase word, never "manifest". */
    public String recordName(String kind) {
        if (kind == null || !kind.matches("[a-z][a-z0-9-]{0,30}") || kind.equals("manifest")) {
            throw new IllegalArgumentException("record kind '" + kind + "' must be a lowercase word, not manifest");
        }
        return this + "." + kind + ".json";
    }

    /**
     * A file kept beside the backup's archive and covered by its manifest, {@code <id>.<kind>}; kind is a
     * lowercase word with an extension ("roles.sql"), never a record's ({@code .json}).
     */
    public String sideFileName(String kind) {
        if (!isSideFileKind(kind)) {
            throw new IllegalArgumentException("side file kind '" + kind + "' must be a lowercase word with an "
                    + "extension (roles.sql), not .json");
        }
        return this + "." + kind;
    }

    /** Whether {@code kind} names a side file ({@link #sideFileName}). */
    public static boolean isSideFileKind(String kind) {
        return kind != null && kind.matches("[a-z][a-z0-9-]{0,30}\\.[a-z0-9]{1,8}") && !kind.endsWith(".json");
    }

    @Override
    public String toString() {
        return label + "_backup_" + STAMP.format(LocalDateTime.ofInstant(startedAt, ZoneOffset.UTC));
    }

    /** Newest first, then by label. */
    @Override
    public int compareTo(BackupId other) {
        int byTime = other.startedAt.compareTo(startedAt);
        return byTime != 0 ? byTime : label.compareTo(other.label);
    }
}
