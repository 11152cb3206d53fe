package com.shiftsync.backup.prune;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.shiftsync.backup.adapter.blob.BlobUploadStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SweepResult;
import com.shiftsync.backup.testing.Azurite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 24-hour uploads sweep against Azurite. An upload's age is its last-modified time; it
 * is deleted once it is UPLOADS_TTL_HOURS old <em>or older</em>: exactly at the limit it
 * goes (the guide's rule is a maximum, "deleted after 24 h", unlike backup retention, which
 * is a minimum).
 */
class UploadsSweepIT {
    private static final Duration TTL = Duration.ofHours(24);

    private static BlobContainerClient container(String prefix) {
        BlobContainerClient c = StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(prefix + "-" + Long.toHexString(System.nanoTime()));
        c.create();
        return c;
    }

    /** One upload, swept by the PruneJob with the clock at its last-modified time plus {@code after}. */
    private static SweepResult sweepAt(String prefix, Duration after) {
        BlobContainerClient c = container(prefix);
        c.getBlobClient("shifts/roster.pdf").upload(BinaryData.fromString("a roster"));
        Instant lastModified = c.getBlobClient("shifts/roster.pdf").getProperties().getLastModified().toInstant();
        Clock clock = Clock.fixed(lastModified.plus(after), ZoneOffset.UTC);
        PruneReport report = new PruneJob(List.of(), new PruneJob.UploadsTtl(new BlobUploadStore(c), TTL),
                Duration.ofHours(24), clock).run(false, Reporter.NONE);
        assertFalse(report.failed(), report.problems().toString());
        assertEquals(lastModified.plus(after).minus(TTL), report.uploadsCutoff());
        assertEquals(report.uploads().deleted() == 0, c.getBlobClient("shifts/roster.pdf").exists());
        return report.uploads();
    }

    @Test
    @DisplayName("an upload just under 24 h old stays; exactly 24 h old and just over are deleted")
    void boundary() {
        SweepResult under = sweepAt("under", TTL.minusSeconds(1));
        assertEquals(0, under.deleted());
        assertEquals(1, under.kept());
        SweepResult underByAMillisecond = sweepAt("under-ms", TTL.minusMillis(1));
        assertEquals(0, underByAMillisecond.deleted());
        SweepResult exact = sweepAt("exact", TTL);
        assertEquals(1, exact.deleted());
        assertEquals(8, exact.deletedBytes());
        SweepResult over = sweepAt("over", TTL.plusSeconds(1));
        assertEquals(1, over.deleted());
    }

    @Test
    @DisplayName("many uploads over many pages, odd names and all: every expired one goes, a dry run only counts")
    void pagesAndNames() throws Exception {
        BlobContainerClient c = container("many");
        List<String> names = new ArrayList<>(List.of("reports/2024/ä ö.pdf", "a b+c%20d.txt", "deep/x/y/z.bin",
                "q?x=1#frag.png"));
        for (int i = 0; i < 1200; i++) {
            names.add("u/" + i + ".jpg");
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> uploads = new ArrayList<>();
        for (String name : names) {
            uploads.add(pool.submit(() -> c.getBlobClient(name).upload(BinaryData.fromString("x".repeat(10)))));
        }
        for (Future<?> f : uploads) {
            f.get();
        }
        pool.shutdown();
        Instant newest = c.listBlobs().stream().map(b -> b.getProperties().getLastModified().toInstant())
                .max(Instant::compareTo).orElseThrow();
        Instant oldest = c.listBlobs().stream().map(b -> b.getProperties().getLastModified().toInstant())
                .min(Instant::compareTo).orElseThrow();
        BlobUploadStore store = new BlobUploadStore(c, 100, 8);

        SweepResult none = store.deleteModifiedUpTo(oldest.minusSeconds(1), false);
        assertEquals(names.size(), none.examined());
        assertEquals(names.size(), none.kept());
        assertEquals(0, none.deleted());

        SweepResult dry = store.deleteModifiedUpTo(newest, true);
        assertEquals(names.size(), dry.deleted());
        assertEquals(names.size() * 10L, dry.deletedBytes());
        assertEquals(names.size(), c.listBlobs().stream().count(), "a dry run deletes nothing");

        SweepResult real = store.deleteModifiedUpTo(newest, false);
        assertEquals(names.size(), real.examined());
        assertEquals(names.size(), real.deleted());
        assertEquals(0, real.failed(), real.failures().toString());
        assertEquals(0, c.listBlobs().stream().count());
    }

    @Test
    @DisplayName("a missing uploads container is reported, not an error; other containers are never touched")
    void missingAndScoped() {
        BlobContainerClient other = container("other");
        other.getBlobClient("keep.txt").upload(BinaryData.fromString("mine"));
        BlobContainerClient missing = StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient("missing-" + Long.toHexString(System.nanoTime()));
        SweepResult result = new BlobUploadStore(missing).deleteModifiedUpTo(Instant.now().plusSeconds(3600), false);
        assertTrue(result.missing());
        Set<String> left = other.listBlobs().stream().map(BlobItem::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("keep.txt"), left);
    }
}
