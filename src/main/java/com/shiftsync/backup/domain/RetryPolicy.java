package com.shiftsync.backup.domain;

import java.time.Duration;

/**
 * Every limit on how long and how often the app keeps at an operation, in one place: how
 * soon the operation-updates worker takes the next step, how long it waits after a step
 * failed and how many failed steps in a row stop it, when it gives up on an operation that
 * still runs, how often a restored server may be unreachable for its verification, and the
 * time limits of queued work (a message that waits too long, a worker the host stopped).
 *
 * @param stepDelay          between two steps of a running operation (Azure's restores take minutes)
 * @param failedStepDelay    after a step that failed (Resource Manager unreachable, say)
 * @param maxFailedSteps     failed steps in a row that stop the reminders (an hour of them)
 * @param giveUpAfter        a restore or drill still running this long after its request needs a person
 * @param maxVerifyAttempts  tries to reach a restored server's database before its verification fails
 * @param messageTtl         how long a queued request waits on its queue for a worker
 * @param functionTimeout    host.json's functionTimeout: the Functions host stops any run that takes longer
 * @param grace              slack for clocks and for the host's own retries
 */
public record RetryPolicy(Duration stepDelay, Duration failedStepDelay, int maxFailedSteps, Duration giveUpAfter,
                          int maxVerifyAttempts, Duration messageTtl, Duration functionTimeout, Duration grace) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(5), 12,
            Duration.ofDays(2), 5, Duration.ofHours(24), Duration.ofHours(6), Duration.ofMinutes(30));

    public RetryPolicy {
        if (maxFailedSteps < 1 || maxVerifyAttempts < 1) {
            throw new IllegalArgumentException("retry limits must be at least 1");
        }
    }

    /** A restore or drill requested this long ago is no longer stepped by reminders, nor blocks the next drill. */
    public boolean givenUp(java.time.Instant requestedAt, java.time.Instant now) {
        return Duration.between(requestedAt, now).compareTo(giveUpAfter) > 0;
    }
}
