package com.shiftsync.backup.restore;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.DatabaseName;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.DumpRestoreState;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.queued.QueuedWork;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Restore of a backup in Blob into a database on DATABASE_URL's server, asked for over
 * HTTP: {@link #start} checks the request in full, records the operation and puts a
 * message on {@code restore-requests}; the queue worker ({@link QueuedWork#run} with this
 * task) runs the same {@link RestoreJob} as the CLI's {@code restore} (SHA-256 first, one
 * transaction, row counts compared with the manifest and recorded).
 *
 * <p>It restores into DATABASE_URL's own server, whose roles exist and are the source of truth:
 * it never runs the backup's roles file and never creates a role (the operation's details say
 * so); a restore into another server is the command line's {@code restore --target-url}.
 *
 * <p>The rules: {@code backupId} is an id or {@code latest} (resolved now, so the worker
 * restores exactly the backup the caller was told), and must exist in Blob. The target is
 * a new database by default; an existing one needs {@value #OVERWRITE_EXISTING}, and the
 * production database itself (DATABASE_URL's) needs {@value #CONFIRM_PRODUCTION}, because
 * {@code pg_restore --clean} replaces every table the backup holds. The worker applies the
 * same rules again to what the stored operation says ({@link #checkTarget}): the record is
 * in storage, and storage is not trusted with production.
 *
 * <p>The destructive part happens at most once: the worker records "restoring" before
 * pg_restore starts and "committed" the moment it returns. A delivery after one that got
 * that far never runs pg_restore again: after "committed" it finishes the integrity check;
 * after "restoring" pg_restore may have committed and ShiftSync may have written since, so
 * it says so and leaves the database as it is.
 */
public final class FromBackupRestore implements QueuedWork.Task<RestoreMessage> {
    public static final String BACKUP_ID = "backupId";
    public static final String TARGET_DATABASE = "targetDatabase";
    /** true to restore into a database that exists (other than production). */
    public static final String OVERWRITE_EXISTING = "overwriteExisting";
    /** true to restore into the production database itself. */
    public static final String CONFIRM_PRODUCTION = "confirmProductionOverwrite";
    /** The fields a request may have. */
    public static final Set<String> FIELDS = Set.of(BACKUP_ID, TARGET_DATABASE, OVERWRITE_EXISTING, CONFIRM_PRODUCTION);
    private static final Logger LOG = Logger.getLogger(FromBackupRestore.class.getName());

    private final BackupStore store;
    private final DatabaseLogin login;
    private final Database database;
    private final RestoreJob restoreJob;
    private final QueuedWork queued;
    private final WorkQueue queue;
    private final Clock clock;

    /**
     * @param store      the Blob store the backups are in
     * @param login      DATABASE_URL with its password: the server restored into, and the production database
     * @param restoreJob the CLI's restore
     * @param queue      restore-requests
     */
    public FromBackupRestore(BackupStore store, DatabaseLogin login, Database database, RestoreJob restoreJob,
                             QueuedWork queued, WorkQueue queue, Clock clock) {
        this.store = store;
        this.login = login;
        this.database = database;
        this.restoreJob = restoreJob;
        this.queued = queued;
        this.queue = queue;
        this.clock = clock;
    }

    /**
     * A request as the caller gave it.
     *
     * @param backup                     an id or "latest"
     * @param targetDatabase             the database to restore into, or null for a new one named after the backup
     * @param overwriteExisting          {@value #OVERWRITE_EXISTING}
     * @param confirmProductionOverwrite {@value #CONFIRM_PRODUCTION}
     */
    public record Request(String backup, String targetDatabase, boolean overwriteExisting,
                          boolean confirmProductionOverwrite) {
    }

    /**
     * Checks the request, records the operation and queues the restore.
     *
     * @throws ShiftSyncException BAD_INPUT (a bad id or name, production without confirmation),
     *                            NOT_FOUND (no such backup), CONFLICT (the target exists),
     *                            UPSTREAM_FAILED (the queue could not be reached)
     */
    public Operation start(Caller caller, Request request, Reporter reporter) {
        Instant now = clock.instant();
        String backup = request.backup() == null ? "" : request.backup().trim();
        if (backup.isEmpty()) {
            throw ShiftSyncException.badInput(BACKUP_ID + " is missing: name a backup such as "
                    + "shiftsync_backup_20240115_020000 (GET /api/backups lists them), or latest");
        }
        if (!backup.equalsIgnoreCase("latest")) {
            BackupId.parse(backup);
        }
        Manifest manifest = RestoreJob.find(store, backup, now);
        DatabaseUrl server = login.current();
        String target = request.targetDatabase() == null || request.targetDatabase().isBlank()
                ? DatabaseName.restoredName(manifest.database(), now) : request.targetDatabase().trim();
        boolean isProduction = checkTarget(target, server, request.confirmProductionOverwrite(), manifest, now);
        boolean exists = isProduction || database.exists(server, target);
        if (exists && !isProduction && !request.overwriteExisting()) {
            throw new ShiftSyncException(ErrorCode.CONFLICT, "database " + target + " already exists on "
                    + where(server) + "; a restore into it replaces every table the backup holds (pg_restore "
                    + "--clean): choose a new name, or send \"" + OVERWRITE_EXISTING + "\": true to restore into it");
        }
        DumpRestoreState state = DumpRestoreState.queued(backup, request.overwriteExisting(),
                request.confirmProductionOverwrite(), manifest, where(server), !exists, isProduction);
        Operation operation = Operation.start(OperationKind.FROM_BACKUP, target, caller, now, state);
        return queued.enqueue(queue, operation, new RestoreMessage(operation.id(), manifest.id(), target).toJson(),
                this, reporter);
    }

    /**
     * The rule of a restore's target, at the door and again at the worker: the production
     * database (DATABASE_URL's) only with {@value #CONFIRM_PRODUCTION}, any other only under
     * a valid name and without it. Returns whether the target is the production database.
     */
    static boolean checkTarget(String target, DatabaseUrl server, boolean confirmProduction, Manifest manifest,
                               Instant now) {
        String production = server.database();
        boolean isProduction = target.equals(production);
        if (isProduction && !confirmProduction) {
            throw ShiftSyncException.badInput(TARGET_DATABASE + " '" + target + "' is the production database "
                    + "(DATABASE_URL's) on " + where(server) + ": the restore would replace every table the backup "
                    + "holds with the backup's rows. To do that, send \"" + CONFIRM_PRODUCTION + "\": true; to look "
                    + "at the backup first, restore into a new database such as "
                    + DatabaseName.restoredName(manifest.database(), now));
        }
        if (!isProduction) {
            DatabaseName.check(TARGET_DATABASE, target);
            if (confirmProduction) {
                throw ShiftSyncException.badInput(CONFIRM_PRODUCTION + " is true, but " + TARGET_DATABASE + " '"
                        + target + "' is not the production database (" + production + "): send it only to "
                        + "restore into " + production + " itself");
            }
        }
        return isProduction;
    }

    private static String where(DatabaseUrl server) {
        return server.host() + ":" + server.port();
    }

    @Override
    public OperationKind kind() {
        return OperationKind.FROM_BACKUP;
    }

    @Override
    public String queue() {
        return WorkQueue.RESTORE_REQUESTS;
    }

    @Override
    public String worker() {
        return "restoreFromBackupWorker";
    }

    @Override
    public String auditAction() {
        return AuditActions.RESTORE_FROM_BACKUP_RUN;
    }

    @Override
    public String queuedEvent() {
        return RestoreEvents.QUEUED;
    }

    @Override
    public String failedEvent() {
        return RestoreEvents.FAILED;
    }

    @Override
    public String nothingDone() {
        return "nothing was restored";
    }

    @Override
    public RestoreMessage parse(String text) {
        return RestoreMessage.parse(text);
    }

    @Override
    public String operationId(RestoreMessage message) {
        return message.operationId();
    }

    @Override
    public void check(RestoreMessage message, Operation op) {
        if (op.kind() != OperationKind.FROM_BACKUP || !message.targetDatabase().equals(op.target())
                || !message.backupId().equals(op.state(DumpRestoreState.class).backupId())) {
            String recorded = op.kind() == OperationKind.FROM_BACKUP ? op.state(DumpRestoreState.class).backupId()
                    : "";
            throw ShiftSyncException.badInput("the message (backup " + message.backupId() + " into "
                    + message.targetDatabase() + ") does not match operation " + op.id() + " (" + op.kind() + " "
                    + recorded + " into " + op.target() + "); nothing was restored");
        }
    }

    @Override
    public DumpRestoreState taken(Operation op, int attempt) {
        DumpRestoreState s = op.state(DumpRestoreState.class);
        // a delivery after one that reached pg_restore keeps its step: that is what says not to run it again
        DumpRestoreState.Step step = s.step() == DumpRestoreState.Step.QUEUED ? DumpRestoreState.Step.FETCHING
                : s.step();
        return s.at(step, attempt, s.restoreStartedAt(), s.committedAt(), s.result());
    }

    @Override
    public int attempts(Operation op) {
        return op.state(DumpRestoreState.class).attempts();
    }

    /**
     * Runs the restore, after the target rules again. A delivery after an interrupted one
     * first looks at how far that one got: its restore-check record, or its recorded step.
     */
    @Override
    public QueuedWork.Result run(RestoreMessage message, Operation op, int attempt, QueuedWork.Progress progress,
                                 Reporter reporter) {
        DumpRestoreState s = op.state(DumpRestoreState.class);
        DatabaseUrl server = login.current();
        if (!where(server).equals(s.targetServer())) {
            throw ShiftSyncException.badInput("operation " + op.id() + " restores into a database on "
                    + s.targetServer() + ", but DATABASE_URL now names " + where(server) + "; nothing was restored: "
                    + "send the request again");
        }
        Manifest manifest = RestoreJob.find(store, s.backupId(), clock.instant());
        boolean isProduction = checkTarget(op.target(), server, s.confirmProductionOverwrite(), manifest,
                clock.instant());
        if (isProduction != s.productionOverwrite()) {
            throw ShiftSyncException.badInput("operation " + op.id() + " does not say consistently whether "
                    + op.target() + " is the production database; nothing was restored: send the request again");
        }
        DatabaseUrl target = server.withDatabase(op.target());
        Optional<RestoreResult> earlier = attempt > 1 ? finishedEarlier(op, manifest) : Optional.empty();
        RestoreResult result;
        if (earlier.isPresent()) {
            LOG.warning("operation " + op.id() + ": an earlier delivery restored " + message.backupId()
                    + " into " + op.target() + " and was interrupted before it recorded the outcome; "
                    + "taking its integrity check instead of restoring again");
            result = earlier.get();
            RestoreEvents.restored(result, reporter);
        } else if (s.step() == DumpRestoreState.Step.COMMITTED) {
            LOG.warning("operation " + op.id() + ": an earlier delivery's pg_restore into " + op.target()
                    + " committed, and the delivery was interrupted before its integrity check; checking now "
                    + "instead of restoring again");
            result = restoreJob.recheck(store, manifest, target, s.newDatabase(), reporter);
        } else if (s.step() == DumpRestoreState.Step.RESTORING) {
            // into a new database pg_restore ran in parallel jobs: an interrupted one may have committed only some
            String partly = s.newDatabase() ? " (it was a new database restored with parallel jobs, so it may hold "
                    + "only part of the backup: drop it before sending the request again)" : "";
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "an earlier delivery started pg_restore of "
                    + manifest.id() + " into " + op.target() + " on " + s.targetServer() + " at "
                    + s.restoreStartedAt() + " and was interrupted before it could record the end: it may have "
                    + "committed, and ShiftSync may have written to " + op.target() + " since, so pg_restore --clean "
                    + "is not run over it a second time; look at " + op.target() + " (verify compares a backup's row "
                    + "counts) and send the request again if it still needs restoring" + partly);
        } else {
            if (attempt == 1 && s.newDatabase() && database.exists(server, op.target())) {
                throw new ShiftSyncException(ErrorCode.CONFLICT, "database " + op.target() + " was created on "
                        + s.targetServer() + " after this request was accepted (by another restore?), and the "
                        + "request asked for a new database; nothing was restored into it. Send the request again "
                        + "with a new name, or with \"" + OVERWRITE_EXISTING + "\": true");
            }
            if (!s.newDatabase() && !isProduction && !s.overwriteExisting()) {
                throw new ShiftSyncException(ErrorCode.CONFLICT, "database " + op.target() + " existed when the "
                        + "request was accepted, and the request did not say \"" + OVERWRITE_EXISTING + "\": "
                        + "true; nothing was restored");
            }
            DumpRestoreState[] now = {s};
            result = restoreJob.run(store, s.backupId(), target, new RestoreJob.Watch() {
                @Override
                public void restoring() {
                    now[0] = now[0].at(DumpRestoreState.Step.RESTORING, now[0].attempts(), clock.instant(), null,
                            null);
                    progress.record(now[0]);
                }

                @Override
                public void committed() {
                    now[0] = now[0].at(DumpRestoreState.Step.COMMITTED, now[0].attempts(),
                            now[0].restoreStartedAt(), clock.instant(), null);
                    try {
                        progress.record(now[0]);
                    } catch (RuntimeException e) {
                        // a redelivery then finds "restoring" and does not restore again: the safe side
                        LOG.warning("operation " + op.id() + ": could not record that pg_restore committed ("
                                + ShiftSyncException.wrap(e).getMessage() + ")");
                    }
                }
            }, reporter);
            s = now[0];
        }
        DumpRestoreState end = s.at(DumpRestoreState.Step.ENDED, s.attempts(), s.restoreStartedAt(),
                s.committedAt(), outcome(result));
        if (result.passed()) {
            return QueuedWork.Result.succeeded(end);
        }
        ShiftSyncException error = new ShiftSyncException(ErrorCode.JOB_FAILED, "the restore of "
                + result.manifest().id() + " into " + op.target() + " ran, but " + result.check().summary());
        return QueuedWork.Result.failed(end, new Operation.Failure("IntegrityCheckFailed", error.getMessage()),
                error);
    }

    @Override
    public Map<String, String> auditParameters(Operation op) {
        DumpRestoreState s = op.state(DumpRestoreState.class);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("backupId", s.backupId());
        parameters.put("targetDatabase", op.target());
        parameters.put("targetServer", s.targetServer());
        return parameters;
    }

    @Override
    public String succeededOutcome(Operation done) {
        DumpRestoreState s = done.state(DumpRestoreState.class);
        return "restored " + s.backupId() + " into " + done.target() + ": "
                + (s.result() == null ? "" : s.result().integrity());
    }

    /**
     * The record an interrupted delivery left: the backup's restore check of this very
     * target, made after the request was accepted.
     */
    private Optional<RestoreResult> finishedEarlier(Operation op, Manifest manifest) {
        String server = op.state(DumpRestoreState.class).targetServer();
        Optional<RestoreCheck> check = store.getRecord(manifest.tier(), manifest.backupId(), RestoreCheck.KIND)
                .map(RestoreCheck::read)
                .filter(c -> op.target().equals(c.targetDatabase()) && server.equals(c.targetServer())
                        && !c.checkedAt().isBefore(op.requestedAt()));
        return check.map(c -> new RestoreResult(manifest, server + "/" + op.target(), c.createdDatabase(),
                Duration.ofMillis(c.durationMs()), c, null));
    }

    /** What a finished restore adds to its operation: the integrity check and the durations. */
    private static DumpRestoreState.Result outcome(RestoreResult result) {
        RestoreCheck check = result.check();
        RolesOutcome roles = check.roles();
        return new DumpRestoreState.Result(check.summary(), check.passed(), check.tablesCompared(),
                check.differences().stream().map(TableDifference::table).toList(), result.createdDatabase(),
                check.restoreMs(), check.durationMs(), result.recordError(),
                roles == null ? List.of() : roles.created(), roles == null ? null : roles.note());
    }
}
