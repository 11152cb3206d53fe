package com.shiftsync.backup.bench;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.ExportFunctions;
import com.shiftsync.backup.testing.FakeExecutionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Locale;

/**
 * The backup as the Function App runs it, for bin/bench-backup (not a test): one JVM that
 * stays up, as the always-ready instance of the EP1 plan in infra/ does, so that only the
 * first run pays for the JVM's start, class loading and first connections. Runs RUNS backups
 * one after the other and prints the seconds of each after the first, one per line; with a
 * BASELINE (a shell command, such as pg_dump to a file), runs it before each backup and prints
 * its seconds first on the line: pairs taken side by side, as the machine's speed drifts.
 * Usage: WarmBackups azure|local RUNS [BASELINE] (settings from the environment, as the Function App's):
 * {@code azure} is the nightly export's own entry point (ExportFunctions, straight to Blob
 * Storage); {@code local} is the same job into BACKUP_DIR, which isolates the product's own
 * work from the emulator's.
 */
public final class WarmBackups {
    private WarmBackups() {
    }

    public static void main(String[] args) {
        boolean azure = switch (args[0]) {
            case "azure" -> true;
            case "local" -> false;
            default -> throw new IllegalArgumentException("WarmBackups azure|local RUNS, not " + args[0]);
        };
        int runs = Integer.parseInt(args[1]);
        String baseline = args.length > 2 ? args[2] : null;
        App app = new App(new Settings(System.getenv()), Clock.systemUTC());
        ExportFunctions functions = new ExportFunctions(app);
        for (int run = 0; run <= runs; run++) {
            String pair = baseline == null || run == 0 ? "" : String.format(Locale.ROOT, "%.3f ", timed(baseline));
            FakeExecutionContext context = new FakeExecutionContext("nightlyExport");
            long start = System.nanoTime();
            if (azure) {
                functions.nightlyExport("timer", context);
            } else {
                app.backups().toLocal().run(Tier.DAILY, app.reporter(context.getLogger()));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run > 0) {
                System.out.println(pair + String.format(Locale.ROOT, "%.3f", seconds));
            }
            awaitNextSecond(); // a backup's id has the second it started in
        }
    }

    /** Seconds {@code command} took in bash; it must succeed. */
    private static double timed(String command) {
        long start = System.nanoTime();
        try {
            Process p = new ProcessBuilder("bash", "-c", command).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("the baseline failed: " + command);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void awaitNextSecond() {
        long now = System.currentTimeMillis();
        try {
            Thread.sleep(1000 - now % 1000 + 10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
