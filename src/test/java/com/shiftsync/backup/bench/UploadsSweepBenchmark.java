package com.shiftsync.backup.bench;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import com.shiftsync.backup.adapter.blob.BlobUploadStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.prune.PruneJob;
import com.shiftsync.backup.prune.PruneReport;
import com.shiftsync.backup.testing.Azurite;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: times the uploads sweep (the PruneJob with UPLOADS_TTL_HOURS 24 and a clock 25 h
 * ahead, so every upload is expired) against deleting the same number of blobs one by one,
 * each on a fresh private Azurite holding exactly those blobs (Azurite's cost per delete
 * grows with what it holds, so sharing one would favour whichever runs second), and prints
 * both times, the ratio, the peak heap of each, and Azurite's own CPU time, which bounds
 * any client on the emulator.
 *
 * <p>Run: {@code mvn -B -Pbench-prune test-compile exec:exec} (count: {@code -Dbench.count=100000}).
 */
public final class UploadsSweepBenchmark {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int parallel = args.length > 1 ? Integer.parseInt(args[1]) : BlobUploadStore.PARALLEL_DELETES;
        System.out.printf(Locale.ROOT, "%,d expired uploads, each method on a fresh Azurite holding just those; "
                + "heap limit %d MiB; %d cores%n", count, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        Measured sweep = onFreshAzurite(count, container -> {
            // the project's method: the PruneJob's uploads sweep, its clock a day and an hour after the uploads
            PruneJob job = new PruneJob(List.of(), new PruneJob.UploadsTtl(
                    new BlobUploadStore(container, BlobUploadStore.PAGE_SIZE, parallel), Duration.ofHours(24)),
                    Duration.ofHours(24), Clock.offset(Clock.systemUTC(), Duration.ofHours(25)));
            PruneReport report = job.run(false, Reporter.NONE);
            if (report.uploads().deleted() != count || report.failed()) {
                throw new IllegalStateException("the sweep deleted " + report.uploads().deleted() + ": "
                        + report.problems());
            }
        });
        Measured sequential = onFreshAzurite(count, container -> {
            for (BlobItem item : container.listBlobs()) {
                container.getBlobClient(item.getName()).delete();
            }
        });
        double ratio = sequential.seconds / sweep.seconds;
        print("one-by-one sequential deletes", count, sequential);
        print("uploads sweep, " + parallel + " parallel", count, sweep);
        System.out.printf(Locale.ROOT, "ratio: %.1fx (target >= 10x): %s%n", ratio, ratio >= 10 ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "Azurite's own CPU per delete: %.1f ms sequential, %.1f ms in the sweep; no "
                        + "client can delete faster than %.0f/s on this emulator (one Node.js thread)%n",
                sequential.azuriteCpuMs / count, sweep.azuriteCpuMs / count, count * 1000.0 / sweep.azuriteCpuMs);
        System.exit(0);
    }

    private static void print(String what, int count, Measured m) {
        System.out.printf(Locale.ROOT, "%-34s %8.2f s  %,7.0f deletes/s  Azurite CPU %6.1f s  peak heap %3d MiB%n",
                what + ":", m.seconds, count / m.seconds, m.azuriteCpuMs / 1000.0, m.peakHeapBytes >> 20);
    }

    private interface Deletion {
        void run(BlobContainerClient container) throws Exception;
    }

    private static Measured onFreshAzurite(int count, Deletion deletion) throws Exception {
        try (Azurite azurite = Azurite.startNew()) {
            BlobServiceClient service = StorageClients.byConnectionString(azurite.connectionString());
            BlobContainerClient container = fill(service, "bench-uploads", count);
            Measured m = measure(() -> deletion.run(container));
            if (container.listBlobs().iterator().hasNext()) {
                throw new IllegalStateException("blobs left over");
            }
            return m;
        }
    }

    private static BlobContainerClient fill(BlobServiceClient service, String name, int count) throws Exception {
        BlobContainerClient c = service.getBlobContainerClient(name);
        c.create();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> uploads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String blob = String.format(Locale.ROOT, "user-%04d/upload-%06d.jpg", i % 1000, i);
            uploads.add(pool.submit(() -> c.getBlobClient(blob).upload(BinaryData.fromString("jpeg bytes"))));
            if (uploads.size() == 2000) {
                for (Future<?> f : uploads) {
                    f.get();
                }
                uploads.clear();
            }
        }
        for (Future<?> f : uploads) {
            f.get();
        }
        pool.shutdown();
        return c;
    }

    private record Measured(double seconds, long peakHeapBytes, double azuriteCpuMs) {
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Wall time, and the highest heap in use, sampled every 5 ms and from the pools' own peaks. */
    private static Measured measure(Work work) throws Exception {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        AtomicLong peak = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                Runtime rt = Runtime.getRuntime();
                peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long cpu = azuriteCpuMs();
        long start = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        long azuriteCpu = azuriteCpuMs() - cpu;
        running.set(false);
        sampler.join();
        return new Measured(seconds, peak.get(), azuriteCpu);
    }

    /** CPU time (user + system) of the Azurite processes this JVM started, from /proc (Linux, 100 Hz ticks). */
    private static long azuriteCpuMs() {
        long ticks = 0;
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException gone) {
                // ended meanwhile
            }
        }
        return ticks * 10;
    }
}
