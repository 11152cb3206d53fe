package com.shiftsync.backup.operations;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The status of every operation, whatever its kind (point-in-time and geo-restores,
 * restores from a dump, on-demand backups): read from the {@link OperationStore}, moved on
 * by the kind's {@link OperationFollower} while it runs (one step at a time: a step is taken
 * under the store's claim, so two readers never step the same operation at once), stored
 * again when it changed, and its end reported once, by the status read that saw it.
 */
public final class Operations {
    private final OperationStore store;
    private final Map<OperationKind, OperationFollower> followers;

    /**
     * The result of a status check.
     *
     * @param operation    the operation as it stands now
     * @param justFinished this check saw it finish (its outcome was reported, once)
     */
    public record StatusCheck(Operation operation, boolean justFinished) {
    }

    public Operations(OperationStore store, Map<OperationKind, OperationFollower> followers) {
        this.store = store;
        this.followers = new EnumMap<>(followers);
    }

    public OperationStore store() {
        return store;
    }

    /** The operation as it stands, moved on by its follower first when it is still running. */
    public StatusCheck status(String operationId, Reporter reporter) {
        String id = Operation.checkId(operationId);
        Operation op = store.find(id).orElseThrow(() -> new ShiftSyncException(ErrorCode.NOT_FOUND,
                "there is no restore operation " + id + " in " + store.describe()
                        + ": check the id that starting the restore returned"));
        OperationFollower follower = followers.get(op.kind());
        if (op.status().finished() || follower == null) {
            return new StatusCheck(op, false);
        }
        Optional<Lease> claim = store.claimStep(id);
        if (claim.isEmpty()) {
            // another reader is taking this operation's step right now: answer with what is stored
            return new StatusCheck(op, false);
        }
        try (Lease held = claim.get()) {
            Operation fresh = store.find(id).orElse(op);
            if (fresh.status().finished()) {
                return new StatusCheck(fresh, false);
            }
            Operation now = follower.follow(fresh, reporter);
            if (now == fresh) {
                return new StatusCheck(fresh, false);
            }
            held.verifyHeld();
            store.save(now);
            follower.changed(fresh, now, reporter);
            return new StatusCheck(now, now.status().finished());
        }
    }
}
