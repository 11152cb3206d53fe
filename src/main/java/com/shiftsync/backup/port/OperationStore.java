package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.Operation;

import java.util.Optional;

/**
 * Where long-running operations are kept (a Blob container, or a local folder for the
 * CLI), one JSON document per operation, so a status request after a restart (or on
 * another instance) finds what an earlier request started.
 */
public interface OperationStore {

    /** Stores a new operation; refuses to replace an existing one of the same id. */
    void create(Operation operation);

    /** Replaces the stored operation of the same id. */
    void save(Operation operation);

    Optional<Operation> find(String id);

    /** Where the operations are, for messages: "Blob container operations at ...". */
    String describe();
}
