package com.shiftsync.backup.adapter.blob;

import com.azure.core.exception.HttpResponseException;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * One sentence from a Blob or Queue Storage failure, without the SDK's multi-line dumps,
 * and the one error every storage adapter throws for it: {@link ErrorCode#UPSTREAM_FAILED}
 * (a service we depend on failed) with Storage's own error code as the upstream code.
 */
public final class StorageErrors {
    private StorageErrors() {
    }

    /** {@code what} failed because of {@code cause}: "could not read manifest daily/x.manifest.json: ...". */
    public static ShiftSyncException failure(String what, Throwable cause) {
        return new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, what + ": " + describe(cause), code(cause), cause);
    }

    /** "Storage answered 403 AuthorizationFailure", or the network failure in words. */
    public static String describe(Throwable t) {
        HttpResponseException answer = find(t, HttpResponseException.class);
        if (answer != null && answer.getResponse() != null) {
            String code = errorCode(answer);
            return "Storage answered " + answer.getResponse().getStatusCode() + (code == null ? "" : " " + code);
        }
        if (find(t, UnknownHostException.class) != null || find(t, UnresolvedAddressException.class) != null) {
            return "its host name does not resolve";
        }
        if (find(t, ConnectException.class) != null || String.valueOf(root(t).getMessage()).contains("Connection refused")) {
            return "connection refused";
        }
        Throwable root = root(t);
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    /** Storage's error code (x-ms-error-code), or null when Storage gave none or was not reached. */
    public static String code(Throwable t) {
        HttpResponseException answer = find(t, HttpResponseException.class);
        return answer == null ? null : errorCode(answer);
    }

    /** The HTTP status Storage answered, or -1 when it was not reached. */
    public static int status(Throwable t) {
        HttpResponseException answer = find(t, HttpResponseException.class);
        return answer == null || answer.getResponse() == null ? -1 : answer.getResponse().getStatusCode();
    }

    private static String errorCode(HttpResponseException e) {
        String code = e.getResponse() == null ? null : e.getResponse().getHeaderValue("x-ms-error-code");
        return code == null || code.isBlank() ? null : code;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static Throwable root(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
