package com.shiftsync.backup.domain;

/**
 * Where a long-running operation stands, in Resource Manager's own words. A cancelled
 * ARM operation is reported as {@link #Failed} with the code {@code Canceled}.
 */
public enum OperationStatus {
    InProgress, Succeeded, Failed;

    public boolean finished() {
        return this != InProgress;
    }
}
