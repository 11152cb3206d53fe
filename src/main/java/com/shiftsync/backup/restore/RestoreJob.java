package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.ArchiveFormat;
import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.PgClients;
import com.shiftsync.backup.domain.RolesFile;
import com.shiftsync.backup.domain.RolesScript;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Wording;
import com.shiftsync.backup.port.ArchiveCipher;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerRoles;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Restores a backup into a database: find its manifest, get the archive as a file
 * (downloaded from Blob, or the local file itself), check its size and SHA-256 against the
 * manifest before anything is restored, create the target database if it does not exist,
 * then {@code pg_restore --clean --if-exists}: over an existing database in a single
 * transaction, so a restore that fails leaves the target as it was; into a database it
 * created (nothing there to lose) with RESTORE_JOBS parallel jobs. Every restore ends with the guide's "verify data
 * integrity": the restored tables' row counts are compared with the manifest's, and the
 * result and the restore's duration are recorded next to the backup
 * ({@link RestoreCheck}, kind {@value RestoreCheck#KIND}).
 *
 * <p>Roles belong to the server, not to the dump: a restore a person asks for into another
 * server than DATABASE_URL's first creates the roles the backup needs and that server lacks,
 * from the backup's roles file (checked against the manifest like the archive; existing roles
 * are never altered), so owners and grants come back exactly as they were; where the user may
 * not create roles, it is refused unless the person chose {@code --no-owner}, which restores
 * every object as the restoring user's and leaves the owners and grants out.
 *
 * <p>A restore that created its target database (or roles) drops it again when pg_restore fails, so a
 * failed restore leaves nothing behind; one into an existing database leaves it as it was
 * (the single transaction). From the command line ({@link Target}), a target that exists and
 * holds tables is refused unless the person confirmed it, with its size and table count.
 */
public final class RestoreJob {
    private final Database database;
    private final DumpTool dumpTool;
    private final ServerRoles serverRoles;
    private final Path scratchFolder;
    private final Clock clock;
    private final ArchiveCipher cipher;
    private final BackupWitness witness;
    private final int newDatabaseJobs;

    /**
     * @param serverRoles     the target server's roles, for a restore a person asks for into another
     *                        server ({@link Target}); null for a job that never restores there
     * @param cipher          what decrypts an encrypted archive (age, with BACKUP_ENCRYPTION_IDENTITY_SECRET's identity)
     * @param witness         the audit log's records of committed backups, which a backup restored from one store
     *                        ({@link #run(BackupStore, String, DatabaseUrl, Reporter)}) is held to
     * @param newDatabaseJobs pg_restore's jobs into a database this restore created (RESTORE_JOBS); a
     *                        restore over an existing one runs in a single transaction whatever this says
     */
    public RestoreJob(Database database, DumpTool dumpTool, ServerRoles serverRoles, Path scratchFolder, Clock clock,
                      ArchiveCipher cipher, BackupWitness witness, int newDatabaseJobs) {
        this.database = database;
        this.dumpTool = dumpTool;
        this.serverRoles = serverRoles;
        this.scratchFolder = scratchFolder;
        this.clock = clock;
        this.cipher = cipher;
        this.witness = witness;
        this.newDatabaseJobs = Math.max(1, newDatabaseJobs);
    }

    /** Unencrypted archives, no witness, {@code newDatabaseJobs} pg_restore jobs into a database it creates. */
    public RestoreJob(Database database, DumpTool dumpTool, Path scratchFolder, Clock clock, int newDatabaseJobs) {
        this(database, dumpTool, null, scratchFolder, clock, ArchiveCipher.NONE, BackupWitness.none(), newDatabaseJobs);
    }

    public RestoreJob(Database database, DumpTool dumpTool, Path scratchFolder, Clock clock) {
        this(database, dumpTool, scratchFolder, clock, Runtime.getRuntime().availableProcessors());
    }

    public RestoreJob(Database database, DumpTool dumpTool, Path scratchFolder) {
        this(database, dumpTool, scratchFolder, Clock.systemUTC());
    }

    /**
     * The manifest of {@code backup} ("latest" or an id) in {@code store}: a complete backup only,
     * and for latest none dated after {@code now}.
     */
    public static Manifest find(BackupStore store, String backup, java.time.Instant now) {
        return BackupSources.of(store).choose(backup, now).manifest();
    }

    /**
     * A restore target as a person gave it on the command line.
     *
     * @param url              the target database
     * @param name             how the person gave it ("--target-url"), named in every refusal about it
     * @param passwordFrom     where the target's password comes from ("PGPASSWORD"), named when none was given
     * @param confirmOption    what confirms a restore over a database that holds tables ("--confirm")
     * @param confirmed        whether it was given
     * @param noOwnerOption    what restores without the backup's owners and grants ("--no-owner")
     * @param noOwner          whether it was given
     * @param productionServer DATABASE_URL's host:port, whose roles are never touched, or null when none is set
     */
    public record Target(DatabaseUrl url, String name, String passwordFrom, String confirmOption, boolean confirmed,
                         String noOwnerOption, boolean noOwner, String productionServer) {

        /** A target restored with the backup's owners and grants, with no production server named. */
        public Target(DatabaseUrl url, String name, String passwordFrom, String confirmOption, boolean confirmed) {
            this(url, name, passwordFrom, confirmOption, confirmed, "--no-owner", false, null);
        }

        /** Whether the target is on DATABASE_URL's own server (same host and port). */
        boolean onProduction() {
            return productionServer != null && productionServer.equalsIgnoreCase(url.host() + ":" + url.port());
        }
    }

    /**
     * What a caller learns as the restore goes: just before pg_restore starts (from then on the
     * target may change) and just after it returned (committed). The queue worker records both,
     * so a redelivery never runs pg_restore over the same database twice.
     */
    public interface Watch {
        Watch NONE = new Watch() {
        };

        /** pg_restore is about to start. Throwing here stops the restore before it changes anything. */
        default void restoring() {
        }

        /** pg_restore returned: what it restored is committed (its one transaction, or every parallel job's). */
        default void committed() {
        }
    }

    /**
     * Restores {@code backup} into {@code target}, then compares the target's row counts with
     * the manifest, records the result next to the backup and reports it. A difference does
     * not throw: the result says {@link RestoreResult#passed()} false and names the tables.
     */
    public RestoreResult run(BackupStore store, String backup, DatabaseUrl target, Reporter reporter) {
        return run(BackupSources.of(store).witnessedBy(witness), backup, target, null, Watch.NONE, reporter);
    }

    /** {@link #run(BackupStore, String, DatabaseUrl, Reporter)}, telling {@code watch} as it goes. */
    public RestoreResult run(BackupStore store, String backup, DatabaseUrl target, Watch watch, Reporter reporter) {
        return run(BackupSources.of(store).witnessedBy(witness), backup, target, null, watch, reporter);
    }

    /**
     * The integrity check alone, of a restore that committed but whose check was never made
     * (its worker was stopped): the target's rows compared with the manifest, recorded and
     * reported as a restore's are.
     */
    public RestoreResult recheck(BackupStore store, Manifest manifest, DatabaseUrl target, boolean createdDatabase,
                                 Reporter reporter) {
        RestoreResult result = checked(store, manifest, target, createdDatabase, 0, System.nanoTime(),
                planRoles(manifest, target, null).outcome());
        RestoreEvents.restored(result, reporter);
        return result;
    }

    /**
     * The command line's restore: the backup is chosen by the store rule ({@link BackupSources}),
     * and a target that holds tables needs {@link Target#confirmed()}.
     */
    public RestoreResult run(BackupSources sources, String backup, Target target, Reporter reporter) {
        return run(sources, backup, target.url(), target, Watch.NONE, reporter);
    }

    private RestoreResult run(BackupSources sources, String backup, DatabaseUrl target, Target asGiven, Watch watch,
                              Reporter reporter) {
        try {
            RestoreResult result = restore(sources, backup, target, asGiven, watch);
            RestoreEvents.restored(result, reporter);
            return result;
        } catch (RuntimeException e) {
            RestoreEvents.failed(backup, target.withoutPassword().toString(), clock.instant(), e, reporter);
            throw e;
        }
    }

    private RestoreResult restore(BackupSources sources, String backup, DatabaseUrl target, Target asGiven,
                                  Watch watch) {
        long start = System.nanoTime();
        BackupSources.Chosen chosen = sources.choose(backup, clock.instant());
        BackupStore store = chosen.store();
        Manifest manifest = chosen.manifest();
        if (asGiven != null) {
            refuseUnconfirmedOverwrite(target, asGiven, manifest);
        }
        PgClients.Client client = onTarget(asGiven, () -> clientFor(manifest, target));
        RolesPlan plan = planRoles(manifest, target, asGiven);
        boolean created = false;
        long restoreNanos;
        RolesOutcome roles = plan.outcome();
        try (CheckedArchive archive = fetchAndCheck(store, manifest)) {
            if (!plan.missing().isEmpty()) {
                // before the database: a roles file that fails creates no role, and nothing is left behind
                roles = createRoles(store, manifest, target, plan.missing());
            }
            try {
                if (!onTarget(asGiven, () -> database.exists(target, target.database()))) {
                    onTarget(asGiven, () -> {
                        database.create(target, target.database());
                        return null;
                    });
                    created = true;
                }
            } catch (RuntimeException e) {
                throw dropRoles(target, roles, e);
            }
            long restoreStart = System.nanoTime();
            try {
                watch.restoring();
                // a database this restore created has nothing to lose: parallel, and dropped again if pg_restore fails
                dumpTool.restore(client, archive.file(), target, created ? newDatabaseJobs : 1,
                        roles.ownersAndGrants());
            } catch (RuntimeException e) {
                throw dropRoles(target, roles, created ? dropCreated(target, e) : e);
            }
            restoreNanos = System.nanoTime() - restoreStart;
            watch.committed();
        }
        return checked(store, manifest, target, created, restoreNanos, start, roles);
    }

    /** The target's rows against the manifest, recorded next to the backup. */
    private RestoreResult checked(BackupStore store, Manifest manifest, DatabaseUrl target, boolean created,
                                  long restoreNanos, long start, RolesOutcome roles) {
        Map<String, Long> restored = database.countRows(target);
        IntegrityCheck integrity = IntegrityCheck.compare(manifest.rowCounts(), restored);
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        RestoreCheck check = new RestoreCheck(manifest.id(), manifest.tier(), store.name(),
                target.host() + ":" + target.port(), target.database(), created, clock.instant(), integrity.passed(),
                integrity.tablesCompared(), integrity.differences(), integrity.extraTables(),
                Duration.ofNanos(restoreNanos).toMillis(), total.toMillis(), roles);
        String recordError = null;
        try {
            store.putRecord(manifest.tier(), manifest.backupId(), RestoreCheck.KIND, check.toJson());
        } catch (RuntimeException e) {
            // the restore itself is done; the caller reports that its record is missing
            recordError = ShiftSyncException.wrap(e).getMessage();
        }
        return new RestoreResult(manifest, target.withoutPassword().toString(), created, total, check, recordError);
    }

    /**
     * The pg_restore that reads {@code manifest}'s archive and restores into {@code server}'s
     * major ({@link PgClients#forRestore}); when none here does, one sentence naming what to
     * install, before anything is fetched, created or restored.
     */
    public PgClients.Client clientFor(Manifest manifest, DatabaseUrl server) {
        return dumpTool.clients().forRestore(ArchiveFormat.of(manifest), PgClients.major(database.serverVersion(server)),
                "at " + server.host() + ":" + server.port(), manifest.id()).orElseThrow("; nothing was restored");
    }

    /**
     * What the restore does about the backup's roles, decided before anything is fetched.
     *
     * @param outcome what to report when no role is created
     * @param missing the roles to create from the roles file first (none: the file is not run)
     */
    private record RolesPlan(RolesOutcome outcome, List<String> missing) {
    }

    /**
     * The roles file is run only where a person asked for a restore into a server other than
     * DATABASE_URL's: there the roles exist and are the source of truth, and the restore test and
     * the HTTP restore (no {@link Target}) run there. Where roles are missing and the user may not
     * create them, the restore is refused before anything is fetched, naming {@code --no-owner}.
     */
    private RolesPlan planRoles(Manifest manifest, DatabaseUrl target, Target asGiven) {
        List<String> needed = manifest.roles() == null ? List.of() : manifest.roles().roles();
        String server = target.host() + ":" + target.port();
        if (asGiven == null) {
            return new RolesPlan(RolesOutcome.untouched("the roles file is not applied on DATABASE_URL's server, "
                    + "whose roles are the source of truth"), List.of());
        }
        if (asGiven.noOwner()) {
            return new RolesPlan(RolesOutcome.withoutOwners(asGiven.noOwnerOption(), target.user(), needed), List.of());
        }
        if (asGiven.onProduction()) {
            return new RolesPlan(RolesOutcome.untouched(server + " is DATABASE_URL's own server, whose roles are the "
                    + "source of truth: the roles file was not applied"), List.of());
        }
        if (manifest.roles() == null) {
            return new RolesPlan(RolesOutcome.untouched("backup " + manifest.id() + " was made before backups carried "
                    + "their roles: none was created"), List.of());
        }
        if (needed.isEmpty()) {
            return new RolesPlan(RolesOutcome.untouched("the backup needs no role of its own"), List.of());
        }
        if (serverRoles == null) {
            throw new IllegalStateException("this restore job was built without the target's roles");
        }
        ServerRoles.Facts facts = onTarget(asGiven, () -> serverRoles.look(target, needed));
        List<String> missing = needed.stream().filter(r -> !facts.existing().contains(r)).toList();
        if (missing.isEmpty()) {
            return new RolesPlan(RolesOutcome.untouched("every role the backup needs exists on " + server
                    + " already: none was created"), List.of());
        }
        if (!facts.mayCreateRoles()) {
            throw ShiftSyncException.badInput(server + " lacks role" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " that backup " + manifest.id() + " needs (owners and grantees of "
                    + "its objects), and user " + facts.user() + " may not create roles there (no CREATEROLE): add "
                    + asGiven.noOwnerOption() + " to restore every object as " + facts.user() + "'s without the "
                    + "backup's owners and grants, or restore as a user with CREATEROLE; nothing was restored");
        }
        return new RolesPlan(null, missing);
    }

    /**
     * The roles file of {@code manifest}'s backup, whose size and SHA-256 match the manifest:
     * what is read from storage may have been written by anyone, and this file is run as SQL.
     *
     * @param nothingDone what the refusal adds ("nothing was restored")
     */
    public static byte[] checkedRolesFile(BackupStore store, Manifest manifest, String nothingDone) {
        RolesFile file = manifest.roles();
        Optional<byte[]> script = store.getSideFile(manifest.tier(), manifest.backupId(), RolesScript.KIND);
        if (script.isEmpty() || !file.matches(script.get())) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the roles file " + file.file() + " of "
                    + manifest.id() + " in " + store.describe() + (script.isEmpty() ? " is missing"
                    : " does not match its manifest (" + script.get().length + " bytes, SHA-256 "
                    + Sha256.hex(script.get()) + "; expected " + file.sizeBytes() + " bytes, " + file.sha256() + ")")
                    + ": it is damaged or was altered, and " + nothingDone);
        }
        return script.get();
    }

    /** Checks the roles file against the manifest, runs it, and says what it created. */
    private RolesOutcome createRoles(BackupStore store, Manifest manifest, DatabaseUrl target, List<String> missing) {
        byte[] script = checkedRolesFile(store, manifest, "nothing was restored");
        List<String> warnings = serverRoles.apply(target, new String(script, StandardCharsets.UTF_8));
        ServerRoles.Facts after = serverRoles.look(target, missing);
        List<String> created = missing.stream().filter(after.existing()::contains).toList();
        return RolesOutcome.applied(created, created.stream().filter(after.login()::contains).toList(), warnings);
    }

    /** A restore that failed after creating roles drops them again: they own nothing, and nothing is left behind. */
    private ShiftSyncException dropRoles(DatabaseUrl target, RolesOutcome roles, RuntimeException failure) {
        ShiftSyncException e = ShiftSyncException.wrap(failure);
        if (roles == null || roles.created().isEmpty()) {
            return e;
        }
        String names = String.join(", ", roles.created());
        try {
            serverRoles.drop(target, roles.created());
            return new ShiftSyncException(e.code(), e.getMessage() + "; role" + (roles.created().size() == 1 ? " " : "s ")
                    + names + ", which this restore had created, " + (roles.created().size() == 1 ? "was" : "were")
                    + " dropped again", e.upstreamCode(), e);
        } catch (RuntimeException dropFailed) {
            return new ShiftSyncException(e.code(), e.getMessage() + "; roles " + names + ", which this restore had "
                    + "created, could not be dropped (" + ShiftSyncException.wrap(dropFailed).getMessage()
                    + "): drop them by hand", e.upstreamCode(), e);
        }
    }

    /**
     * pg_restore --clean replaces every table the backup holds: over a database that holds
     * tables, only when the person said so, told its size and table count.
     */
    private void refuseUnconfirmedOverwrite(DatabaseUrl target, Target asGiven, Manifest manifest) {
        if (asGiven.confirmed()) {
            return;
        }
        Optional<Database.Facts> facts = onTarget(asGiven, () -> database.facts(target));
        if (facts.isPresent() && !facts.get().empty()) {
            throw ShiftSyncException.badInput("database " + target.database() + " on " + target.host() + ":"
                    + target.port() + " is not empty (" + facts.get().tables() + " table"
                    + (facts.get().tables() == 1 ? "" : "s") + ", " + Wording.bytes(facts.get().sizeBytes())
                    + "): restoring " + manifest.id() + " replaces every table the backup holds with the backup's rows; "
                    + "add " + asGiven.confirmOption() + " to restore over it, or name a new database in "
                    + asGiven.name());
        }
    }

    /** A connection failure on the target names what the person gave: the URL option, the password's source. */
    private static <T> T onTarget(Target asGiven, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ShiftSyncException e) {
            String state = e.upstreamCode();
            if (asGiven == null || state == null) {
                throw e;
            }
            String fix;
            if (state.equals("08004") || state.startsWith("28")) {
                fix = "give the password of user " + asGiven.url().user() + " on " + asGiven.url().host() + " in "
                        + asGiven.passwordFrom() + " (or fix the user in " + asGiven.name() + ")";
            } else if (state.startsWith("08") || state.startsWith("3D")) {
                fix = "check the host, port and database in " + asGiven.name();
            } else {
                throw e;
            }
            throw new ShiftSyncException(e.code(), e.getMessage() + "; " + fix + "; nothing was restored", state, e);
        }
    }

    /** pg_restore failed in a database this restore created: drop it, so the failure leaves nothing behind. */
    private ShiftSyncException dropCreated(DatabaseUrl target, RuntimeException failure) {
        ShiftSyncException e = ShiftSyncException.wrap(failure);
        try {
            // from the server's maintenance database: a database cannot drop itself
            database.drop(target.withDatabase("postgres"), target.database());
            return new ShiftSyncException(e.code(), e.getMessage() + "; database " + target.database()
                    + ", which this restore had created, was dropped again", e.upstreamCode(), e);
        } catch (RuntimeException dropFailed) {
            return new ShiftSyncException(e.code(), e.getMessage() + "; database " + target.database()
                    + ", which this restore had created, could not be dropped ("
                    + ShiftSyncException.wrap(dropFailed).getMessage() + "): drop it by hand", e.upstreamCode(), e);
        }
    }

    /**
     * The archive of {@code manifest} as a local file whose size and SHA-256 match the
     * manifest; refused (nothing restored) when they do not. An encrypted archive is decrypted
     * as it is read, into a private temporary file (0600, deleted on close), and both the stored
     * bytes and the decrypted dump must match what the manifest recorded.
     */
    public CheckedArchive fetchAndCheck(BackupStore store, Manifest manifest) {
        BackupId id = manifest.backupId();
        Optional<Path> inPlace = manifest.encrypted() ? Optional.empty() : store.archiveFile(manifest.tier(), id);
        Path file;
        boolean temporary;
        MessageDigest sha = Sha256.digest();
        MessageDigest dumpSha = Sha256.digest();
        long[] storedBytes = {0};
        try {
            if (inPlace.isPresent()) {
                file = inPlace.get();
                temporary = false;
                try (InputStream in = Files.newInputStream(file);
                     OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
                    in.transferTo(out);
                }
            } else {
                Files.createDirectories(scratchFolder);
                file = Files.createTempFile(scratchFolder, "restore-" + id + "-", ".dump",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                temporary = true;
                try (InputStream stored = counted(new DigestInputStream(store.openArchive(manifest.tier(), id), sha),
                        storedBytes);
                     InputStream in = manifest.encrypted() ? cipher.decrypt(stored, manifest.encryption().recipients())
                             : stored;
                     OutputStream out = new DigestOutputStream(Files.newOutputStream(file), dumpSha)) {
                    in.transferTo(out);
                    // what decryption did not need (nothing, in a well-formed file) still counts for the SHA-256
                    stored.transferTo(OutputStream.nullOutputStream());
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read the archive of " + id + " from "
                    + store.describe() + (manifest.encrypted() ? " and decrypt it" : "") + ": " + e.getMessage(), e);
        }
        CheckedArchive archive = new CheckedArchive(file, temporary);
        try {
            long size = manifest.encrypted() ? storedBytes[0] : Files.size(file);
            String actual = Sha256.hex(sha);
            if (size != manifest.sizeBytes() || !actual.equals(manifest.sha256())) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the archive of " + id + " in " + store.describe()
                        + " does not match its manifest (" + size + " bytes, SHA-256 " + actual + "; expected "
                        + manifest.sizeBytes() + " bytes, " + manifest.sha256()
                        + "): it is damaged or was altered, and nothing was restored");
            }
            if (manifest.encrypted()) {
                long dumpSize = Files.size(file);
                String dumpActual = Sha256.hex(dumpSha);
                if (dumpSize != manifest.encryption().dumpSizeBytes()
                        || !dumpActual.equals(manifest.encryption().dumpSha256())) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the archive of " + id + " in "
                            + store.describe() + " decrypts to " + dumpSize + " bytes with SHA-256 " + dumpActual
                            + ", not the dump its manifest recorded (" + manifest.encryption().dumpSizeBytes()
                            + " bytes, " + manifest.encryption().dumpSha256() + "): nothing was restored");
                }
            }
            return archive;
        } catch (IOException | RuntimeException e) {
            archive.close();
            if (e instanceof ShiftSyncException sse) {
                throw sse;
            }
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not check the archive of " + id, e);
        }
    }

    /** {@code in}, adding every byte read to {@code count[0]}: the stored size, where the file holds the decrypted one. */
    private static InputStream counted(InputStream in, long[] count) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count[0]++;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count[0] += n;
                }
                return n;
            }
        };
    }

    /** An archive file that matched its manifest; a downloaded copy is deleted on close. */
    public record CheckedArchive(Path file, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover file in the scratch folder holds no secret beyond the backup itself
                }
            }
        }
    }
}
