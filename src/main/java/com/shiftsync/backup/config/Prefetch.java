package com.shiftsync.backup.config;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A value started now on a daemon thread while the caller goes on, for what costs start-up time
 * but sends no request: a CLI backup builds its audit log's Blob client while it connects and
 * pg_dump runs, not before. Got, it is waited for; a build that failed is tried again on the
 * caller's thread, so its failure is the caller's, as without the prefetch.
 */
final class Prefetch {
    private Prefetch() {
    }

    /** @param build a {@link Once}: the caller's retry gets the built value or builds it anew */
    static <T> Supplier<T> of(Supplier<T> build) {
        CompletableFuture<T> early = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                early.complete(build.get());
            } catch (Throwable e) {
                early.completeExceptionally(e);
            }
        }, "prefetch");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            try {
                return early.join();
            } catch (CompletionException e) {
                return build.get();
            }
        };
    }
}
