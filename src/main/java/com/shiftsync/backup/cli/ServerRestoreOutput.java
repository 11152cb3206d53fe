package com.shiftsync.backup.cli;

import com.shiftsync.backup.access.CallerCheck;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the restore commands print, and who they say is asking. */
final class ServerRestoreOutput {
    private ServerRestoreOutput() {
    }

    /** The OS user at this machine: the CLI's caller in audit records. */
    static CallerCheck osUser() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = null;
        }
        return CallerCheck.known(Caller.osUser(System.getProperty("user.name"), host));
    }

    /** stdout: the operation id (JSON: the operation); stderr: what happened and how to follow it. */
    static void started(PrintWriter out, PrintWriter err, Operation op, boolean json, String auditWhere, Instant now) {
        if (json) {
            out.println(Json.pretty(op.view(now)));
        } else {
            err.printf("%s of %s into new server %s started (Resource Manager is creating it; this takes minutes "
                            + "to hours)%n", kind(op.kind()), op.details().getOrDefault("sourceServer", "the source"),
                    op.target());
            err.printf("follow it with: shiftsync-backup restore-status %s%n", op.id());
            err.printf("audit record written to %s%n", auditWhere);
            out.println(op.id());
        }
        out.flush();
        err.flush();
    }

    /** The status; exit code 1 when the restore failed. */
    static int status(PrintWriter out, Operation op, boolean json, Instant now) {
        if (json) {
            out.println(Json.pretty(op.view(now)));
        } else {
            StringBuilder line = new StringBuilder();
            line.append("operation ").append(op.id()).append(" (").append(kind(op.kind()))
                    .append(op.kind() == OperationKind.BACKUP ? " of tier " : " into ")
                    .append(op.target()).append("): ").append(op.status().name());
            switch (op.status()) {
                case InProgress -> line.append(", ").append(Format.duration(op.elapsed(now))).append(" so far");
                case Succeeded -> {
                    line.append(" in ").append(Format.duration(op.elapsed(now)));
                    String host = op.details().get("fullyQualifiedDomainName");
                    if (host != null) {
                        line.append("; connect to ").append(host);
                    }
                    String integrity = op.details().get("integrity");
                    if (integrity != null) {
                        line.append("; ").append(integrity);
                    }
                    String backupId = op.details().get("backupId");
                    if (op.kind() == OperationKind.BACKUP && backupId != null) {
                        line.append("; backup ").append(backupId);
                    }
                }
                case Failed -> line.append(" after ").append(Format.duration(op.elapsed(now))).append(": ")
                        .append(op.error() == null ? "no reason given" : op.error().code() + ": "
                                + op.error().message());
            }
            out.println(line);
            completion(out, op, now);
        }
        out.flush();
        return op.status() == OperationStatus.Failed ? 1 : 0;
    }

    /** What the app did after Azure's part of a server restore, and the measured recovery time. */
    private static void completion(PrintWriter out, Operation op, Instant now) {
        Completion c = op.completion();
        if (c == null) {
            return;
        }
        out.printf("  completion: %s; %d firewall rule(s) and %d parameter(s) copied%n", c.stage(),
                c.firewallRulesCopied().size(), c.parametersCopied().size());
        if (c.verification() != null) {
            out.printf("  verification of %s: %s%s%n", c.verification().host(), c.verification().passed() ? "passed"
                    : "FAILED", c.verification().reason() == null ? "" : " (" + c.verification().reason() + ")");
        }
        Map<String, Object> time = op.recoveryTime(now);
        Object total = time.getOrDefault("totalSeconds", time.get("elapsedSeconds"));
        out.printf("  recovery time: %s against the %s target of %s min%s%n",
                Format.duration(java.time.Duration.ofSeconds(((Number) total).longValue())), time.get("scenario"),
                time.get("targetMinutes"), Boolean.TRUE.equals(time.get("met")) ? "" : " (OVER TARGET)");
        for (String f : c.followUps()) {
            out.printf("  to do: %s%n", f);
        }
        if (c.cutover() != null) {
            out.printf("  cut over: ShiftSync connects to %s since %s%n", c.cutover().host(),
                    Format.when(c.cutover().at()));
        }
    }

    static Map<String, String> parameters(String... pairs) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            p.put(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    private static String kind(OperationKind kind) {
        return switch (kind) {
            case POINT_IN_TIME -> "point-in-time restore";
            case GEO -> "geo-restore";
            case FROM_BACKUP -> "restore from a backup";
            case BACKUP -> "on-demand backup";
            case DRILL -> "recovery drill";
        };
    }
}
