package com.shiftsync.backup.domain;

/**
 * The one catalogue of failures: each code fixes the CLI exit code and the HTTP status,
 * so both doors report the same failure the same way.
 */
public enum ErrorCode {
    /** Bad input or configuration from the caller: CLI exit 2, HTTP 400. */
    BAD_INPUT("bad-input", 2, 400),
    /** The caller is not signed in. */
    UNAUTHENTICATED("unauthenticated", 2, 401),
    /** The caller lacks the admin role. */
    FORBIDDEN("forbidden", 2, 403),
    /** The thing asked for does not exist. */
    NOT_FOUND("not-found", 2, 404),
    /** The target exists already. */
    CONFLICT("conflict", 2, 409),
    /** A job of the same kind is running: this run did nothing. */
    IN_PROGRESS("in-progress", 1, 409),
    /** The job ran and failed: CLI exit 1, HTTP 500. */
    JOB_FAILED("job-failed", 1, 500),
    /** A service we depend on refused or failed (Resource Manager, Key Vault, Storage). */
    UPSTREAM_FAILED("upstream-failed", 1, 502),
    /**
     * The store refused to delete or change something it keeps immutable (a retention policy or
     * a legal hold): nothing failed, it goes when its protection ends.
     */
    PROTECTED("protected", 1, 409);

    private final String id;
    private final int exitCode;
    private final int httpStatus;

    ErrorCode(String id, int exitCode, int httpStatus) {
        this.id = id;
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
    }

    public String id() {
        return id;
    }

    public int exitCode() {
        return exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
