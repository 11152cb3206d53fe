package com.shiftsync.backup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The packaged CLI ({@code target/shiftsync-backup.jar}) run as a user runs it: its own
 * process, an environment of our choosing and nothing inherited that could point at a
 * real service. Its stderr is a pipe, not a terminal, so the CLI writes it as a log: each
 * line after a UTC timestamp, and its jobs' JSON events among the lines for people.
 *
 * @param exitCode  what the process returned
 * @param stdout    standard output
 * @param stderr    what stderr says to people: its lines without their timestamps, the events left out
 * @param rawStderr standard error as written
 */
public record CliRun(int exitCode, String stdout, String stderr, String rawStderr) {
    /** The timestamp the CLI starts each line of a log with. */
    public static final java.util.regex.Pattern STAMP = java.util.regex.Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z ");
    public static final Path JAR = Path.of("target", "shiftsync-backup.jar").toAbsolutePath();

    /**
     * The environment of a CLI that backs up {@code database} on {@code cluster} into a local
     * folder under {@code dir}, and nothing else: a map of its own, for a test to add to.
     */
    public static Map<String, String> localEnvironment(PostgresCluster cluster, String database, Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", cluster.urlText(database));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        return env;
    }

    public static CliRun run(Map<String, String> env, String... args) {
        return await(start(env, args));
    }

    /** Runs {@code backup} with {@code options}, which must succeed, and gives the id it prints. */
    public static String backup(Map<String, String> env, String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "backup";
        System.arraycopy(options, 0, args, 1, options.length);
        CliRun run = run(env, args);
        org.junit.jupiter.api.Assertions.assertEquals(0, run.exitCode(), run.stderr());
        return run.stdout().strip();
    }

    public static Process start(Map<String, String> env, String... args) {
        return start(env, null, args);
    }

    /**
     * Starts the CLI with SIGINT and SIGTERM at their defaults (a test JVM started in the
     * background inherits SIGINT ignored, and a JVM that starts with a signal ignored never
     * handles it), so a test can interrupt it as a terminal or systemd would; with
     * {@code stderrFile}, stderr goes to that file, as in a cron line's {@code 2>>log}.
     */
    public static Process startInterruptible(Map<String, String> env, Path stderrFile, String... args) {
        return start(env, stderrFile, args);
    }

    private static Process start(Map<String, String> env, Path stderrFile, String... args) {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the CLI tests run after mvn package (mvn verify)");
        }
        List<String> argv = new ArrayList<>();
        if (stderrFile != null) {
            argv.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; $SIG{TERM} = 'DEFAULT'; exec @ARGV or die"));
        }
        // the wrapper's heap and Netty allocator (bin/shiftsync-backup)
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m",
                "-Dio.netty.allocator.type=unpooled"));
        argv.addAll(HttpsFake.childJvmOptions());
        argv.addAll(List.of("-jar", JAR.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (stderrFile != null) {
            pb.redirectError(ProcessBuilder.Redirect.appendTo(stderrFile.toFile()));
        }
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static CliRun await(Process p) {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p, false));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p, true));
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the CLI did not finish within 300 s");
            }
            String raw = err.get();
            CliRun run = new CliRun(p.exitValue(), out.get(), forPeople(raw), raw);
            CapturedOutput.record(run.stdout() + run.rawStderr());
            return run;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Process p, boolean stderr) {
        try {
            return new String((stderr ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The raw stderr's lines without timestamps and without the event lines. */
    public static String forPeople(String raw) {
        StringBuilder text = new StringBuilder();
        for (String line : raw.split("\n", -1)) {
            String bare = STAMP.matcher(line).replaceFirst("");
            if (!bare.startsWith("{\"event\":")) {
                text.append(bare).append('\n');
            }
        }
        return text.length() == 0 ? "" : text.substring(0, text.length() - 1);
    }

    /** The events the CLI's jobs reported, in order. */
    public List<com.fasterxml.jackson.databind.JsonNode> events() {
        List<com.fasterxml.jackson.databind.JsonNode> events = new ArrayList<>();
        for (String line : rawStderr.split("\n")) {
            String bare = STAMP.matcher(line).replaceFirst("");
            if (bare.startsWith("{\"event\":")) {
                try {
                    events.add(com.shiftsync.backup.domain.Json.MAPPER.readTree(bare));
                } catch (IOException e) {
                    throw new AssertionError("an event line that is not JSON: " + line, e);
                }
            }
        }
        return events;
    }

    /** The lines of stderr that are not warnings. */
    public List<String> errorLines() {
        return stderr.lines().filter(l -> !l.isBlank() && !l.contains("warning:")).toList();
    }
}
