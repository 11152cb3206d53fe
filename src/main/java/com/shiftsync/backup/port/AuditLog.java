package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.AuditRecord;

import java.time.LocalDate;
import java.util.List;

/**
 * The audit log: append-only, one JSON line per record, one file (or append blob) per
 * UTC day. Nothing in it is ever rewritten by the app.
 */
public interface AuditLog {

    /** Appends one record; throws a ShiftSyncException when it could not be stored. */
    void append(AuditRecord record);

    /** The records of one UTC day, oldest first; empty, never null. */
    List<AuditRecord> read(LocalDate day);

    /** Where the log is, for messages: "append blobs in container audit at ...". */
    String describe();
}
