package com.shiftsync.backup.port;

import java.time.Duration;

/**
 * A queue of work that must not run inside an HTTP call: a restore from a backup, an
 * on-demand backup. The HTTP function sends one message; a queue-triggered function of
 * the same app receives its text unchanged and does the work. The queue names are fixed
 * here, in one place: the Functions triggers and the infrastructure use the same ones.
 */
public interface WorkQueue {
    /** Restores from a backup into a database ({@code POST /api/restores/from-backup}). */
    String RESTORE_REQUESTS = "restore-requests";
    /** On-demand backups of tier manual ({@code POST /api/backups}). */
    String BACKUP_REQUESTS = "backup-requests";
    /** Reminders to move a running operation on (a server restore's completion, a drill), delivered after a delay. */
    String OPERATION_UPDATES = "operation-updates";

    /**
     * Puts one message on the queue.
     *
     * @param text       what the receiving function gets, unchanged
     * @param timeToLive how long the message waits for a worker before the queue drops it
     */
    default void send(String text, Duration timeToLive) {
        send(text, timeToLive, Duration.ZERO);
    }

    /**
     * Puts one message on the queue that no worker sees before {@code visibleAfter} has passed.
     *
     * @param timeToLive how long the message waits for a worker, counted from when it is sent
     */
    void send(String text, Duration timeToLive, Duration visibleAfter);

    /** The queue's name. */
    String name();

    /** Where the queue is, for messages: "queue restore-requests at https://...". */
    String describe();
}
