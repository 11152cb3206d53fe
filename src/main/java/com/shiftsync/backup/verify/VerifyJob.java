package com.shiftsync.backup.verify;

import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.BackupSources;
import com.shiftsync.backup.restore.IntegrityCheck;
import com.shiftsync.backup.restore.RestoreJob;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guide's monthly backup test, automated: get the archive and check its size and
 * SHA-256 against the manifest (a damaged or altered archive is refused before anything is
 * restored), restore it into a freshly created scratch database on DATABASE_URL's server,
 * compare every table's row count with the manifest (the dump's own snapshot, not
 * production, which has moved on), record the result next to the backup
 * ({@link Verification}), and drop the scratch database whatever happened.
 *
 * <p>A test that is killed (the Functions host's timeout, a crash, SIGKILL) cannot drop its
 * scratch database, a full copy of production left on the server. So each test first drops
 * the scratch databases, named as this class names them, that are older than
 * {@link #LEFTOVER_AGE} and that nobody is connected to; it never touches another name.
 */
public final class VerifyJob {
    /** Scratch databases are named {@code shiftsync_verify_<yyyyMMddHHmmss>_<random>}. */
    public static final String SCRATCH_PREFIX = "shiftsync_verify_";
    /** Four times the Functions host's timeout (host.json): no test still running is this old. */
    public static final Duration LEFTOVER_AGE = Duration.ofHours(24);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final Pattern SCRATCH_NAME = Pattern.compile(SCRATCH_PREFIX + "(\\d{14})_[0-9a-f]{6}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseLogin login;
    private final Database database;
    private final DumpTool dumpTool;
    private final RestoreJob restoreJob;
    private final Clock clock;
    private final IntUnaryOperator jobsForSize;
    private final BackupWitness witness;

    /**
     * @param jobsForSize pg_restore's parallel jobs for an archive of the given size in MiB
     *                    (capped to int); see {@link #jobsFor(String, int)}
     */
    public VerifyJob(DatabaseLogin login, Database database, DumpTool dumpTool, RestoreJob restoreJob, Clock clock,
                     IntUnaryOperator jobsForSize) {
        this(login, database, dumpTool, restoreJob, clock, jobsForSize, BackupWitness.none());
    }

    private VerifyJob(DatabaseLogin login, Database database, DumpTool dumpTool, RestoreJob restoreJob, Clock clock,
                      IntUnaryOperator jobsForSize, BackupWitness witness) {
        this.login = login;
        this.database = database;
        this.dumpTool = dumpTool;
        this.restoreJob = restoreJob;
        this.clock = clock;
        this.jobsForSize = jobsForSize;
        this.witness = witness;
    }

    /**
     * This job, holding each backup it tests in one store ({@link #run(BackupStore, String, Reporter)})
     * to the audit log's record of what was committed ({@link BackupSources#witnessedBy}).
     */
    public VerifyJob witnessedBy(BackupWitness witness) {
        return new VerifyJob(login, database, dumpTool, restoreJob, clock, jobsForSize, witness);
    }

    /**
     * VERIFY_RESTORE_JOBS as a rule: a whole number is used as given; "auto" restores archives
     * below 64 MiB in one job (starting workers costs more than it saves) and larger ones
     * with up to four jobs, one per core.
     */
    public static IntUnaryOperator jobsFor(String setting, int cores) {
        String value = setting == null ? "auto" : setting.trim();
        if (value.equalsIgnoreCase("auto")) {
            return mib -> mib < 64 ? 1 : Math.max(1, Math.min(4, cores));
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= 32) {
                return mib -> n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ShiftSyncException.badInput("VERIFY_RESTORE_JOBS is '" + value + "'; use auto or a whole number from 1 to 32");
    }

    /**
     * Tests {@code backup} ("latest" or an id) of {@code store} and reports it. Returns the
     * recorded result, passed or not; throws only when there is nothing to test (no such
     * backup) or the result could not be recorded.
     */
    public Verification run(BackupStore store, String backup, Reporter reporter) {
        return run(BackupSources.of(store).witnessedBy(witness), backup, reporter);
    }

    /**
     * Tests {@code backup} where the store rule finds it complete ({@link BackupSources}: with
     * {@code latest}, the newest complete backup of every store searched) and reports it; the
     * result is recorded next to the backup in the store it was read from.
     */
    public Verification run(BackupSources sources, String backup, Reporter reporter) {
        try {
            Verification result = test(sources, backup);
            VerifyEvents.verified(result, reporter);
            return result;
        } catch (RuntimeException e) {
            VerifyEvents.failed(String.join(",", sources.searched().stream().map(BackupStore::name).toList()), backup,
                    clock.instant(), e, reporter);
            throw e;
        }
    }

    private Verification test(BackupSources sources, String backup) {
        BackupSources.Chosen chosen = sources.choose(backup);
        BackupStore store = chosen.store();
        Manifest manifest = chosen.manifest();
        long start = System.nanoTime();
        DatabaseUrl server = login.current();
        String scratch = scratchName();
        Leftovers leftovers = dropLeftovers(server);
        int jobs = jobsForSize.applyAsInt((int) Math.min(Integer.MAX_VALUE, manifest.sizeBytes() / (1024 * 1024)));
        String stage = "archive";
        String reason = null;
        IntegrityCheck integrity = null;
        long fetchNanos = 0;
        long restoreNanos = 0;
        boolean created = false;
        boolean dropped = true;
        String dropError = null;
        try {
            long fetchStart = System.nanoTime();
            try (RestoreJob.CheckedArchive archive = restoreJob.fetchAndCheck(store, manifest)) {
                fetchNanos = System.nanoTime() - fetchStart;
                stage = "scratch-database";
                if (database.exists(server, scratch)) {
                    throw ShiftSyncException.failed("scratch database '" + scratch + "' exists already", null);
                }
                database.create(server, scratch);
                created = true;
                stage = "restore";
                long restoreStart = System.nanoTime();
                dumpTool.restore(archive.file(), server.withDatabase(scratch), jobs);
                restoreNanos = System.nanoTime() - restoreStart;
            }
            stage = "count";
            Map<String, Long> restored = database.countRows(server.withDatabase(scratch));
            stage = "compare";
            integrity = IntegrityCheck.compare(manifest.rowCounts(), restored);
            if (!integrity.passed()) {
                reason = integrity.summary();
            }
        } catch (RuntimeException e) {
            reason = ShiftSyncException.wrap(e).getMessage();
        } finally {
            if (created) {
                try {
                    database.drop(server, scratch);
                } catch (RuntimeException e) {
                    dropped = false;
                    dropError = ShiftSyncException.wrap(e).getMessage();
                }
            }
        }
        boolean passed = reason == null && integrity != null && integrity.passed();
        Verification result = new Verification(manifest.id(), manifest.tier(), store.name(), passed, clock.instant(),
                stage, reason, integrity == null ? 0 : integrity.tablesCompared(),
                integrity == null ? List.of() : integrity.differences(),
                integrity == null ? List.of() : integrity.extraTables(), scratch, dropped, jobs,
                Duration.ofNanos(fetchNanos).toMillis(), Duration.ofNanos(restoreNanos).toMillis(),
                Duration.ofNanos(System.nanoTime() - start).toMillis(), leftovers.dropped(), leftovers.problem());
        try {
            store.putRecord(manifest.tier(), manifest.backupId(), Verification.KIND, result.toJson());
        } catch (RuntimeException e) {
            throw ShiftSyncException.failed("the restore test of " + manifest.id() + " ended ("
                    + (passed ? "passed" : "failed: " + reason) + ") but its result could not be recorded: "
                    + ShiftSyncException.wrap(e).getMessage(), e);
        }
        if (!dropped) {
            throw ShiftSyncException.failed("the restore test of " + manifest.id() + " "
                    + (passed ? "passed" : "failed") + ", but the scratch database '" + scratch
                    + "' could not be dropped (" + dropError + "); drop it by hand", null);
        }
        return result;
    }

    private record Leftovers(List<String> dropped, String problem) {
    }

    /**
     * Drops idle scratch databases older than {@link #LEFTOVER_AGE}. Never fails the test:
     * what it could not do is recorded, and the next test tries again.
     */
    private Leftovers dropLeftovers(DatabaseUrl server) {
        List<String> dropped = new ArrayList<>();
        List<String> inUse = new ArrayList<>();
        Instant cutoff = clock.instant().minus(LEFTOVER_AGE);
        try {
            for (String name : database.namesStartingWith(server, SCRATCH_PREFIX)) {
                Matcher m = SCRATCH_NAME.matcher(name);
                if (!m.matches() || !createdAt(m.group(1)).isBefore(cutoff)) {
                    continue;
                }
                if (database.dropIfIdle(server, name)) {
                    dropped.add(name);
                } else {
                    inUse.add(name);
                }
            }
        } catch (RuntimeException e) {
            return new Leftovers(dropped, "could not drop the scratch databases of earlier, interrupted tests: "
                    + ShiftSyncException.wrap(e).getMessage());
        }
        return new Leftovers(dropped, inUse.isEmpty() ? null : "scratch databases older than "
                + LEFTOVER_AGE.toHours() + " h left in place because sessions are connected to them: "
                + String.join(", ", inUse));
    }

    private static Instant createdAt(String stamp) {
        try {
            return LocalDateTime.parse(stamp, STAMP).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return Instant.MAX;
        }
    }

    private String scratchName() {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return SCRATCH_PREFIX + STAMP.format(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)) + "_"
                + HexFormat.of().formatHex(random);
    }
}
