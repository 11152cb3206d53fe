package com.shiftsync.backup.cli;

import com.shiftsync.backup.access.CallerCheck;
import com.shiftsync.backup.domain.Caller;
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
        }
        out.flush();
        return op.status() == OperationStatus.Failed ? 1 : 0;
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
        };
    }
}
