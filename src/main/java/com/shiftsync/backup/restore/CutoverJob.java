package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.ServerRestoreState;
import com.shiftsync.backup.domain.ServerTrust;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SecretWriter;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The guide's "update DNS / API endpoint" step: points ShiftSync at a restored server by
 * writing its host name into the Key Vault secret ShiftSync reads its database host from
 * (CUTOVER_SECRET_NAME). Only after the server passed its verification, only once (a second
 * cutover to the same host changes nothing and says so), never to a drill's server (the
 * drill deletes it), never into the password's secret, and only with the host name Resource
 * Manager reports for the server now, inside POSTGRES_SERVER_DOMAIN.
 */
public final class CutoverJob {
    private static final Pattern HOST = Pattern.compile(
            "^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$");

    private final OperationStore operations;
    private final SecretWriter secrets;
    private final RestoredServers servers;
    private final ServerTrust trust;
    private final String secretName;
    private final String passwordSecretName;
    private final Clock clock;

    /**
     * @param secretName         CUTOVER_SECRET_NAME, or null when it is not set
     * @param passwordSecretName DATABASE_PASSWORD_SECRET, or null: a cutover never writes that secret
     */
    public CutoverJob(OperationStore operations, SecretWriter secrets, RestoredServers servers, ServerTrust trust,
                      String secretName, String passwordSecretName, Clock clock) {
        this.operations = operations;
        this.secrets = secrets;
        this.servers = servers;
        this.trust = trust;
        this.secretName = secretName;
        this.passwordSecretName = passwordSecretName;
        this.clock = clock;
    }

    /** Points ShiftSync at the server operation {@code operationId} restored; the operation with its cutover. */
    public Operation cutover(Caller caller, String operationId, Reporter reporter) {
        String id = Operation.checkId(operationId);
        if (secretName == null || secretName.isBlank()) {
            throw ShiftSyncException.badInput("CUTOVER_SECRET_NAME is not set: set it to the Key Vault secret "
                    + "ShiftSync reads its database host from, or point ShiftSync at the new server by hand");
        }
        if (secretName.equalsIgnoreCase(passwordSecretName)) {
            throw ShiftSyncException.badInput("CUTOVER_SECRET_NAME and DATABASE_PASSWORD_SECRET both name the secret "
                    + secretName + ": a cutover writes a host name and would overwrite the database password; set "
                    + "CUTOVER_SECRET_NAME to the secret holding ShiftSync's database host");
        }
        Operation op = operations.find(id).orElseThrow(() -> new ShiftSyncException(ErrorCode.NOT_FOUND,
                "there is no restore operation " + id + " in " + operations.describe()));
        if (op.kind() != OperationKind.POINT_IN_TIME && op.kind() != OperationKind.GEO) {
            throw ShiftSyncException.badInput("operation " + id + " is a " + op.kind() + ", not a point-in-time or "
                    + "geo-restore: only a restored server can be cut over to");
        }
        ServerRestoreState s = op.state(ServerRestoreState.class);
        if (s.drillId() != null) {
            throw ShiftSyncException.badInput("operation " + id + " is the restore of recovery drill " + s.drillId()
                    + ", whose server is deleted when the drill ends: a cutover is only made to a restore of its own "
                    + "(POST /api/restores/point-in-time or geo)");
        }
        Completion c = s.completion();
        if (op.status() != OperationStatus.Succeeded || c == null || !c.verifiedGood()) {
            String where = op.status() == OperationStatus.InProgress ? "is still " + (c == null ? "being restored by "
                    + "Azure" : "being completed (" + c.stage().id() + ")") : op.status() == OperationStatus.Failed
                    ? "failed: " + op.error().message() : "was not verified: " + String.join("; ", c.followUps());
            throw new ShiftSyncException(ErrorCode.CONFLICT, "the restore of " + op.target() + " " + where
                    + "; a cutover is only made to a server that passed its verification (restore-status "
                    + id + ")");
        }
        String host = servers.of(op).map(server -> server.fullyQualifiedDomainName()).orElseThrow(() ->
                new ShiftSyncException(ErrorCode.CONFLICT, "the restored server " + op.target() + " no longer "
                        + "exists in Resource Manager: nothing to cut over to"));
        if (!trust.inDomain(host)) {
            throw new ShiftSyncException(ErrorCode.CONFLICT, "Resource Manager reports the host '" + host + "' for "
                    + op.target() + ", which is not inside " + trust.domain() + " (POSTGRES_SERVER_DOMAIN): no "
                    + "cutover was made");
        }
        if (c.cutover() != null && c.cutover().host().equals(host)) {
            return op;
        }
        Optional<String> previous = secrets.peek(secretName);
        secrets.set(secretName, host);
        Instant now = clock.instant();
        // only a host name is recorded: whatever else the secret held never reaches the operation, the event or an answer
        String previousHost = previous.filter(p -> HOST.matcher(p).matches()).orElse(null);
        Completion.Cutover done = new Completion.Cutover(secretName, secrets.describe(), previousHost, host, now,
                caller.name());
        Operation cut = op.with(now, s.completing(s.pendingWrites(), s.verifyAttempts(), c.cutOver(done)));
        operations.save(cut);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", op.id());
        f.put("target", op.target());
        f.put("secret", secretName);
        f.put("previousHost", previousHost);
        f.put("host", host);
        f.put("requestedBy", caller.name());
        reporter.event(Event.info(RestoreEvents.RECOVERY_CUT_OVER, f));
        return cut;
    }
}
