package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SecretWriter;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The guide's "update DNS / API endpoint" step: points ShiftSync at a restored server by
 * writing its host name into the Key Vault secret ShiftSync reads its database host from
 * (CUTOVER_SECRET_NAME). Only after the server passed its verification, and only once: a
 * second cutover to the same host changes nothing and says so.
 */
public final class CutoverJob {
    private final OperationStore operations;
    private final Supplier<SecretWriter> secrets;
    private final String secretName;
    private final Clock clock;

    /** @param secretName CUTOVER_SECRET_NAME, or null when it is not set */
    public CutoverJob(OperationStore operations, Supplier<SecretWriter> secrets, String secretName, Clock clock) {
        this.operations = operations;
        this.secrets = secrets;
        this.secretName = secretName;
        this.clock = clock;
    }

    /** Points ShiftSync at the server operation {@code operationId} restored; the operation with its cutover. */
    public Operation cutover(Caller caller, String operationId, Reporter reporter) {
        String id = Operation.checkId(operationId);
        if (secretName == null || secretName.isBlank()) {
            throw ShiftSyncException.badInput("CUTOVER_SECRET_NAME is not set: set it to the Key Vault secret "
                    + "ShiftSync reads its database host from, or point ShiftSync at the new server by hand");
        }
        Operation op = operations.find(id).orElseThrow(() -> new ShiftSyncException(ErrorCode.NOT_FOUND,
                "there is no restore operation " + id + " in " + operations.describe()));
        if (op.kind() != OperationKind.POINT_IN_TIME && op.kind() != OperationKind.GEO) {
            throw ShiftSyncException.badInput("operation " + id + " is a " + op.kind() + ", not a point-in-time or "
                    + "geo-restore: only a restored server can be cut over to");
        }
        Completion c = op.completion();
        if (op.status() != OperationStatus.Succeeded || c == null || !c.verifiedGood()) {
            String where = op.status() == OperationStatus.InProgress ? "is still " + (c == null ? "being restored by "
                    + "Azure" : "being completed (" + c.stage() + ")") : op.status() == OperationStatus.Failed
                    ? "failed: " + op.error().message() : "was not verified: " + String.join("; ", c.followUps());
            throw new ShiftSyncException(ErrorCode.CONFLICT, "the restore of " + op.target() + " " + where
                    + "; a cutover is only made to a server that passed its verification (restore-status "
                    + id + ")");
        }
        String host = op.details().get("fullyQualifiedDomainName");
        if (c.cutover() != null && c.cutover().host().equals(host)) {
            return op;
        }
        SecretWriter writer = secrets.get();
        Optional<String> previous = writer.peek(secretName);
        writer.set(secretName, host);
        Instant now = clock.instant();
        Completion.Cutover done = new Completion.Cutover(secretName, writer.describe(), previous.orElse(null), host,
                now, caller.name());
        Operation cut = op.withCompletion(now, c.cutOver(done));
        operations.save(cut);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", op.id());
        f.put("target", op.target());
        f.put("secret", secretName);
        f.put("previousHost", previous.orElse(null));
        f.put("host", host);
        f.put("requestedBy", caller.name());
        reporter.event(Event.info(RestoreEvents.RECOVERY_CUT_OVER, f));
        return cut;
    }
}
