package com.shiftsync.backup.domain;

/**
 * A failure a person can act on: a stable code from {@link ErrorCode} and one sentence
 * that names the thing that failed. Messages pass through {@link Redaction} when built,
 * so no secret can ride along in a message from a lower layer.
 */
public class ShiftSyncException extends RuntimeException {
    private final ErrorCode code;
    private final String upstreamCode;

    public ShiftSyncException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ShiftSyncException(ErrorCode code, String message, Throwable cause) {
        this(code, message, null, cause);
    }

    public ShiftSyncException(ErrorCode code, String message, String upstreamCode, Throwable cause) {
        super(Redaction.redact(message), cause);
        this.code = code;
        this.upstreamCode = upstreamCode;
    }

    public ErrorCode code() {
        return code;
    }

    /** The code a service we called gave (for example ARM's "InvalidParameterValue"), or null. */
    public String upstreamCode() {
        return upstreamCode;
    }

    public static ShiftSyncException badInput(String message) {
        return new ShiftSyncException(ErrorCode.BAD_INPUT, message);
    }

    /**
     * {@code error} as a ShiftSyncException fit to leave the app (a Functions host prints
     * whole cause chains): a ShiftSyncException keeps its code and message, anything else
     * becomes a JOB_FAILED with a redacted message; either way the causes are replaced by
     * copies whose messages are redacted ({@link Redaction#scrub}).
     */
    public static ShiftSyncException wrap(RuntimeException error) {
        if (error instanceof ShiftSyncException sse) {
            return sse.getCause() == null ? sse : (ShiftSyncException) Redaction.scrub(sse);
        }
        ShiftSyncException wrapped = new ShiftSyncException(ErrorCode.JOB_FAILED,
                "unexpected " + error.getClass().getSimpleName() + ": " + error.getMessage(),
                Redaction.scrub(error.getCause()));
        wrapped.setStackTrace(error.getStackTrace());
        return wrapped;
    }

    public static ShiftSyncException failed(String message, Throwable cause) {
        return new ShiftSyncException(ErrorCode.JOB_FAILED, message, cause);
    }
}
