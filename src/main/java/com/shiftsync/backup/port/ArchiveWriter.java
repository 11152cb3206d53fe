package com.shiftsync.backup.port;

/**
 * An archive being written. Bytes go in with {@link #write}; the archive appears under
 * its name only at {@link #commit()}. {@link #close()} without a commit discards
 * everything written, so a failed backup leaves nothing a reader could take for a backup.
 */
public interface ArchiveWriter extends AutoCloseable {

    /** Appends bytes; may block to keep memory bounded. */
    void write(byte[] buffer, int offset, int length);

    /** Makes the archive visible; returns its stored size. */
    long commit();

    /** Discards the archive unless it was committed. Never throws. */
    @Override
    void close();
}
