package com.shiftsync.backup.audit;

import com.shiftsync.backup.access.CallerCheck;
import com.shiftsync.backup.domain.AuditRecord.AuditCaller;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.AuditLog;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a request that must leave exactly one audit record, whatever becomes of it:
 * accepted (with the operation it started), refused for bad input or a conflict, denied
 * because the caller is not signed in or not an admin, or failed. Both doors (HTTP and
 * CLI) go through here, so their records read the same. Work that an accepted request
 * queued adds one more record when it ends ({@link #outcome}).
 *
 * <p>The record is written after the decision, because only then is the outcome known. A
 * failure to write it does not undo a restore Resource Manager has already accepted; the
 * record then goes to the log as {@value #WRITE_FAILED} (which an alert can watch), so it
 * is not lost.
 */
public final class AuditTrail {
    public static final String WRITE_FAILED = "ShiftSync.Audit.WriteFailed";
    private static final Logger LOG = Logger.getLogger(AuditTrail.class.getName());

    private final AuditLog log;
    private final Clock clock;

    public AuditTrail(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /**
     * Checks the caller, runs {@code work} and records the outcome.
     *
     * @param action        what is asked, e.g. {@code restore.point-in-time}
     * @param parameters    the request as given (for the record)
     * @param who           how to establish the caller
     * @param work          the request itself, run only for a verified caller
     * @param operationIdOf the operation id in {@code work}'s result, or null
     */
    public <T> T perform(String action, Map<String, String> parameters, CallerCheck who, Function<Caller, T> work,
                         Function<T, String> operationIdOf) {
        Caller caller = identify(action, parameters, who);
        T result;
        try {
            result = work.apply(caller);
        } catch (RuntimeException e) {
            write(refusal(action, parameters, AuditCaller.of(caller), e));
            throw e;
        }
        String operationId = operationIdOf.apply(result);
        write(new AuditRecord(clock.instant(), AuditCaller.of(caller), action, parameters, AuditRecord.ACCEPTED,
                operationId, operationId == null ? "done" : "started operation " + operationId, null, null));
        return result;
    }

    /**
     * Checks the caller of a request that starts nothing (a status read); only a denial
     * is recorded.
     */
    public Caller identify(String action, Map<String, String> parameters, CallerCheck who) {
        try {
            return who.verify();
        } catch (RuntimeException e) {
            AuditCaller claimed = who.claimed().map(AuditCaller::of)
                    .orElseGet(() -> AuditCaller.anonymous("no principal"));
            write(refusal(action, parameters, claimed, e));
            throw e;
        }
    }

    /**
     * Records how queued work that an accepted request started has ended, so the audit
     * log shows both the request (accepted, by whom) and its result.
     *
     * @param action      what was done, e.g. {@code restore.from-backup.run}
     * @param parameters  what was done to what (backup id, target)
     * @param worker      the function that did it, for whom ({@link Caller#worker})
     * @param operationId the operation the request started
     * @param succeeded   whether the work succeeded
     * @param outcome     one sentence: what happened
     * @param code        the failure's code, or null
     */
    public void outcome(String action, Map<String, String> parameters, Caller worker, String operationId,
                        boolean succeeded, String outcome, String code) {
        write(new AuditRecord(clock.instant(), AuditCaller.of(worker), action, parameters,
                succeeded ? AuditRecord.SUCCEEDED : AuditRecord.FAILED, operationId, outcome, code, null));
    }

    /** The records of one UTC day, oldest first. */
    public List<AuditRecord> read(LocalDate day) {
        return log.read(day);
    }

    /** Where the records go, for messages. */
    public String describe() {
        return log.describe();
    }

    private AuditRecord refusal(String action, Map<String, String> parameters, AuditCaller caller,
                                RuntimeException e) {
        ShiftSyncException error = ShiftSyncException.wrap(e);
        String decision = switch (error.code()) {
            case UNAUTHENTICATED, FORBIDDEN -> AuditRecord.DENIED;
            case BAD_INPUT, CONFLICT, NOT_FOUND, IN_PROGRESS, PROTECTED -> AuditRecord.REFUSED;
            default -> AuditRecord.FAILED;
        };
        return new AuditRecord(clock.instant(), caller, action, parameters, decision, null, error.getMessage(),
                error.code().id(), error.upstreamCode());
    }

    /** Appends {@code record}, throwing when it cannot be stored: the caller reports that its own way. */
    public void append(AuditRecord record) {
        log.append(record);
    }

    /**
     * Appends {@code record}; one that cannot be written goes to the log whole, as
     * {@value #WRITE_FAILED}, so it is never lost silently.
     */
    public void record(AuditRecord record) {
        write(record);
    }

    private void write(AuditRecord record) {
        try {
            log.append(record);
        } catch (RuntimeException e) {
            String why = e instanceof ShiftSyncException sse ? sse.getMessage() : e.getClass().getSimpleName();
            LOG.log(Level.SEVERE, "{\"event\":\"" + WRITE_FAILED + "\",\"reason\":"
                    + com.shiftsync.backup.domain.Json.write(why) + ",\"record\":" + record.toJsonLine() + "}");
        }
    }
}
