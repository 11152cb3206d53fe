package com.shiftsync.backup.domain;

import java.util.Map;

/**
 * What one kind of operation keeps beyond the lifecycle every kind shares: named, typed
 * fields and the step it is at, never a bag of strings. One type per kind
 * ({@link OperationKind#stateType()}); {@link Operation#read} reads a stored one strictly.
 */
public sealed interface OperationState permits ServerRestoreState, DumpRestoreState, BackupRunState, DrillState {

    /** The step it is at, as answers name it ("restoring", "verifying", ...). */
    String stepName();

    /** What the request asked for, as answers show it ("parameters"); derived, never stored. */
    Map<String, String> parameters(Operation op);

    /** What the app found and did, as answers show it ("details"); derived, never stored. */
    Map<String, String> details(Operation op);
}
