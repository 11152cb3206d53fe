package com.shiftsync.backup.domain;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How pg_dump compresses a custom-format archive ({@code pg_dump -Fc --compress}). It matters
 * twice: gzip in pg_dump is the slowest step of every backup (zstd is several times faster for
 * a smaller archive), and zstd and lz4 exist only from pg_dump 16 on, and only pg_restore 16 or
 * newer reads them ({@link ArchiveFormat}).
 *
 * @param method the algorithm
 * @param level  its level, or null for pg_dump's own default of that algorithm
 */
public record Compression(Method method, Integer level) {
    /** The first major of pg_dump that writes, and of pg_restore that reads, zstd and lz4 archives. */
    public static final int NEWER_METHODS_MAJOR = 16;
    /** What every archive was before the compression was recorded: pg_dump's default. */
    public static final Compression GZIP = new Compression(Method.GZIP, null);

    public enum Method {
        GZIP(1, 9, 0), ZSTD(1, 22, NEWER_METHODS_MAJOR), LZ4(1, 12, NEWER_METHODS_MAJOR), NONE(0, 0, 0);

        private final int minLevel;
        private final int maxLevel;
        /** The oldest pg_dump that writes it and pg_restore that reads it; 0: every one. */
        private final int firstMajor;

        Method(int minLevel, int maxLevel, int firstMajor) {
            this.minLevel = minLevel;
            this.maxLevel = maxLevel;
            this.firstMajor = firstMajor;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Compression {
        Objects.requireNonNull(method, "method");
        if (level != null && (method == Method.NONE || level < method.minLevel || level > method.maxLevel)) {
            throw new IllegalArgumentException(method.id() + (method == Method.NONE ? " takes no level"
                    : " levels are " + method.minLevel + " to " + method.maxLevel));
        }
    }

    /**
     * "zstd", "zstd:3", "gzip:9", "lz4", "none" (any case); throws IllegalArgumentException
     * saying what is wrong with it.
     */
    public static Compression parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        Method method = null;
        for (Method m : Method.values()) {
            if (m.id().equals(name)) {
                method = m;
            }
        }
        if (method == null) {
            throw new IllegalArgumentException("'" + text + "' is not a compression");
        }
        if (colon < 0) {
            return new Compression(method, null);
        }
        try {
            return new Compression(method, Integer.valueOf(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the level after '" + name + ":' must be a whole number");
        }
    }

    /** The compression a manifest records; a manifest written before it was recorded means gzip. */
    public static Compression ofManifest(String recorded) {
        return recorded == null || recorded.isBlank() ? GZIP : parse(recorded);
    }

    /** "zstd:1", "gzip", "none": what manifests record and sentences name. */
    public String text() {
        return level == null ? method.id() : method.id() + ":" + level;
    }

    /** The oldest pg_dump that writes it and pg_restore that reads it; 0 when every one does. */
    public int firstMajor() {
        return method.firstMajor;
    }

    /** Whether pg_dump or pg_restore of {@code major} writes and reads it. */
    public boolean supportedBy(int major) {
        return major >= method.firstMajor;
    }

    /**
     * pg_dump's argument for it: nothing for pg_dump's default (gzip at its default level),
     * {@code --compress=N} up to 15 (a level of gzip, 0 for none), {@code --compress=method[:level]}
     * from 16.
     */
    public List<String> pgDumpArguments(int dumpMajor) {
        if (equals(GZIP)) {
            return List.of();
        }
        if (dumpMajor < NEWER_METHODS_MAJOR) {
            if (!supportedBy(dumpMajor)) {
                throw new IllegalArgumentException("pg_dump " + dumpMajor + " does not write " + method.id());
            }
            return List.of("--compress=" + (method == Method.NONE ? 0 : level));
        }
        return List.of("--compress=" + text());
    }

    @Override
    public String toString() {
        return text();
    }
}
