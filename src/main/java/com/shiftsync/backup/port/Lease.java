package com.shiftsync.backup.port;

/** A held single-flight lock; see {@link BackupStore#lock}. */
public interface Lease extends AutoCloseable {

    /** Throws if the lease was lost (a blob lease that could not be renewed), so nothing is committed without it. */
    void verifyHeld();

    @Override
    void close();
}
