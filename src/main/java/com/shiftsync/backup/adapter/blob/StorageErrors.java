package com.shiftsync.backup.adapter.blob;

import com.azure.core.exception.HttpResponseException;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Wording;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * {@code what} failed because of {@code cause} after {@code spent} of bounded retries: "could
     * not upload blob x: Blob Storage at 127.0.0.1:10000 could not be reached (connection
     * refused) after 4 attempts in 28 s".
     */
    public static ShiftSyncException failure(String what, Throwable cause, Duration spent) {
        return new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, what + ": " + describe(cause, spent), code(cause),
                cause);
    }

    /** "Storage answered 403 AuthorizationFailure", or the network failure in words. */
    public static String describe(Throwable t) {
        return describe(t, null);
    }

    /**
     * The failure in words, with what to do where that is clear: a refusal of the credentials
     * names the settings that hold them; a network failure says how often and how long it was
     * tried (the SDK retries {@value #TRIES} times), when {@code spent} is known.
     */
    public static String describe(Throwable t, Duration spent) {
        HttpResponseException answer = find(t, HttpResponseException.class);
        if (answer != null && answer.getResponse() != null) {
            int status = answer.getResponse().getStatusCode();
            String code = errorCode(answer);
            String said = "Storage answered " + status + (code == null ? "" : " " + code);
            if (status == 403) {
                return said + ": it refused the credentials; check the account key in AZURE_STORAGE_CONNECTION_STRING "
                        + "(the portal's Access keys), or, with AZURE_STORAGE_ACCOUNT_URL, that the identity has "
                        + "Storage Blob Data Contributor on the account";
            }
            if ("InvalidBlockList".equals(code)) {
                return said + ": Blob Storage no longer holds the blocks uploaded before it became unreachable";
            }
            return status >= 500 ? said + tried(spent) : said;
        }
        if (find(t, UnknownHostException.class) != null || find(t, UnresolvedAddressException.class) != null) {
            return "the host name of Blob Storage does not resolve (check the account in AZURE_STORAGE_CONNECTION_STRING "
                    + "or AZURE_STORAGE_ACCOUNT_URL)" + tried(spent);
        }
        ShiftSyncException ours = find(t, ShiftSyncException.class);
        if (ours != null) {
            // our own credential's sentence (the managed identity gave no token, ...)
            return ours.getMessage();
        }
        com.azure.core.exception.ClientAuthenticationException noToken =
                find(t, com.azure.core.exception.ClientAuthenticationException.class);
        if (noToken != null) {
            String why = String.valueOf(noToken.getMessage());
            int nl = why.indexOf('\n');
            return "the credential for Blob Storage could not get a token (the managed identity at IDENTITY_ENDPOINT, "
                    + "or AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET): "
                    + (nl < 0 ? why : why.substring(0, nl));
        }
        Throwable root = root(t);
        String rootMessage = String.valueOf(root.getMessage());
        ConnectException refused = find(t, ConnectException.class);
        if (refused != null || rootMessage.contains("Connection refused")) {
            Matcher address = ADDRESS.matcher(refused != null && refused.getMessage() != null
                    ? refused.getMessage() : rootMessage);
            return "Blob Storage" + (address.find() ? " at " + address.group(1) : "")
                    + " could not be reached (connection refused)" + tried(spent);
        }
        if (root instanceof IllegalArgumentException && rootMessage.contains("Illegal base64")) {
            return "the AccountKey in AZURE_STORAGE_CONNECTION_STRING is not a storage account key (it is not "
                    + "base64): copy the key again from the portal's Access keys";
        }
        if (find(t, java.util.concurrent.TimeoutException.class) != null
                || find(t, java.net.SocketTimeoutException.class) != null) {
            return "Blob Storage did not answer in time" + tried(spent);
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = msg.indexOf('\n');
        String line = nl < 0 ? msg : msg.substring(0, nl);
        if (find(t, java.io.IOException.class) != null || find(t, java.io.UncheckedIOException.class) != null) {
            // the connection broke (reset, closed early): a network failure, retried like one
            return "the connection to Blob Storage failed (" + line + ")" + tried(spent);
        }
        return line;
    }

    /** The SDK's tries per request (StorageClients' retry policy). */
    static final int TRIES = 4;
    private static final Pattern ADDRESS = Pattern.compile("/?((?:\\d{1,3}\\.){3}\\d{1,3}:\\d+|\\[[0-9a-fA-F:]+\\]:\\d+)");

    private static String tried(Duration spent) {
        return spent == null ? " after " + TRIES + " attempts"
                : " after " + TRIES + " attempts in " + Wording.duration(spent);
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
