package com.shiftsync.backup.prune;

import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.RetentionPlan.Action;
import com.shiftsync.backup.domain.RetentionPolicy;
import com.shiftsync.backup.domain.RolesScript;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.ForwardingBackupStore;
import com.shiftsync.backup.testing.SimulatedBackups;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention against real stores (a folder and Azurite), with simulated backups and a fixed
 * clock. The simulated "now" is two days after the files were really written, as in life,
 * where a backup's files are as old as the backup: orphan archives' last-modified times are
 * then past the grace period, as a crashed run's would be.
 */
class PruneJobIT {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofDays(2)).plusSeconds(1800);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final RetentionPolicy LOCAL = RetentionPolicy.of(7, 30, 1, 0, 0, 0);
    static final RetentionPolicy AZURE = RetentionPolicy.of(30, 30, 1, 0, 0, 0);

    @TempDir
    Path dir;

    BackupStore store(String kind) {
        return switch (kind) {
            case "local" -> new LocalBackupStore(dir.resolve("backups-" + System.nanoTime()));
            case "azure" -> new BlobBackupStore(StorageClients.byConnectionString(Azurite.shared().connectionString())
                    .getBlobContainerClient("prune-" + Long.toHexString(System.nanoTime())));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @Test
    @DisplayName("90 days of daily and weekly backups: one prune leaves exactly 7 daily + 5 weekly locally, 30 + 5 in Blob")
    void ninetyDays() {
        String container = "prune90-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", container);
        // an audit log of the test's own: two tests' backups of the same database in one second share an id
        env.put("AUDIT_CONTAINER", container + "-audit");
        env.put("UPLOADS_CONTAINER", container + "-uploads");
        App app = new App(new Settings(env), CLOCK);
        Map<Tier, List<String>> made = new HashMap<>();
        for (BackupStore store : List.of(app.stores().local(), app.stores().azure())) {
            made = simulateDays(store, 90);
        }
        // the ids the guide's rules keep, counted by hand: daily k days + 10 h old, weekly 7j days + 9 h old
        Set<String> localExpected = new TreeSet<>();
        Set<String> azureExpected = new TreeSet<>();
        for (int k = 0; k < 90; k++) {
            String id = made.get(Tier.DAILY).get(k);
            if (k <= 6) {
                localExpected.add(id);
            }
            if (k <= 29) {
                azureExpected.add(id);
            }
        }
        for (int j = 0; j <= 4; j++) {
            localExpected.add(made.get(Tier.WEEKLY).get(j));
            azureExpected.add(made.get(Tier.WEEKLY).get(j));
        }
        assertEquals(7 + 5, localExpected.size());
        assertEquals(30 + 5, azureExpected.size());

        PruneReport report = app.backups().pruneJob().run(false, Reporter.NONE);
        assertFalse(report.failed(), report.problems().toString());
        assertEquals(localExpected, ids(app.stores().local()));
        assertEquals(azureExpected, ids(app.stores().azure()));
        for (BackupStore store : List.of(app.stores().local(), app.stores().azure())) {
            assertEquals(ids(store), archiveIds(store), "every archive of a deleted backup went with it");
        }
        assertEquals(90 + 13 - 12, report.stores().get(0).deleted().size());
        assertEquals(90 + 13 - 35, report.stores().get(1).deleted().size());
        assertTrue(report.uploads().missing(), "no uploads container: nothing to sweep");

        PruneReport again = app.backups().pruneJob().run(false, Reporter.NONE);
        assertEquals(List.of(), again.stores().get(0).deleted(), "a second prune finds nothing more to do");
        assertEquals(azureExpected, ids(app.stores().azure()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "azure"})
    @DisplayName("40 days in which every backup failed: the last good backup of each tier and the newest verified one stay")
    void fortyDaysOfFailures(String kind) throws IOException {
        BackupStore store = store(kind);
        Map<Tier, List<String>> made = simulateDays(store, 80);
        // days 0..39 made nothing (their backups failed); some left a crashed run's archive
        List<String> goodDaily = made.get(Tier.DAILY);
        List<String> goodWeekly = made.get(Tier.WEEKLY);
        for (String id : List.copyOf(ids(store))) {
            BackupId b = BackupId.parse(id);
            if (b.startedAt().isAfter(NOW.minus(Duration.ofDays(40)))) {
                Tier tier = goodDaily.contains(id) ? Tier.DAILY : Tier.WEEKLY;
                store.deleteManifest(tier, b);
                store.deleteArchive(tier, b);
            }
        }
        List<BackupId> crashed = new ArrayList<>();
        for (int k = 1; k < 40; k += 5) {
            crashed.add(SimulatedBackups.orphan(store, Tier.DAILY, NOW.minus(Duration.ofDays(k)).minusSeconds(7)));
        }
        String lastDaily = goodDaily.get(40);
        String lastWeekly = goodWeekly.stream().filter(id -> BackupId.parse(id).startedAt()
                .isBefore(NOW.minus(Duration.ofDays(40)))).findFirst().orElseThrow();
        String verified = goodDaily.get(45);
        String failedVerification = goodDaily.get(41);
        store.putRecord(Tier.DAILY, BackupId.parse(verified), "verification", "{\"passed\":true,\"differences\":[]}");
        store.putRecord(Tier.DAILY, BackupId.parse(goodDaily.get(50)), "verification", "{\"passed\":true}");
        store.putRecord(Tier.DAILY, BackupId.parse(failedVerification), "verification", "{\"passed\":false}");

        PruneReport report = new PruneJob(List.of(new PruneJob.Target(store, LOCAL)), null, Duration.ofHours(24), CLOCK)
                .run(false, Reporter.NONE);

        assertFalse(report.failed(), report.problems().toString());
        assertEquals(new TreeSet<>(Set.of(lastDaily, lastWeekly, verified)), ids(store));
        assertEquals(ids(store), archiveIds(store), "the crashed runs' archives are gone, the good ones are not");
        StoreOutcome outcome = report.stores().get(0);
        assertEquals(crashed.stream().map(BackupId::toString).collect(Collectors.toSet()),
                Set.copyOf(outcome.orphansDeleted()));
        assertEquals("newest complete daily backup (safety floor)", reason(outcome, lastDaily));
        assertEquals("newest backup that passed verification (safety floor)", reason(outcome, verified));
        for (String id : List.of(lastDaily, lastWeekly, verified)) {
            Tier tier = id.equals(lastWeekly) ? Tier.WEEKLY : Tier.DAILY;
            try (InputStream in = store.openArchive(tier, BackupId.parse(id))) {
                assertArrayEquals(SimulatedBackups.archiveBytes(BackupId.parse(id)), in.readAllBytes());
            }
        }
        assertTrue(store.getRecord(Tier.DAILY, BackupId.parse(failedVerification), "verification").isEmpty(),
                "records go with their backup");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "azure"})
    @DisplayName("a prune interrupted between manifest and archive: no listed backup ever lacks its archive; the next prune finishes")
    void interrupted(String kind) {
        BackupStore store = store(kind);
        Map<Tier, List<String>> made = simulateDays(store, 20);
        // daily ones kept 7 days (k = 0..6), the three weekly ones (0, 7 and 14 days old) 30 days
        Set<String> expected = new TreeSet<>(made.get(Tier.DAILY).subList(0, 7));
        expected.addAll(made.get(Tier.WEEKLY));
        CrashingStore crashing = new CrashingStore(store, 3);
        PruneReport first = new PruneJob(List.of(new PruneJob.Target(crashing, LOCAL)), null, Duration.ofHours(24),
                CLOCK).run(false, Reporter.NONE);

        assertTrue(first.failed());
        String error = first.errors().get(0);
        assertTrue(error.contains("stopped at backup ") && error.contains("simulated crash")
                && error.endsWith("(the next prune finishes it)"), error);
        assertTrue(crashing.checks > 5, "the invariant was checked after every delete");
        assertEquals(2, first.stores().get(0).deleted().size());
        Set<String> orphans = new TreeSet<>(archiveIds(store));
        orphans.removeAll(ids(store));
        assertEquals(1, orphans.size(), "the interrupted backup is an archive without a manifest: " + orphans);

        PruneReport second = new PruneJob(List.of(new PruneJob.Target(store, LOCAL)), null, Duration.ofHours(24), CLOCK)
                .run(false, Reporter.NONE);
        assertFalse(second.failed(), second.problems().toString());
        assertEquals(List.copyOf(orphans), second.stores().get(0).orphansDeleted());
        assertEquals(expected, ids(store));
        assertEquals(expected, archiveIds(store));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "azure"})
    @DisplayName("orphan archives go only after the grace period; an archive being written right now is never touched")
    void orphansAndGrace(String kind) throws IOException {
        BackupStore store = store(kind);
        Manifest newest = SimulatedBackups.backup(store, Tier.DAILY, NOW.minus(Duration.ofDays(1)).minusSeconds(3 * 3600));
        BackupId old = SimulatedBackups.orphan(store, Tier.DAILY, NOW.minus(Duration.ofHours(30)));
        BackupId young = SimulatedBackups.orphan(store, Tier.DAILY, NOW.minus(Duration.ofHours(20)));
        BackupId atGrace = SimulatedBackups.orphan(store, Tier.WEEKLY, NOW.minus(Duration.ofHours(24)));
        PruneJob job = new PruneJob(List.of(new PruneJob.Target(store, LOCAL)), null, Duration.ofHours(24), CLOCK);

        PruneReport dry = job.run(true, Reporter.NONE);
        PruneReport report = job.run(false, Reporter.NONE);

        assertEquals(dry.stores().get(0).orphans(), report.stores().get(0).orphans());
        assertEquals(List.of(old.toString()), report.stores().get(0).orphansDeleted());
        OrphanArchive kept = report.stores().get(0).orphans().stream().filter(o -> o.id().equals(young.toString()))
                .findFirst().orElseThrow();
        assertEquals(Action.KEEP, kept.action());
        assertEquals("archive without a manifest, started 20 h ago; within the 24 h grace period (a backup may still be "
                + "writing it)", kept.reason());
        assertEquals(new TreeSet<>(Set.of(newest.id(), young.toString(), atGrace.toString())), archiveIds(store),
                "exactly 24 h old is still within the grace period");

        // a backup running right now, against the real clock: its archive is invisible until committed, and after
        // commit (while it is being checked, before its manifest) it is younger than the grace period
        Clock real = Clock.systemUTC();
        BackupId running = BackupId.of("shiftsync", real.instant());
        BackupId oldIdFreshWrite = BackupId.of("shiftsync", real.instant().minus(Duration.ofDays(5)));
        PruneJob live = new PruneJob(List.of(new PruneJob.Target(store, LOCAL)), null, Duration.ofHours(24), real);
        byte[] data = SimulatedBackups.archiveBytes(running);
        try (ArchiveWriter w = store.createArchive(Tier.DAILY, running)) {
            w.write(data, 0, data.length);
            live.run(false, Reporter.NONE);
            w.commit();
        }
        SimulatedBackups.orphan(store, Tier.MANUAL, oldIdFreshWrite.startedAt());
        PruneReport during = live.run(false, Reporter.NONE);
        assertEquals(List.of(), during.stores().get(0).orphansDeleted(), during.stores().get(0).orphans().toString());
        try (InputStream in = store.openArchive(Tier.DAILY, running)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertTrue(archiveIds(store).containsAll(Set.of(running.toString(), oldIdFreshWrite.toString())));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "azure"})
    @DisplayName("a pruned backup's roles file goes with it, after its manifest and before its archive; an orphan's too; "
            + "a kept backup keeps its own")
    void sideFilesGoWithTheirBackup(String kind) {
        BackupStore store = store(kind);
        Manifest old = SimulatedBackups.backup(store, Tier.DAILY, NOW.minus(Duration.ofDays(10)));
        Manifest kept = SimulatedBackups.backup(store, Tier.DAILY, NOW.minus(Duration.ofDays(1)));
        BackupId orphan = SimulatedBackups.orphan(store, Tier.DAILY, NOW.minus(Duration.ofHours(30)));
        for (BackupId id : List.of(old.backupId(), kept.backupId(), orphan)) {
            store.putSideFile(Tier.DAILY, id, RolesScript.KIND, ("-- roles of " + id).getBytes());
        }
        PruneReport crashed = new PruneJob(List.of(new PruneJob.Target(new CrashingStore(store, 1), LOCAL)), null,
                Duration.ofHours(24), CLOCK).run(false, Reporter.NONE);
        assertTrue(crashed.failed());
        assertFalse(ids(store).contains(old.id()), "the manifest went first");
        assertTrue(store.getSideFile(Tier.DAILY, old.backupId(), RolesScript.KIND).isEmpty(), "then the roles file");
        assertTrue(archiveIds(store).contains(old.id()), "the archive last: a crash leaves it as an orphan");

        PruneReport report = new PruneJob(List.of(new PruneJob.Target(store, LOCAL)), null, Duration.ofHours(24), CLOCK)
                .run(false, Reporter.NONE);
        assertFalse(report.failed(), report.problems().toString());
        assertEquals(Set.of(kept.id()), archiveIds(store));
        assertTrue(store.getSideFile(Tier.DAILY, orphan, RolesScript.KIND).isEmpty());
        assertTrue(store.getSideFile(Tier.DAILY, kept.backupId(), RolesScript.KIND).isPresent());
    }

    @Test
    @DisplayName("backup --keep-days N prunes only its tier, through the same policy: the floor still holds")
    void keepDaysUsesThePolicy() {
        Map<String, String> env = Map.of("BACKUP_DIR", dir.resolve("kd").toString());
        App app = new App(new Settings(env), CLOCK);
        Map<Tier, List<String>> made = simulateDays(app.stores().local(), 40);
        PruneReport report = app.backups().localPruneJob(Tier.DAILY, 14).run(false, Reporter.NONE);
        assertFalse(report.failed());
        Set<String> left = ids(app.stores().local());
        for (int k = 0; k < 40; k++) {
            assertEquals(k <= 13, left.contains(made.get(Tier.DAILY).get(k)), "daily backup " + k + " days old");
        }
        assertTrue(left.containsAll(made.get(Tier.WEEKLY)), "weekly backups are not this run's business");
        assertEquals("daily 14-day, weekly 30-day, manual 7-day; floor 1", report.stores().get(0).plan().rules());

        Map<Tier, List<String>> ancient = simulateDays(new LocalBackupStore(dir.resolve("kd2")), 1);
        App old = new App(new Settings(Map.of("BACKUP_DIR", dir.resolve("kd2").toString())),
                Clock.offset(CLOCK, Duration.ofDays(400)));
        assertEquals(List.of(), old.backups().localPruneJob(Tier.DAILY, 1).run(false, Reporter.NONE).stores().get(0).deleted());
        assertEquals(Set.of(ancient.get(Tier.DAILY).get(0), ancient.get(Tier.WEEKLY).get(0)),
                ids(new LocalBackupStore(dir.resolve("kd2"))));
    }

    /**
     * Daily backups {@code k} days and 10 h before NOW for k = 0..days-1, weekly ones 7j days and 9 h before;
     * returns the ids, newest first, per tier.
     */
    static Map<Tier, List<String>> simulateDays(BackupStore store, int days) {
        Map<Tier, List<String>> made = new HashMap<>();
        for (int k = 0; k < days; k++) {
            made.computeIfAbsent(Tier.DAILY, t -> new ArrayList<>()).add(SimulatedBackups.backup(store, Tier.DAILY,
                    NOW.minus(Duration.ofDays(k)).minus(Duration.ofHours(10))).id());
            if (k % 7 == 0) {
                made.computeIfAbsent(Tier.WEEKLY, t -> new ArrayList<>()).add(SimulatedBackups.backup(store,
                        Tier.WEEKLY, NOW.minus(Duration.ofDays(k)).minus(Duration.ofHours(9))).id());
            }
        }
        return made;
    }

    static Set<String> ids(BackupStore store) {
        return store.list().stream().map(Manifest::id).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> archiveIds(BackupStore store) {
        return store.listArchives().stream().map(a -> a.id().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String reason(StoreOutcome outcome, String id) {
        return outcome.plan().decisions().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow().reason();
    }

    /**
     * A store that dies like a killed process at the {@code crashAt}-th archive delete, after
     * that backup's manifest is gone; after every delete it checks that every listed backup
     * still has its archive.
     */
    static final class CrashingStore extends ForwardingBackupStore {
        private final int crashAt;
        private int archiveDeletes;
        int checks;

        CrashingStore(BackupStore store, int crashAt) {
            super(store);
            this.crashAt = crashAt;
        }

        private void checkInvariant() {
            checks++;
            Set<String> archives = archiveIds(store);
            for (String id : ids(store)) {
                assertTrue(archives.contains(id), "listed backup " + id + " lacks its archive");
            }
        }

        @Override
        public void deleteManifest(Tier tier, BackupId id) {
            store.deleteManifest(tier, id);
            checkInvariant();
        }

        @Override
        public void deleteArchive(Tier tier, BackupId id) {
            if (++archiveDeletes == crashAt) {
                throw new IllegalStateException("simulated crash before deleting " + id.archiveName());
            }
            store.deleteArchive(tier, id);
            checkInvariant();
        }

        @Override
        public void deleteRecords(Tier tier, BackupId id) {
            store.deleteRecords(tier, id);
            checkInvariant();
        }
    }
}
