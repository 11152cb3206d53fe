package com.shiftsync.backup.restore;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.DatabaseName;
import com.shiftsync.backup.domain.DatabaseUrl;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
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
 * {@code pg_restore --clean} replaces every table the backup holds.
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

    private final Supplier<BackupStore> store;
    private final DatabaseLogin login;
    private final Database database;
    private final Supplier<RestoreJob> restoreJob;
    private final QueuedWork queued;
    private final Supplier<WorkQueue> queue;
    private final Clock clock;

    /**
     * @param store      the Blob store the backups are in
     * @param login      DATABASE_URL with its password: the server restored into, and the production database
     * @param restoreJob the CLI's restore, built only by the worker (it needs pg_restore)
     * @param queue      restore-requests
     */
    public FromBackupRestore(Supplier<BackupStore> store, DatabaseLogin login, Database database,
                             Supplier<RestoreJob> restoreJob, QueuedWork queued, Supplier<WorkQueue> queue,
                             Clock clock) {
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
     * @param parameters the request as given, kept in the operation
     * @throws ShiftSyncException BAD_INPUT (a bad id or name, production without confirmation),
     *                            NOT_FOUND (no such backup), CONFLICT (the target exists),
     *                            UPSTREAM_FAILED (the queue could not be reached)
     */
    public Operation start(Caller caller, Request request, Map<String, String> parameters, Reporter reporter) {
        Instant now = clock.instant();
        String backup = request.backup() == null ? "" : request.backup().trim();
        if (backup.isEmpty()) {
            throw ShiftSyncException.badInput(BACKUP_ID + " is missing: name a backup such as "
                    + "shiftsync_backup_20240115_020000 (GET /api/backups lists them), or latest");
        }
        if (!backup.equalsIgnoreCase("latest")) {
            BackupId.parse(backup);
        }
        BackupStore backups = store.get();
        WorkQueue requests = queue.get();
        Manifest manifest = RestoreJob.find(backups, backup);
        DatabaseUrl server = login.current();
        String production = server.database();
        String target = request.targetDatabase() == null || request.targetDatabase().isBlank()
                ? DatabaseName.restoredName(manifest.database(), now) : request.targetDatabase().trim();
        boolean isProduction = target.equals(production);
        String where = server.host() + ":" + server.port();
        if (isProduction && !request.confirmProductionOverwrite()) {
            throw ShiftSyncException.badInput(TARGET_DATABASE + " '" + target + "' is the production database "
                    + "(DATABASE_URL's) on " + where + ": the restore would replace every table the backup holds "
                    + "with the backup's rows. To do that, send \"" + CONFIRM_PRODUCTION + "\": true; to look at "
                    + "the backup first, restore into a new database such as "
                    + DatabaseName.restoredName(manifest.database(), now));
        }
        if (!isProduction) {
            DatabaseName.check(TARGET_DATABASE, target);
            if (request.confirmProductionOverwrite()) {
                throw ShiftSyncException.badInput(CONFIRM_PRODUCTION + " is true, but " + TARGET_DATABASE + " '"
                        + target + "' is not the production database (" + production + "): send it only to "
                        + "restore into " + production + " itself");
            }
        }
        boolean exists = isProduction || database.exists(server, target);
        if (exists && !isProduction && !request.overwriteExisting()) {
            throw new ShiftSyncException(ErrorCode.CONFLICT, "database " + target + " already exists on " + where
                    + "; a restore into it replaces every table the backup holds (pg_restore --clean): choose a "
                    + "new name, or send \"" + OVERWRITE_EXISTING + "\": true to restore into it");
        }

        Map<String, String> details = new LinkedHashMap<>();
        details.put("backupId", manifest.id());
        details.put("tier", manifest.tier().folder());
        details.put("backupStartedAt", manifest.startedAt().toString());
        details.put("backupSizeBytes", String.valueOf(manifest.sizeBytes()));
        details.put("targetServer", where);
        details.put("newDatabase", String.valueOf(!exists));
        details.put("productionOverwrite", String.valueOf(isProduction));
        Operation operation = Operation.start(OperationKind.FROM_BACKUP, target, caller, now, parameters, details);
        return queued.enqueue(requests, operation, new RestoreMessage(operation.id(), manifest.id(), target).toJson(),
                this, reporter);
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
                || !message.backupId().equals(op.details().get("backupId"))) {
            throw ShiftSyncException.badInput("the message (backup " + message.backupId() + " into "
                    + message.targetDatabase() + ") does not match operation " + op.id() + " (" + op.kind() + " "
                    + op.details().get("backupId") + " into " + op.target() + "); nothing was restored");
        }
    }

    /**
     * Runs the restore. A delivery after an interrupted one first looks for the record the
     * interrupted restore may have left, and finishes the operation from it instead of
     * restoring again.
     */
    @Override
    public QueuedWork.Result run(RestoreMessage message, Operation op, int attempt, Reporter reporter) {
        BackupStore backups = store.get();
        Optional<RestoreResult> earlier = attempt > 1 ? finishedEarlier(backups, op) : Optional.empty();
        RestoreResult result;
        if (earlier.isPresent()) {
            LOG.warning("operation " + op.id() + ": an earlier delivery restored " + message.backupId()
                    + " into " + op.target() + " and was interrupted before it recorded the outcome; "
                    + "taking its integrity check instead of restoring again");
            result = earlier.get();
            RestoreEvents.restored(result, reporter);
        } else {
            DatabaseUrl server = login.current();
            if (attempt == 1 && Boolean.parseBoolean(op.details().get("newDatabase"))
                    && database.exists(server, op.target())) {
                throw new ShiftSyncException(ErrorCode.CONFLICT, "database " + op.target() + " was created on "
                        + op.details().get("targetServer") + " after this request was accepted (by another "
                        + "restore?), and the request asked for a new database; nothing was restored into it. "
                        + "Send the request again with a new name, or with \"" + OVERWRITE_EXISTING + "\": true");
            }
            result = restoreJob.get().run(backups, message.backupId(), server.withDatabase(op.target()), reporter);
        }
        Map<String, String> details = details(result);
        if (result.passed()) {
            return QueuedWork.Result.succeeded(details);
        }
        ShiftSyncException error = new ShiftSyncException(ErrorCode.JOB_FAILED, "the restore of "
                + result.manifest().id() + " into " + op.target() + " ran, but " + result.check().summary());
        return QueuedWork.Result.failed(details, new Operation.Failure("IntegrityCheckFailed", error.getMessage()),
                error);
    }

    @Override
    public Map<String, String> auditParameters(Operation op) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("backupId", op.details().get("backupId"));
        parameters.put("targetDatabase", op.target());
        parameters.put("targetServer", op.details().get("targetServer"));
        return parameters;
    }

    @Override
    public String succeededOutcome(Operation done) {
        return "restored " + done.details().get("backupId") + " into " + done.target() + ": "
                + done.details().get("integrity");
    }

    /**
     * The record an interrupted delivery left: the backup's restore check of this very
     * target, made after the request was accepted.
     */
    private Optional<RestoreResult> finishedEarlier(BackupStore backups, Operation op) {
        Manifest manifest = RestoreJob.find(backups, op.details().get("backupId"));
        Optional<RestoreCheck> check = backups.getRecord(manifest.tier(), manifest.backupId(), RestoreCheck.KIND)
                .map(RestoreCheck::read)
                .filter(c -> op.target().equals(c.targetDatabase())
                        && String.valueOf(op.details().get("targetServer")).equals(c.targetServer())
                        && !c.checkedAt().isBefore(op.requestedAt()));
        return check.map(c -> new RestoreResult(manifest, op.details().get("targetServer") + "/" + op.target(),
                c.createdDatabase(), Duration.ofMillis(c.durationMs()), c, null));
    }

    /** What a finished restore adds to its operation: the integrity check and the durations. */
    private static Map<String, String> details(RestoreResult result) {
        RestoreCheck check = result.check();
        Map<String, String> d = new LinkedHashMap<>();
        d.put("integrity", check.summary());
        d.put("integrityPassed", String.valueOf(check.passed()));
        d.put("tablesCompared", String.valueOf(check.tablesCompared()));
        if (!check.differences().isEmpty()) {
            d.put("differingTables", String.join(", ", check.differences().stream()
                    .map(TableDifference::table).toList()));
        }
        d.put("createdDatabase", String.valueOf(result.createdDatabase()));
        RolesOutcome roles = check.roles();
        if (roles != null) {
            d.put("rolesCreated", String.join(", ", roles.created()));
            if (roles.note() != null) {
                d.put("roles", roles.note());
            }
        }
        d.put("restoreMs", String.valueOf(check.restoreMs()));
        d.put("durationMs", String.valueOf(check.durationMs()));
        if (result.recordError() != null) {
            d.put("recordError", result.recordError());
        }
        return d;
    }
}
