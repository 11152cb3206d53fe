package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recovery drill's state machine: the step it is at and when it reached each, how it
 * recovers (a point-in-time restore, or a dump restored into an empty server), what it
 * started, its verdict, and the deletion of its server. The server it deletes is named
 * here, but a deletion is sent only when Resource Manager shows that server in the drill
 * group of the settings, tagged by this drill (its own restore's id, or for a dump drill its
 * own id), and not the source. A record written before drills had a method is a
 * point-in-time drill.
 *
 * @param step               where it stands
 * @param reached            each step reached, in order, with when
 * @param restorePoint       latest or fast (DRILL_RESTORE_POINT when it was started)
 * @param trigger            timer, http or cli
 * @param sourceServer       the server drilled
 * @param resourceGroup      the drill server's group when it was started (null: the source's)
 * @param restoreOperationId the restore it started, or null before it did
 * @param verdict            passed or failed, once known (the deletion still follows), else null
 * @param failure            why it failed, once known
 * @param deleteRequestedAt  when the DELETE of its server was sent, or null
 * @param pendingDeleteUrl   where Resource Manager reports that DELETE while it runs
 * @param deletedAt          when the server was gone, or null
 * @param deletion           what the deletion did, in a sentence
 * @param method             point-in-time or dump
 * @param dump               a dump drill's own state, or null for a point-in-time drill
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrillState(Step step, List<Reached> reached, String restorePoint, String trigger, String sourceServer,
                         String resourceGroup, String restoreOperationId, Step verdict, Operation.Failure failure,
                         Instant deleteRequestedAt, String pendingDeleteUrl, Instant deletedAt, String deletion,
                         Method method, DumpRestore dump)
        implements OperationState {

    /** How a drill recovers: Azure's point-in-time restore, or the newest dump restored into an empty server. */
    public enum Method {
        POINT_IN_TIME("point-in-time"), DUMP("dump");

        private final String id;

        Method(String id) {
            this.id = id;
        }

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return id;
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Method parse(String text) {
            for (Method m : values()) {
                if (m.id.equals(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown drill method '" + text + "'");
        }

        /**
         * {@code text} as a drill method, null when it is null; refused naming {@code field} (the
         * option or field it came from) otherwise.
         */
        public static Method of(String text, String field) {
            if (text == null) {
                return null;
            }
            for (Method m : values()) {
                if (m.id.equalsIgnoreCase(text.trim())) {
                    return m;
                }
            }
            throw ShiftSyncException.badInput(field + " '" + text.trim() + "' is not a drill method: use dump or "
                    + "point-in-time");
        }

        /** The other method (what an alternating drill takes after this one). */
        public Method other() {
            return this == DUMP ? POINT_IN_TIME : DUMP;
        }
    }

    /**
     * What a dump drill keeps beyond a point-in-time one: the dump it restores, where Resource
     * Manager reports the create of the empty server and a change of its admin password, the
     * copy of the source's firewall rules and parameters and the check of the restored database
     * (a restore's {@link Completion}), and what the restore did about roles. Never a password:
     * the step that restores makes a new one in memory, sets it through Resource Manager and
     * forgets it when the step ends.
     *
     * @param backupId             the newest complete dump when the drill was asked for
     * @param store                where that dump is complete: local or azure
     * @param createUrl            where Resource Manager reports the create of the empty server, or null
     * @param passwordUrl          where it reports a change of the admin password still running when its step
     *                             ended, or null
     * @param pendingWrites        the copy's writes Resource Manager accepted but had not finished
     * @param completion           the copy of rules and parameters and the check, once Azure made the server
     * @param attempts             steps in a row that could not reach the new server
     * @param rolesCreated         the roles the restore created on the new server (owners and grantees)
     * @param rolesWithoutPassword of those, the ones that can log in (and have no password)
     * @param roleWarnings         what the new server refused of the roles, one sentence each
     * @param restoreMs            pg_restore's wall time, once restored
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DumpRestore(String backupId, String store, String createUrl, String passwordUrl,
                              List<ServerRestoreState.PendingWrite> pendingWrites, Completion completion, int attempts,
                              List<String> rolesCreated, List<String> rolesWithoutPassword, List<String> roleWarnings,
                              Long restoreMs) {
        public DumpRestore {
            pendingWrites = pendingWrites == null ? List.of() : List.copyOf(pendingWrites);
            rolesCreated = rolesCreated == null ? List.of() : List.copyOf(rolesCreated);
            rolesWithoutPassword = rolesWithoutPassword == null ? List.of() : List.copyOf(rolesWithoutPassword);
            roleWarnings = roleWarnings == null ? List.of() : List.copyOf(roleWarnings);
        }

        /** The dump {@code backupId} in {@code store}, to be restored. */
        public static DumpRestore of(String backupId, String store) {
            return new DumpRestore(backupId, store, null, null, List.of(), null, 0, List.of(), List.of(), List.of(),
                    null);
        }

        /** The empty server's create was accepted; {@code trackingUrl} reports it (null: follow the server). */
        public DumpRestore createSent(String trackingUrl) {
            return new DumpRestore(backupId, store, trackingUrl, passwordUrl, pendingWrites, completion, attempts,
                    rolesCreated, rolesWithoutPassword, roleWarnings, restoreMs);
        }

        /** The copy and the check as they now stand, and the writes still pending. */
        public DumpRestore completing(Completion now, List<ServerRestoreState.PendingWrite> pending) {
            return new DumpRestore(backupId, store, createUrl, passwordUrl, pending, now, attempts, rolesCreated,
                    rolesWithoutPassword, roleWarnings, restoreMs);
        }

        /** A change of the admin password is still running at {@code trackingUrl} (null: none is). */
        public DumpRestore passwordPending(String trackingUrl) {
            return new DumpRestore(backupId, store, createUrl, trackingUrl, pendingWrites, completion, attempts,
                    rolesCreated, rolesWithoutPassword, roleWarnings, restoreMs);
        }

        /** Another step could not reach the new server. */
        public DumpRestore unreachable() {
            return new DumpRestore(backupId, store, createUrl, passwordUrl, pendingWrites, completion, attempts + 1,
                    rolesCreated, rolesWithoutPassword, roleWarnings, restoreMs);
        }

        /** The restore ran: the roles it created and what was refused, and pg_restore's wall time. */
        public DumpRestore restored(List<String> created, List<String> withoutPassword, List<String> warnings,
                                    long ms) {
            return new DumpRestore(backupId, store, createUrl, null, pendingWrites, completion, attempts, created,
                    withoutPassword, warnings, ms);
        }
    }

    /** The steps of a drill, in order; it ends passed or failed. */
    public enum Step {
        REQUESTED, RESTORING, COMPLETING, VERIFYING, DELETING, PASSED, FAILED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return StepIds.id(this);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Step parse(String text) {
            return StepIds.parse(Step.class, text, "drill step");
        }

        public boolean ended() {
            return this == PASSED || this == FAILED;
        }
    }

    /** A step reached, and when. */
    public record Reached(Step step, Instant at) {
    }

    public DrillState {
        reached = reached == null ? List.of() : List.copyOf(reached);
        method = method == null ? Method.POINT_IN_TIME : method;
    }

    /** A point-in-time drill just asked for. */
    public static DrillState requested(Instant at, String restorePoint, String trigger, String sourceServer,
                                       String resourceGroup) {
        return requested(at, restorePoint, trigger, sourceServer, resourceGroup, Method.POINT_IN_TIME, null);
    }

    /** A drill just asked for: {@code dump} the dump it restores (a dump drill), else null. */
    public static DrillState requested(Instant at, String restorePoint, String trigger, String sourceServer,
                                       String resourceGroup, Method method, DumpRestore dump) {
        return new DrillState(Step.REQUESTED, List.of(new Reached(Step.REQUESTED, at)), restorePoint, trigger,
                sourceServer, resourceGroup, null, null, null, null, null, null, null, method, dump);
    }

    /** At {@code next} since {@code at} (a step already reached keeps its first time). */
    public DrillState reach(Step next, Instant at) {
        List<Reached> all = new ArrayList<>(reached);
        if (all.stream().noneMatch(r -> r.step() == next)) {
            all.add(new Reached(next, at));
        }
        return new DrillState(next, all, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                verdict, failure, deleteRequestedAt, pendingDeleteUrl, deletedAt, deletion, method, dump);
    }

    /** When it reached {@code s}, or null. */
    public Instant reachedAt(Step s) {
        return reached.stream().filter(r -> r.step() == s).map(Reached::at).findFirst().orElse(null);
    }

    public DrillState withRestore(String operationId) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, operationId, verdict,
                failure, deleteRequestedAt, pendingDeleteUrl, deletedAt, deletion, method, dump);
    }

    /** The verdict: passed (null failure) or failed with why; the deletion still follows. */
    public DrillState judged(Operation.Failure why) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                why == null ? Step.PASSED : Step.FAILED, why, deleteRequestedAt, pendingDeleteUrl, deletedAt, deletion, method, dump);
    }

    /** The DELETE was sent at {@code at}; {@code pending} where to follow it, or null when it was done at once. */
    public DrillState deleteSent(Instant at, String pending) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                verdict, failure, at, pending, deletedAt, deletion, method, dump);
    }

    /** The deletion ended: gone at {@code gone} (null when not), with what it did in a sentence. */
    public DrillState deletionEnded(Instant gone, String sentence) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                verdict, failure, deleteRequestedAt, null, gone, sentence, method, dump);
    }

    /** A dump drill's state as it now stands. */
    public DrillState withDump(DumpRestore now) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                verdict, failure, deleteRequestedAt, pendingDeleteUrl, deletedAt, deletion, method, now);
    }

    public boolean passed() {
        return verdict == Step.PASSED;
    }

    @Override
    @JsonIgnore
    public String stepName() {
        return step.id();
    }

    @Override
    public Map<String, String> parameters(Operation op) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("method", method.id());
        if (method == Method.POINT_IN_TIME) {
            p.put("restorePoint", restorePoint);
        }
        p.put("trigger", trigger);
        return p;
    }

    @Override
    public Map<String, String> details(Operation op) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("sourceServer", sourceServer);
        ServerRestoreState.put(d, "resourceGroup", resourceGroup);
        d.put("step", step.id());
        ServerRestoreState.put(d, "restoreOperationId", restoreOperationId);
        ServerRestoreState.put(d, "backupId", dump == null ? null : dump.backupId());
        ServerRestoreState.put(d, "verdict", verdict == null ? null : verdict.id());
        ServerRestoreState.put(d, "deletion", deletion);
        return d;
    }
}
