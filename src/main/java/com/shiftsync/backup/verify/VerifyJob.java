package com.shiftsync.backup.verify;

import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.domain.Cancellation;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guide's monthly backup test, automated: get the archive and check its size and
 * SHA-256 against the manifest (a damaged or altered archive is refused before anything is
 * restored), restore it into a sandbox on DATABASE_URL's server, compare every table's row
 * count with the manifest (the dump's own snapshot, not production, which has moved on),
 * record the result next to the backup ({@link Verification}), and drop the sandbox whatever
 * happened.
 *
 * <p>A dump is SQL that whoever could write the backup store may have written, and the test
 * runs unattended on the production server. So it never runs as DATABASE_URL's user (on Azure
 * the server admin, who may create and alter roles and databases): the sandbox
 * ({@link Database#createSandbox}) is a scratch database owned by a throwaway login role of
 * the same name that may do nothing else, and pg_restore logs in as that role, without the
 * archive's owners and privileges, in one transaction whatever the size; the rows are counted
 * as that role too. Where that role cannot log in (a server that accepts no passwords), the
 * test fails; it never falls back to a stronger login.
 *
 * <p>A test that is killed (the Functions host's timeout, a crash, SIGKILL) cannot drop its
 * sandbox, a full copy of production left on the server. So each test first drops the
 * sandboxes, named as this class names them, that are older than {@link #LEFTOVER_AGE} and
 * whose database nobody is connected to; it never touches another name. An interrupt (the
 * CLI's Ctrl-C or SIGTERM) stops pg_restore at once, drops the sandbox, and records no result.
 */
public final class VerifyJob {
    /** Sandboxes (database and role) are named {@code shiftsync_verify_<yyyyMMddHHmmss>_<random>}. */
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
    private final BackupWitness witness;

    public VerifyJob(DatabaseLogin login, Database database, DumpTool dumpTool, RestoreJob restoreJob, Clock clock) {
        this(login, database, dumpTool, restoreJob, clock, BackupWitness.none());
    }

    private VerifyJob(DatabaseLogin login, Database database, DumpTool dumpTool, RestoreJob restoreJob, Clock clock,
                      BackupWitness witness) {
        this.login = login;
        this.database = database;
        this.dumpTool = dumpTool;
        this.restoreJob = restoreJob;
        this.clock = clock;
        this.witness = witness;
    }

    /**
     * This job, holding each backup it tests in one store ({@link #run(BackupStore, String, Reporter)})
     * to the audit log's record of what was committed ({@link BackupSources#witnessedBy}).
     */
    public VerifyJob witnessedBy(BackupWitness witness) {
        return new VerifyJob(login, database, dumpTool, restoreJob, clock, witness);
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
        return run(sources, backup, reporter, Cancellation.none());
    }

    /**
     * As {@link #run(BackupSources, String, Reporter)}, stopped by {@code cancel}: the sandbox
     * is dropped and no result is recorded (an interrupted test says nothing about the backup).
     */
    public Verification run(BackupSources sources, String backup, Reporter reporter, Cancellation cancel) {
        try {
            Verification result = test(sources, backup, cancel);
            VerifyEvents.verified(result, reporter);
            return result;
        } catch (RuntimeException e) {
            VerifyEvents.failed(String.join(",", sources.searched().stream().map(BackupStore::name).toList()), backup,
                    clock.instant(), e, reporter);
            throw e;
        }
    }

    private Verification test(BackupSources sources, String backup, Cancellation cancel) {
        BackupSources.Chosen chosen = sources.choose(backup, clock.instant());
        BackupStore store = chosen.store();
        Manifest manifest = chosen.manifest();
        long start = System.nanoTime();
        DatabaseUrl server = login.current();
        String scratch = scratchName();
        Leftovers leftovers = dropLeftovers(server);
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
                cancel.check("nothing was restored");
                DatabaseUrl sandbox = createSandbox(server, scratch);
                created = true;
                stage = "restore";
                long restoreStart = System.nanoTime();
                dumpTool.restoreSandboxed(restoreJob.clientFor(manifest, server), archive.file(), sandbox, cancel);
                restoreNanos = System.nanoTime() - restoreStart;
                cancel.check("nothing was compared");
                stage = "count";
                Map<String, Long> restored = database.countRows(sandbox);
                stage = "compare";
                integrity = IntegrityCheck.compare(manifest.rowCounts(), restored);
            }
            if (!integrity.passed()) {
                reason = integrity.summary();
            }
        } catch (RuntimeException e) {
            reason = ShiftSyncException.wrap(e).getMessage();
        } finally {
            if (created) {
                try {
                    database.dropSandbox(server, scratch);
                } catch (RuntimeException e) {
                    dropped = false;
                    dropError = ShiftSyncException.wrap(e).getMessage();
                }
            }
        }
        if (cancel.cancelled()) {
            String left = dropped ? "its scratch database and role were dropped"
                    : "its scratch database and role " + scratch + " could not be dropped (" + dropError
                    + "): drop them by hand";
            cancel.check("the restore test of " + manifest.id() + " stopped; " + left + "; no result was recorded");
        }
        boolean passed = reason == null && integrity != null && integrity.passed();
        Verification result = new Verification(manifest.id(), manifest.tier(), store.name(), passed, clock.instant(),
                stage, reason, integrity == null ? 0 : integrity.tablesCompared(),
                integrity == null ? List.of() : integrity.differences(),
                integrity == null ? List.of() : integrity.extraTables(), scratch, dropped, 1,
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
                    + (passed ? "passed" : "failed") + ", but the scratch database and role '" + scratch
                    + "' could not be dropped (" + dropError + "); drop them by hand", null);
        }
        return result;
    }

    /**
     * The sandbox, or a failure that says so: what the server lacks for one (DATABASE_URL's user
     * may not create roles, the server takes no password logins) is never answered by restoring
     * as DATABASE_URL's user instead.
     */
    private DatabaseUrl createSandbox(DatabaseUrl server, String scratch) {
        try {
            return database.createSandbox(server, scratch);
        } catch (ShiftSyncException e) {
            throw new ShiftSyncException(e.code(), e.getMessage() + "; the restore test runs a dump's SQL only as a "
                    + "throwaway role, never as " + server.user() + ", so nothing was restored", e.upstreamCode(), e);
        }
    }

    private record Leftovers(List<String> dropped, String problem) {
    }

    /**
     * Drops the idle sandboxes (database and role) older than {@link #LEFTOVER_AGE}. Never
     * fails the test: what it could not do is recorded, and the next test tries again.
     */
    private Leftovers dropLeftovers(DatabaseUrl server) {
        List<String> dropped = new ArrayList<>();
        List<String> inUse = new ArrayList<>();
        Instant cutoff = clock.instant().minus(LEFTOVER_AGE);
        try {
            for (String name : database.sandboxesStartingWith(server, SCRATCH_PREFIX)) {
                Matcher m = SCRATCH_NAME.matcher(name);
                if (!m.matches() || !createdAt(m.group(1)).isBefore(cutoff)) {
                    continue;
                }
                if (database.dropSandboxIfIdle(server, name)) {
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
