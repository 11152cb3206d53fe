package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.util.Optional;
import java.util.logging.Logger;

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

    /**
     * Every operation, newest request first (the plan's measured recovery times, the drills);
     * one that cannot be read is left out with a warning, never hiding the others.
     */
    java.util.List<Operation> list();

    /**
     * Claims the next step of operation {@code id} for this caller until the claim is closed;
     * empty when another caller (a status read, a reminder, the CLI) is taking one now. So
     * one operation takes one step at a time across instances and processes: a write is
     * never sent twice because two readers stepped at once. A claim whose holder dies lapses
     * by itself (within a minute).
     */
    Optional<Lease> claimStep(String id);

    /** Where the operations are, for messages: "Blob container operations at ...". */
    String describe();

    /**
     * Saves an update whose loss a later status read survives (it falls back to the work's
     * own state, or to the queued-work time limits): a store that cannot be written is
     * logged, not thrown, so it never hides the outcome of the work itself.
     */
    default void trySave(Operation operation) {
        try {
            save(operation);
        } catch (RuntimeException e) {
            Logger.getLogger(OperationStore.class.getName()).warning("could not update operation " + operation.id()
                    + " in " + describe() + ": " + ShiftSyncException.wrap(e).getMessage());
        }
    }
}
