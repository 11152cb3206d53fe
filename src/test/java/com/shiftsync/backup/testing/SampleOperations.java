package com.shiftsync.backup.testing;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.DumpRestoreState;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ServerRestoreState;
import com.shiftsync.backup.domain.Tier;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/** Operations of each kind as the app records them, for tests that need one without running the job that makes it. */
public final class SampleOperations {
    public static final Caller ANA = new Caller("oid-ana", "ana@shiftsync.test", Caller.EASY_AUTH,
            Set.of("Backup.Admin"));

    private SampleOperations() {
    }

    /** A restore of a dump into {@code target}, queued at {@code at}. */
    public static Operation dumpRestore(String target, Instant at) {
        return Operation.start(OperationKind.FROM_BACKUP, target, ANA, at, new DumpRestoreState(
                DumpRestoreState.Step.QUEUED, "latest", false, false, "shiftsync_backup_20240115_020000", Tier.DAILY,
                Instant.parse("2024-01-15T02:00:00Z"), 4096, "127.0.0.1:5432", true, false, 0, null, null, null));
    }

    /** A point-in-time restore into {@code target}, just sent to Resource Manager at {@code at}. */
    public static Operation pointInTime(String target, Instant at) {
        ServerRestoreState s = new ServerRestoreState(ServerRestoreRequest.LATEST, null, null, null,
                RecoveryScenario.SERVER_FAILURE, false, null, "shiftsync-db",
                ArmFake.serverId(ArmFake.SOURCE), "canadacentral", "canadacentral", at.atOffset(ZoneOffset.UTC), null,
                null, 202, null, null, null, null, List.of(), 0, null);
        return Operation.start(OperationKind.POINT_IN_TIME, target, ANA, at, s);
    }

    /** A drill of the source at step {@code step}, requested at {@code at}, its server {@code server}. */
    public static Operation drill(String server, Instant at, DrillState.Step step) {
        return Operation.start(OperationKind.DRILL, server, ANA, at,
                DrillState.requested(at, "latest", "cli", ArmFake.SOURCE, null).reach(step, at));
    }
}
