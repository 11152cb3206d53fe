package com.shiftsync.backup.functions;

import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Reporter;

import java.util.Map;
import java.util.function.Function;

/**
 * A timer invocation: the job reports its own outcome; this only reports a failure that
 * happened before the job could report anything (a setting the job's wiring refused), and
 * fails the invocation with a redacted exception whenever the work threw.
 */
final class Invocations {
    private Invocations() {
    }

    /**
     * Runs {@code work} with {@code reporter}.
     *
     * @param failedEvent the job's failure event, reported here only if the job did not report it itself
     * @param context     what identifies the run in that event
     */
    static <T> T run(Reporter reporter, String failedEvent, Map<String, Object> context, Function<Reporter, T> work) {
        Reporter.Watched watching = reporter.watched();
        try {
            return work.apply(watching);
        } catch (RuntimeException e) {
            if (!watching.reported(failedEvent)) {
                reporter.event(Event.failed(failedEvent, context, e));
            }
            throw ShiftSyncException.wrap(e);
        }
    }
}
