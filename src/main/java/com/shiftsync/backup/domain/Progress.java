package com.shiftsync.backup.domain;

/**
 * How far a long job has got, for a person watching (the CLI's progress line): called from
 * the job's own thread, often; the listener decides how often to show it.
 */
@FunctionalInterface
public interface Progress {
    /** Shows nothing. */
    Progress NONE = bytes -> {
    };

    /** {@code bytes} of the archive written so far. */
    void written(long bytes);
}
