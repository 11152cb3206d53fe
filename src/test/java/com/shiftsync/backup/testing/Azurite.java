package com.shiftsync.backup.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Azurite (the Azure Storage emulator, npm package pinned in package.json) on free
 * loopback ports. {@link #shared()} lives for the test JVM; {@link #startNew()} gives a
 * test one of its own to stop mid-upload. Missing Azurite fails loudly.
 */
public final class Azurite implements AutoCloseable {
    /** Azurite's well-known development account key: public, documented, only valid against the emulator. */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    /**
     * Without it Azurite sends usage telemetry to an address outside loopback and leaves
     * {@code Microsoft-AzureMonitor-*} folders in the temp directory; every launch passes it
     * (AzuriteLaunchTest checks the scripts, AzuriteIT the running process).
     */
    public static final String DISABLE_TELEMETRY = "--disableTelemetry";
    /** The emulator's entry point, as npm ci installs it; every launch goes through {@link #launch}. */
    private static final Path LAUNCHER = Path.of("node_modules", "azurite", "dist", "src", "azurite.js");
    private static Azurite shared;

    private Process process;
    private final int blobPort;
    private final int queuePort;
    private final int tablePort;
    private final Path location;

    private Azurite(int blobPort, int queuePort, int tablePort, Path location) {
        this.blobPort = blobPort;
        this.queuePort = queuePort;
        this.tablePort = tablePort;
        this.location = location;
    }

    public static synchronized Azurite shared() {
        if (shared == null) {
            shared = startNew();
            Azurite azurite = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(azurite::close));
        }
        return shared;
    }

    public static Azurite startNew() {
        Path launcher = LAUNCHER.toAbsolutePath();
        if (!Files.exists(launcher)) {
            throw new IllegalStateException("Azurite is not installed at " + launcher
                    + ": run bin/setup (npm ci) before the tests");
        }
        IllegalStateException lastTaken = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Azurite azurite = new Azurite(PostgresCluster.freePort(), PostgresCluster.freePort(),
                    PostgresCluster.freePort(), TempFolders.create("shiftsync-azurite-"));
            try {
                azurite.launch();
                return azurite;
            } catch (IOException e) {
                azurite.close();
                throw new IllegalStateException("could not start Azurite: " + e, e);
            } catch (IllegalStateException e) {
                boolean portTaken = azurite.log().contains("EADDRINUSE");
                azurite.close();
                if (!portTaken) {
                    throw e;
                }
                lastTaken = e; // another process took a port between the check and the listen: new ports
            }
        }
        throw lastTaken;
    }

    /** Starts node on {@link #LAUNCHER}, always with {@value #DISABLE_TELEMETRY}: nothing is sent off this machine. */
    private void launch() throws IOException {
        process = new ProcessBuilder(List.of("node", LAUNCHER.toAbsolutePath().toString(), "--silent", "--location",
                location.toString(), "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost",
                "127.0.0.1", "--blobPort", String.valueOf(blobPort), "--queuePort", String.valueOf(queuePort),
                "--tablePort", String.valueOf(tablePort), "--skipApiVersionCheck", "--loose", DISABLE_TELEMETRY))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(location.resolve("azurite.log").toFile())).start();
        awaitListening();
    }

    /** Starts the emulator again on the same ports and data, after {@link #kill()}. */
    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new IllegalStateException("could not restart Azurite: " + e, e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited at start (exit code " + process.exitValue()
                        + "); its log ends: " + tail(log(), 1500));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", blobPort), 500);
                try (Socket q = new Socket()) {
                    q.connect(new InetSocketAddress("127.0.0.1", queuePort), 500);
                    return;
                }
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("Azurite did not listen on 127.0.0.1:" + blobPort + " within 60 s");
    }

    /** What the emulator printed so far ("" if nothing). */
    String log() {
        try {
            return Files.readString(location.resolve("azurite.log"));
        } catch (IOException | RuntimeException unreadable) {
            return "";
        }
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
    }

    /** The connection string; its account key is registered with TestSecrets, as every secret the product gets. */
    public String connectionString() {
        TestSecrets.register(ACCOUNT_KEY);
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=http://127.0.0.1:" + blobPort + "/devstoreaccount1"
                + ";QueueEndpoint=http://127.0.0.1:" + queuePort + "/devstoreaccount1;";
    }

    public int blobPort() {
        return blobPort;
    }

    /**
     * Stops the emulator gracefully (SIGTERM), so it saves what it holds: Azurite keeps its
     * metadata in memory and saves it every few seconds, and {@link #kill()} may lose the
     * last writes.
     */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the emulator at once, as a network failure would look to the client. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The emulator's process id (while it runs). */
    public long pid() {
        return process.pid();
    }

    /** Its data folder (blobs, queues, its log). */
    public Path location() {
        return location;
    }

    /** Kills the emulator and deletes its data: a test leaves no Azurite folder behind. */
    @Override
    public void close() {
        kill();
        TempFolders.delete(location);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
