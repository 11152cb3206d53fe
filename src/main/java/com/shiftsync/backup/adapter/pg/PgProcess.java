package com.shiftsync.backup.adapter.pg;

import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pg_dump or pg_restore child. The password goes into the child's environment
 * (PGPASSWORD), never its argv; stderr is drained on its own thread, kept (the last
 * lines, redacted) for the error message, and any "error:" or "FATAL" line fails the run
 * even when the exit code is 0.
 */
final class PgProcess implements AutoCloseable {
    private static final int KEPT_LINES = 40;

    private final String tool;
    private final Process process;
    private final Thread stderrReader;
    private final Deque<String> lastLines = new ArrayDeque<>();
    private final List<String> errorLines = new ArrayList<>();

    private PgProcess(String tool, Process process) {
        this.tool = tool;
        this.process = process;
        this.stderrReader = new Thread(this::drainStderr, tool + "-stderr");
        this.stderrReader.setDaemon(true);
        this.stderrReader.start();
    }

    /** Starts {@code argv}; {@code url}'s password (if any) goes to the environment only; url may be null. */
    static PgProcess start(String tool, List<String> argv, DatabaseUrl url) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        if (url != null) {
            url.passwordIfAny().ifPresent(p -> env.put("PGPASSWORD", p));
            env.putIfAbsent("PGCONNECT_TIMEOUT", url.params().getOrDefault("connect_timeout", "10"));
            pinnedAddress(url).ifPresent(address -> env.put("PGHOSTADDR", address));
        }
        env.put("PGAPPNAME", "shiftsync-backup");
        env.remove("PGDATABASE");
        try {
            return new PgProcess(tool, pb.start());
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not start " + tool + " (" + argv.get(0) + "): " + e.getMessage(), e);
        }
    }

    /**
     * Where a server whose certificate is checked against its name (sslmode=verify-full: a
     * restored or drill server) is reached: the address this JVM resolves the name to, the one
     * the app's own connections to it (JDBC) reach, handed to libpq as its hostaddr; libpq still
     * checks the certificate against the name. Empty for any other server (libpq resolves it).
     */
    static java.util.Optional<String> pinnedAddress(DatabaseUrl url) {
        String host = url.host();
        if (!"verify-full".equals(url.sslMode()) || host.startsWith("/") || host.contains(":")
                || host.matches("[0-9.]+")) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(java.net.InetAddress.getByName(host).getHostAddress());
        } catch (java.net.UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    java.io.OutputStream stdin() {
        return process.getOutputStream();
    }

    long pid() {
        return process.pid();
    }

    /** Waits and fails loudly on a non-zero exit, an error line or a timeout. */
    void awaitSuccess(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                        tool + " did not finish within " + timeout.toMinutes() + " minutes and was stopped");
            }
            stderrReader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, tool + " was interrupted", e);
        }
        int exit = process.exitValue();
        if (exit != 0 || !errors().isEmpty()) {
            String why = errors().isEmpty() ? lastLine() : errors().get(0);
            String how = exit > 128 ? "was killed by signal " + (exit - 128)
                    : exit != 0 ? "failed with exit code " + exit : "reported an error";
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    tool + " " + how + (why.isEmpty() ? "" : ": " + why));
        }
    }

    synchronized List<String> errors() {
        return List.copyOf(errorLines);
    }

    private synchronized String lastLine() {
        return lastLines.isEmpty() ? "" : lastLines.peekLast();
    }

    private void drainStderr() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String clean = Redaction.redact(line.strip());
                synchronized (this) {
                    if (lastLines.size() == KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                    lastLines.addLast(clean);
                    if (isError(clean) && errorLines.size() < KEPT_LINES) {
                        errorLines.add(stripToolPrefix(clean));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended; what we read is what there is
        }
    }

    static boolean isError(String line) {
        return line.contains("error:") || line.contains("FATAL:") || line.contains("fatal:")
                || line.contains("PANIC:");
    }

    private static String stripToolPrefix(String line) {
        return line.replaceFirst("^(pg_dump|pg_restore): (error: )?", "");
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
