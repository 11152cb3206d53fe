package com.shiftsync.backup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * What {@code ps} shows of this JVM's descendants: each process's argv and environment,
 * read from /proc while it runs (Linux; the tests run as the same user or as root). A
 * {@link Watch} polls in the background and keeps every distinct sighting, so a test can
 * check what a short-lived pg_dump carried.
 */
public final class ChildProcesses {
    private ChildProcesses() {
    }

    /**
     * One sighting of a process.
     *
     * @param pid  process id
     * @param exe  the executable it runs now (after any exec), or "" if unreadable
     * @param argv its command line
     * @param env  its environment
     */
    public record Sighting(long pid, String exe, List<String> argv, Map<String, String> env) {
        public String commandLine() {
            return String.join(" ", argv);
        }
    }

    /** Every descendant of this JVM right now (children of children too: the CLI's pg_dump). */
    public static List<Sighting> now() {
        List<Sighting> all = new ArrayList<>();
        ProcessHandle.current().descendants().forEach(p -> read(p.pid()).ifPresent(all::add));
        return all;
    }

    static Optional<Sighting> read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            List<String> argv = split(Files.readAllBytes(proc.resolve("cmdline")));
            Map<String, String> env = new LinkedHashMap<>();
            for (String entry : split(Files.readAllBytes(proc.resolve("environ")))) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            String exe;
            try {
                exe = Files.readSymbolicLink(proc.resolve("exe")).toString();
            } catch (IOException | UnsupportedOperationException unreadable) {
                exe = "";
            }
            return argv.isEmpty() ? Optional.empty() : Optional.of(new Sighting(pid, exe, argv, env));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    private static List<String> split(byte[] nulSeparated) {
        String text = new String(nulSeparated, StandardCharsets.UTF_8);
        return Arrays.stream(text.split("\0")).filter(s -> !s.isEmpty()).toList();
    }

    /** Starts polling every few milliseconds until closed. */
    public static Watch watch() {
        return new Watch();
    }

    /** A background poll of the descendants; keeps one sighting per (pid, exe, argv). */
    public static final class Watch implements AutoCloseable {
        private final Map<String, Sighting> seen = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        private Watch() {
            thread = new Thread(() -> {
                while (running) {
                    for (Sighting s : now()) {
                        seen.putIfAbsent(s.pid() + "|" + s.exe() + "|" + s.commandLine(), s);
                    }
                    try {
                        Thread.sleep(3);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "child-process-watch");
            thread.setDaemon(true);
            thread.start();
        }

        public List<Sighting> seen() {
            return List.copyOf(seen.values());
        }

        /** Waits up to {@code seconds} for a sighting that {@code matches}, or until {@code giveUp} says so. */
        public Optional<Sighting> await(Predicate<Sighting> matches, int seconds, BooleanSupplier giveUp) {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
                Optional<Sighting> hit = seen.values().stream().filter(matches).findFirst();
                if (hit.isPresent()) {
                    return hit;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
