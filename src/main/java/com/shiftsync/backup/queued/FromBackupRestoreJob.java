package com.shiftsync.backup.queued;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.restore.RestoreCheck;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.restore.TableDifference;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Restore of a backup in Blob into a database on DATABASE_URL's server, asked for over
 * HTTP: {@link #start} checks the request in full, records the operation and puts a
 * message on {@code restore-requests}; {@link #run} is the queue worker, which runs the
 * same {@link RestoreJob} as the CLI's {@code restore} (SHA-256 first, one transaction,
 * row counts compared with the manifest and recorded) and records the outcome in the
 * operation.
 *
 * <p>The rules: {@code backupId} is an id or {@code latest} (resolved now, so the worker
 * restores exactly the backup the caller was told), and must exist in Blob. The target is
 * a new database by default; an existing one needs {@value #OVERWRITE_EXISTING}, and the
 * production database itself (DATABASE_URL's) needs {@value #CONFIRM_PRODUCTION}, because
 * {@code pg_restore --clean} replaces every table the backup holds.
 */
public final class FromBackupRestoreJob {
    public static final String BACKUP_ID = "backupId";
    public static final String TARGET_DATABASE = "targetDatabase";
    /** true to restore into a database that exists (other than production). */
    public static final String OVERWRITE_EXISTING = "overwriteExisting";
    /** true to restore into the production database itself. */
    public static final String CONFIRM_PRODUCTION = "confirmProductionOverwrite";
    /** The fields a request may have. */
    public static final Set<String> FIELDS = Set.of(BACKUP_ID, TARGET_DATABASE, OVERWRITE_EXISTING, CONFIRM_PRODUCTION);
    /** Tracking key: how many deliveries of the message have started the work. */
    static final String ATTEMPTS = "attempts";

    /** The name rule enforced for targets other than production: PostgreSQL's unquoted identifiers. */
    private static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_]*$");
    private static final int MAX_NAME = 63;
    private static final Set<String> SYSTEM_DATABASES = Set.of("postgres", "template0", "template1",
            "azure_maintenance", "azure_sys");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final Logger LOG = Logger.getLogger(FromBackupRestoreJob.class.getName());

    private final Supplier<BackupStore> store;
    private final DatabaseLogin login;
    private final Database database;
    private final Supplier<RestoreJob> restoreJob;
    private final OperationStore operations;
    private final Supplier<WorkQueue> queue;
    private final Clock clock;

    /**
     * @param store      the Blob store the backups are in
     * @param login      DATABASE_URL with its password: the server restored into, and the production database
     * @param restoreJob the CLI's restore, built only by the worker (it needs pg_restore)
     * @param queue      restore-requests
     */
    public FromBackupRestoreJob(Supplier<BackupStore> store, DatabaseLogin login, Database database,
                                Supplier<RestoreJob> restoreJob, OperationStore operations, Supplier<WorkQueue> queue,
                                Clock clock) {
        this.store = store;
        this.login = login;
        this.database = database;
        this.restoreJob = restoreJob;
        this.operations = operations;
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
     * What a delivery of a message came to.
     *
     * @param operation the operation as it now stands
     * @param result    the restore, when one ran (also when its row counts differ), else null
     * @param failure   why the operation failed, or null when it succeeded or was finished already
     * @param duplicate the operation had finished before this delivery: nothing was done
     */
    public record Outcome(Operation operation, RestoreResult result, ShiftSyncException failure, boolean duplicate) {
        public boolean succeeded() {
            return operation.status() == OperationStatus.Succeeded;
        }
    }

    /**
     * Checks the request, records the operation and queues the restore.
     *
     * @param parameters the request as given, kept in the operation
     * @throws ShiftSyncException BAD_INPUT (a bad id or name, production without confirmation),
     *                            NOT_FOUND (no such backup), CONFLICT (the target exists),
     *                            UPSTREAM_FAILED (the queue could not be reached)
     */
    public Operation start(Caller caller, Request request, Map<String, String> parameters) {
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
                ? defaultName(manifest.database(), now) : request.targetDatabase().trim();
        boolean isProduction = target.equals(production);
        String where = server.host() + ":" + server.port();
        if (isProduction && !request.confirmProductionOverwrite()) {
            throw ShiftSyncException.badInput(TARGET_DATABASE + " '" + target + "' is the production database "
                    + "(DATABASE_URL's) on " + where + ": the restore would replace every table the backup holds "
                    + "with the backup's rows. To do that, send \"" + CONFIRM_PRODUCTION + "\": true; to look at "
                    + "the backup first, restore into a new database such as " + defaultName(manifest.database(), now));
        }
        if (!isProduction) {
            checkName(target);
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
        return QueuedWork.enqueue(operations, requests, operation,
                new RestoreMessage(operation.id(), manifest.id(), target).toJson(), clock);
    }

    /**
     * The worker: runs the restore a message asks for, once. A message whose operation has
     * finished (a redelivery, a message that outlived its operation) does nothing. A
     * delivery after an interrupted one first looks for the record the interrupted restore
     * may have left, and finishes the operation from it instead of restoring again.
     *
     * @throws ShiftSyncException when the message is unreadable, names no operation, or
     *                            disagrees with it (nothing is restored), or the operation
     *                            cannot be updated before the restore
     */
    public Outcome run(String text) {
        RestoreMessage message = RestoreMessage.parse(text);
        Operation op = QueuedWork.recorded(operations, message.operationId(), "nothing was restored");
        if (op.kind() != OperationKind.FROM_BACKUP || !message.targetDatabase().equals(op.target())
                || !message.backupId().equals(op.details().get("backupId"))) {
            throw ShiftSyncException.badInput("the message (backup " + message.backupId() + " into "
                    + message.targetDatabase() + ") does not match operation " + op.id() + " (" + op.kind() + " "
                    + op.details().get("backupId") + " into " + op.target() + "); nothing was restored");
        }
        if (op.status().finished()) {
            return new Outcome(op, null, null, true);
        }
        int attempt = Integer.parseInt(op.tracking().getOrDefault(ATTEMPTS, "0")) + 1;
        Operation running = op.started(clock.instant(), Map.of(ATTEMPTS, String.valueOf(attempt)), Map.of());
        operations.save(running);

        BackupStore backups = store.get();
        RestoreResult result;
        try {
            Optional<RestoreResult> earlier = attempt > 1 ? finishedEarlier(backups, op) : Optional.empty();
            if (earlier.isPresent()) {
                LOG.warning("operation " + op.id() + ": an earlier delivery restored " + message.backupId()
                        + " into " + op.target() + " and was interrupted before it recorded the outcome; "
                        + "taking its integrity check instead of restoring again");
                result = earlier.get();
            } else {
                DatabaseUrl server = login.current();
                if (attempt == 1 && Boolean.parseBoolean(op.details().get("newDatabase"))
                        && database.exists(server, op.target())) {
                    throw new ShiftSyncException(ErrorCode.CONFLICT, "database " + op.target() + " was created on "
                            + op.details().get("targetServer") + " after this request was accepted (by another "
                            + "restore?), and the request asked for a new database; nothing was restored into it. "
                            + "Send the request again with a new name, or with \"" + OVERWRITE_EXISTING + "\": true");
                }
                result = restoreJob.get().run(backups, message.backupId(), server.withDatabase(op.target()));
            }
        } catch (RuntimeException e) {
            ShiftSyncException error = ShiftSyncException.wrap(e);
            Operation failed = running.failed(clock.instant(), Operation.Failure.of(error));
            operations.trySave(failed);
            return new Outcome(failed, null, error, false);
        }
        Map<String, String> details = details(result);
        if (result.passed()) {
            Operation done = running.succeeded(clock.instant(), details);
            operations.trySave(done);
            return new Outcome(done, result, null, false);
        }
        ShiftSyncException error = new ShiftSyncException(ErrorCode.JOB_FAILED, "the restore of "
                + result.manifest().id() + " into " + op.target() + " ran, but " + result.check().summary());
        Operation failed = running.failed(clock.instant(), new Operation.Failure("IntegrityCheckFailed",
                error.getMessage()), details);
        operations.trySave(failed);
        return new Outcome(failed, result, error, false);
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
        d.put("restoreMs", String.valueOf(check.restoreMs()));
        d.put("durationMs", String.valueOf(check.durationMs()));
        if (result.recordError() != null) {
            d.put("recordError", result.recordError());
        }
        return d;
    }

    /**
     * {@code name} as a database name this app will create, or a refusal that says why
     * not: PostgreSQL's rule for unquoted identifiers (lowercase letters, digits and
     * underscores, not starting with a digit), at most 63 characters, not a system database.
     */
    public static String checkName(String name) {
        if (name.length() > MAX_NAME) {
            throw ShiftSyncException.badInput(TARGET_DATABASE + " '" + name + "' is " + name.length()
                    + " characters long; PostgreSQL database names have at most " + MAX_NAME);
        }
        if (!NAME.matcher(name).matches()) {
            String lower = name.toLowerCase(Locale.ROOT);
            String hint = NAME.matcher(lower).matches() ? " (use '" + lower + "')" : "";
            throw ShiftSyncException.badInput(TARGET_DATABASE + " '" + name + "' is not a database name this app "
                    + "creates" + hint + ": use lowercase letters, digits and underscores, starting with a letter or "
                    + "underscore, e.g. shiftsync_restored, so the name works unquoted in psql and every tool");
        }
        if (SYSTEM_DATABASES.contains(name)) {
            throw ShiftSyncException.badInput(TARGET_DATABASE + " '" + name + "' is a system database of the "
                    + "server: choose another name");
        }
        return name;
    }

    /** {@code <database>_restored_<yyyyMMdd_HHmmss>}: a new database for a request that names none. */
    static String defaultName(String database, Instant now) {
        String suffix = "_restored_" + STAMP.format(LocalDateTime.ofInstant(now, ZoneOffset.UTC));
        String label = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (label.isEmpty() || Character.isDigit(label.charAt(0))) {
            label = "db_" + label;
        }
        if (label.length() + suffix.length() > MAX_NAME) {
            label = label.substring(0, MAX_NAME - suffix.length());
        }
        return label + suffix;
    }
}
