package com.shiftsync.backup.prune;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Protection;
import com.shiftsync.backup.domain.RetentionLock;
import com.shiftsync.backup.domain.RetentionPlan.Decision;
import com.shiftsync.backup.domain.RetentionPolicy;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.ImmutabilityProxy;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.SimulatedBackups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention in a container with version-level immutability ({@link ImmutabilityProxy} in front of
 * Azurite), on test clocks: prune deletes only what has expired, a refusal it did not foresee is
 * reported and never stops it, the backups it keeps past their retention stay protected, and a
 * legal hold keeps a backup until released.
 */
class ImmutablePruneIT {
    static final RetentionPolicy POLICY = RetentionPolicy.of(30, 30, 1, 0, 0, 0);
    static final Duration GRACE = Duration.ofHours(24);

    Instant t0;
    MutableClock app;
    MutableClock azure;
    ImmutabilityProxy proxy;
    String name;
    BlobContainerClient blobs;

    @BeforeEach
    void start() {
        t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofDays(2)).plusSeconds(1800);
        app = new MutableClock(t0);
        azure = new MutableClock(t0);
        proxy = ImmutabilityProxy.start(Azurite.shared(), azure);
        name = "wormprune-" + Long.toHexString(System.nanoTime());
        blobs = new BlobServiceClientBuilder().connectionString(proxy.connectionString()).buildClient()
                .getBlobContainerClient(name);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    /** A store as the app builds it, read fresh (it remembers whether the container is immutable). */
    private BlobBackupStore store() {
        return new BlobBackupStore(blobs, () -> RetentionLock.of(POLICY), app, Optional::empty);
    }

    private PruneJob prune() {
        return new PruneJob(List.of(new PruneJob.Target(store(), POLICY)), null, GRACE, app);
    }

    private List<Manifest> daily(BackupStore store, int... daysAgo) {
        List<Manifest> made = new ArrayList<>();
        for (int k : daysAgo) {
            made.add(SimulatedBackups.backup(store, Tier.DAILY, t0.minus(Duration.ofDays(k)).minus(Duration.ofHours(10))));
        }
        return made;
    }

    private static Set<String> ids(BackupStore store) {
        return store.list().stream().map(Manifest::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> ids(List<Manifest> manifests) {
        return manifests.stream().map(Manifest::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Each blob's until-date, by name. */
    private Map<String, Instant> untils() {
        Map<String, Instant> all = new TreeMap<>();
        for (BlobItem item : blobs.listBlobs(new ListBlobsOptions().setDetails(new BlobListDetails()
                .setRetrieveImmutabilityPolicy(true)), null)) {
            var p = item.getProperties().getImmutabilityPolicy();
            all.put(item.getName(), p == null || p.getExpiryTime() == null ? null : p.getExpiryTime().toInstant());
        }
        return all;
    }

    @Test
    @DisplayName("before expiry prune keeps what retention would delete, says until when, and does not fail; "
            + "on a clock past expiry it deletes exactly those")
    void deletesOnlyWhatExpired() {
        proxy.enableVersionLevelImmutability(name);
        List<Manifest> recent = daily(store(), 0, 5, 29);
        List<Manifest> old = daily(store(), 31, 40);

        PruneReport before = prune().run(false, Reporter.NONE);
        CapturedOutput.record(before.toString());
        assertFalse(before.failed(), before.problems().toString());
        assertEquals(List.of(), before.stores().get(0).deleted());
        assertEquals(List.of(), before.stores().get(0).refusedByStore());
        for (Decision d : before.stores().get(0).plan().decisions()) {
            if (ids(old).contains(d.id())) {
                assertTrue(d.reason().startsWith("older than the 30-day daily retention")
                        && d.reason().contains("; kept: immutable until " + t0.plus(RetentionLock.MARGIN)), d.reason());
            }
        }
        Set<String> all = ids(recent);
        all.addAll(ids(old));
        assertEquals(all, ids(store()), "nothing deleted");

        app.advance(Duration.ofHours(2));
        azure.advance(Duration.ofHours(2));
        PruneReport after = prune().run(false, Reporter.NONE);
        assertFalse(after.failed(), after.problems().toString());
        assertEquals(ids(old), new TreeSet<>(after.stores().get(0).deleted()));
        assertEquals(ids(recent), ids(store()));
        assertEquals(List.of(), after.stores().get(0).refusedByStore());
    }

    @Test
    @DisplayName("a refusal prune did not foresee (its clock ahead of Storage's) is reported for that backup; the "
            + "others are deleted, exit 0, no failure event")
    void refusalIsReportedNotFatal() {
        List<Manifest> legacy = daily(store(), 45, 50);     // made before the container had immutability
        proxy.enableVersionLevelImmutability(name);
        List<Manifest> locked = daily(store(), 0, 40);      // 40 days old: locked until t0 + 1 h

        app.advance(Duration.ofMinutes(90));                // the app believes the lock ended
        azure.advance(Duration.ofMinutes(30));              // Storage does not
        PruneReport report = prune().run(false, Reporter.NONE);
        CapturedOutput.record(report.stores().get(0).refusedByStore().toString());

        assertFalse(report.failed(), report.problems().toString());
        assertEquals(PruneEvents.COMPLETED, PruneEvents.of(report).name(), "no failure event");
        StoreOutcome s = report.stores().get(0);
        assertEquals(ids(legacy), new TreeSet<>(s.deleted()), "the unprotected old backups went");
        assertEquals(1, s.refusedByStore().size(), s.refusedByStore().toString());
        assertTrue(s.refusedByStore().get(0).startsWith("daily backup " + locked.get(1).id() + ": blob " + name
                + "/daily/" + locked.get(1).id() + ".manifest.json is immutable: Storage refused (its retention policy "
                + "has not expired); the first prune after its protection ends deletes it"), s.refusedByStore().get(0));
        assertEquals(ids(locked), ids(store()), "the refused backup is whole");
    }

    @Test
    @DisplayName("the newest backup kept past its retention (safety floor) gets its lock extended by a retention "
            + "period; a backup made before the container had immutability is locked by the next prune")
    void keptBackupsStayLocked() {
        List<Manifest> legacy = daily(store(), 3);
        proxy.enableVersionLevelImmutability(name);
        List<Manifest> old = daily(store(), 40, 41);        // locked until t0 + 1 h
        app.advance(Duration.ofHours(2));
        azure.advance(Duration.ofHours(2));
        Instant now = app.instant();

        PruneReport report = prune().run(false, Reporter.NONE);
        assertFalse(report.failed(), report.problems().toString());
        StoreOutcome s = report.stores().get(0);
        // the legacy backup is the newest (the floor): within retention, so locked to its own end
        Manifest floor = legacy.get(0);
        Instant floorUntil = floor.startedAt().plus(Duration.ofDays(30)).plus(RetentionLock.MARGIN);
        assertEquals(ids(old), new TreeSet<>(s.deleted()), "both old ones are past retention and their locks");
        assertEquals(List.of(floor.id()), s.renewed());
        assertEquals(floorUntil, s.renewals().get(0).until());
        assertEquals(Map.of("daily/" + floor.id() + ".dump", floorUntil, "daily/" + floor.id() + ".manifest.json",
                floorUntil), untils());

        // 35 days on, no backup since: the floor is past its retention and its lock; the prune extends it
        app.advance(Duration.ofDays(35));
        azure.advance(Duration.ofDays(35));
        PruneReport later = prune().run(false, Reporter.NONE);
        StoreOutcome l = later.stores().get(0);
        assertEquals(List.of(), l.deleted(), "the newest complete backup is never deleted");
        Instant extended = app.instant().plus(Duration.ofDays(30)).plus(RetentionLock.MARGIN);
        assertEquals(List.of(floor.id()), l.renewed());
        assertEquals(Map.of("daily/" + floor.id() + ".dump", extended, "daily/" + floor.id() + ".manifest.json",
                extended), untils());
        assertTrue(now.isBefore(app.instant()));
        PruneReport again = prune().run(false, Reporter.NONE);
        assertEquals(List.of(), again.stores().get(0).renewals(), "extended once, not at every prune");
    }

    @Test
    @DisplayName("a legal hold keeps an expired backup from prune (said so) until it is released; then prune deletes it")
    void legalHold() {
        proxy.enableVersionLevelImmutability(name);
        Manifest held = daily(store(), 40).get(0);
        daily(store(), 0);
        app.advance(Duration.ofHours(2));
        azure.advance(Duration.ofHours(2));

        HoldJob.Result result = new HoldJob(store()).set(held.id(), true);
        assertTrue(result.held());
        assertEquals(Tier.DAILY, result.tier());
        assertTrue(store().protections().stream().filter(p -> p.id().equals(held.backupId()))
                .allMatch(Protection::legalHold));

        PruneReport kept = prune().run(false, Reporter.NONE);
        assertFalse(kept.failed(), kept.problems().toString());
        assertEquals(List.of(), kept.stores().get(0).deleted());
        Decision d = kept.stores().get(0).plan().decisions().stream().filter(x -> x.id().equals(held.id()))
                .findFirst().orElseThrow();
        assertTrue(d.reason().contains("; kept: under legal hold (shiftsync-backup release --backup " + held.id()),
                d.reason());

        new HoldJob(store()).set(held.id(), false);
        PruneReport released = prune().run(false, Reporter.NONE);
        assertEquals(List.of(held.id()), released.stores().get(0).deleted());
    }
}
