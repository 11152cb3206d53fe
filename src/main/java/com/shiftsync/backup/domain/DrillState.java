package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recovery drill's state machine: the step it is at and when it reached each, the restore
 * it started, its verdict, and the deletion of its server. The server it deletes is named
 * here, but a deletion is sent only when Resource Manager shows that server in the drill
 * group of the settings, tagged by this drill's own restore, and not the source.
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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrillState(Step step, List<Reached> reached, String restorePoint, String trigger, String sourceServer,
                         String resourceGroup, String restoreOperationId, Step verdict, Operation.Failure failure,
                         Instant deleteRequestedAt, String pendingDeleteUrl, Instant deletedAt, String deletion)
        implements OperationState {

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
    }

    /** A drill just asked for. */
    public static DrillState requested(Instant at, String restorePoint, String trigger, String sourceServer,
                                       String resourceGroup) {
        return new DrillState(Step.REQUESTED, List.of(new Reached(Step.REQUESTED, at)), restorePoint, trigger,
                sourceServer, resourceGroup, null, null, null, null, null, null, null);
    }

    /** At {@code next} since {@code at} (a step already reached keeps its first time). */
    public DrillState reach(Step next, Instant at) {
        List<Reached> all = new ArrayList<>(reached);
        if (all.stream().noneMatch(r -> r.step() == next)) {
            all.add(new Reached(next, at));
        }
        return new DrillState(next, all, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                verdict, failure, deleteRequestedAt, pendingDeleteUrl, deletedAt, deletion);
    }

    /** When it reached {@code s}, or null. */
    public Instant reachedAt(Step s) {
        return reached.stream().filter(r -> r.step() == s).map(Reached::at).findFirst().orElse(null);
    }

    public DrillState withRestore(String operationId) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, operationId, verdict,
                failure, deleteRequestedAt, pendingDeleteUrl, deletedAt, deletion);
    }

    /** The verdict: passed (null failure) or failed with why; the deletion still follows. */
    public DrillState judged(Operation.Failure why) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                why == null ? Step.PASSED : Step.FAILED, why, deleteRequestedAt, pendingDeleteUrl, deletedAt, deletion);
    }

    /** The DELETE was sent at {@code at}; {@code pending} where to follow it, or null when it was done at once. */
    public DrillState deleteSent(Instant at, String pending) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                verdict, failure, at, pending, deletedAt, deletion);
    }

    /** The deletion ended: gone at {@code gone} (null when not), with what it did in a sentence. */
    public DrillState deletionEnded(Instant gone, String sentence) {
        return new DrillState(step, reached, restorePoint, trigger, sourceServer, resourceGroup, restoreOperationId,
                verdict, failure, deleteRequestedAt, null, gone, sentence);
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
        p.put("restorePoint", restorePoint);
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
        ServerRestoreState.put(d, "verdict", verdict == null ? null : verdict.id());
        ServerRestoreState.put(d, "deletion", deletion);
        return d;
    }
}
