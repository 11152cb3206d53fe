package com.shiftsync.backup.adapter.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * One sentence from a Resource Manager failure, with ARM's own error code and message
 * (its common shape {@code {"error": {"code", "message"}}}) and a status that says whose
 * problem it is: 400 and 409 are the caller's, everything else is ours or Azure's.
 * Never the SDK's multi-line dump or a stack trace.
 */
final class ArmErrors {
    private ArmErrors() {
    }

    static ShiftSyncException describe(String what, URI endpoint, Duration deadline, Throwable t) {
        if (t instanceof ShiftSyncException sse) {
            return sse;
        }
        Throwable root = t;
        for (int i = 0; i < 10 && root != null; i++) {
            if (root instanceof ManagementException me) {
                ManagementError error = me.getValue();
                return fromStatus(what, me.getResponse().getStatusCode(), error == null ? null : error.getCode(),
                        error == null ? firstLine(me.getMessage()) : error.getMessage());
            }
            if (root instanceof ClientAuthenticationException || root.getClass().getName().startsWith(
                    "com.azure.identity.")) {
                return new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, what + ": could not get a token for "
                        + "Resource Manager (" + firstLine(root.getMessage()) + "); check the managed identity or "
                        + "AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET");
            }
            if (root instanceof HttpResponseException hre) {
                return fromStatus(what, hre.getResponse().getStatusCode(), null, firstLine(hre.getMessage()));
            }
            if (root instanceof TimeoutException || (root instanceof IllegalStateException
                    && String.valueOf(root.getMessage()).startsWith("Timeout on blocking read"))) {
                return new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, what + ": Resource Manager at " + endpoint
                        + " did not answer within " + deadline.toSeconds() + " s");
            }
            root = root.getCause() == root ? null : root.getCause();
        }
        return new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, what + ": could not reach Resource Manager at "
                + endpoint + " (" + firstLine(String.valueOf(t.getMessage())) + ")");
    }

    /** ARM answered {@code status} with {@code code} and {@code message}. */
    static ShiftSyncException fromStatus(String what, int status, String code, String message) {
        ErrorCode ours = switch (status) {
            case 400 -> ErrorCode.BAD_INPUT;
            case 404 -> ErrorCode.NOT_FOUND;
            case 409 -> ErrorCode.CONFLICT;
            default -> ErrorCode.UPSTREAM_FAILED;
        };
        String hint = switch (status) {
            case 401, 403 -> "; give the app's identity the Contributor role on the resource group";
            case 429 -> "; Resource Manager is throttling requests, try again in a few minutes";
            default -> status >= 500 ? "; Azure had a problem, try again later" : "";
        };
        String armCode = code == null || code.isBlank() ? "HTTP" + status : code;
        String text = message == null || message.isBlank() ? "(no message)" : firstLine(message);
        if (!hint.isEmpty() && text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        return new ShiftSyncException(ours, what + ": Resource Manager answered " + status + " " + armCode + ": "
                + text + hint, armCode, null);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).trim();
        return line.length() > 500 ? line.substring(0, 497) + "..." : line;
    }
}
