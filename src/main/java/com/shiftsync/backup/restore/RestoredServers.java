package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ServerRestoreState;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.ServerAdmin;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one rule before the app writes to, restarts, connects to or deletes a server it
 * restored: the server is looked up again in Resource Manager, in the resource group the
 * settings name for that kind of restore (RESTORE_RESOURCE_GROUP, or DRILL_RESOURCE_GROUP for
 * a drill's), never the group a stored record names; it must carry the tag
 * {@value #TAG} with the id of the operation whose create made it (Resource Manager keeps
 * what the create sent; storage cannot change it); and it must not be the source server.
 * Anything else is refused with the reason, and nothing is sent to it.
 */
public final class RestoredServers {
    /** The tag on every server the app creates: the id of the operation that created it. */
    public static final String TAG = "shiftsync-operation";

    private final ServerAdmin admin;
    private final String sourceName;
    private final String restoreGroup;
    private final String drillGroup;

    /**
     * @param sourceName   POSTGRES_SERVER_NAME
     * @param restoreGroup RESTORE_RESOURCE_GROUP, or null for the source's group
     * @param drillGroup   DRILL_RESOURCE_GROUP (or its default), or null for the source's group
     */
    public RestoredServers(ServerAdmin admin, String sourceName, String restoreGroup, String drillGroup) {
        this.admin = admin;
        this.sourceName = sourceName;
        this.restoreGroup = blankToNull(restoreGroup);
        this.drillGroup = blankToNull(drillGroup);
    }

    /** Where restores of this kind go by the settings: a drill's restore into the drill group, others into the restore group. */
    public String groupFor(boolean forDrill) {
        return forDrill ? drillGroup : restoreGroup;
    }

    /** The tags a create of operation {@code operationId} sends: {@value #TAG} and {@code more}. */
    public static Map<String, String> tags(String operationId, Map<String, String> more) {
        Map<String, String> all = new java.util.LinkedHashMap<>(more);
        all.put(TAG, operationId);
        return all;
    }

    /**
     * The server {@code op} restored, as Resource Manager reports it now; empty when there is
     * no such server.
     *
     * @throws ShiftSyncException JOB_FAILED (upstream code {@code NotOurs}) when the record's group is not the
     *                            settings' one, or the server is the source or lacks the tag of {@code op}
     */
    public Optional<ServerAdmin.Server> of(Operation op) {
        ServerRestoreState s = op.state(ServerRestoreState.class);
        String group = checkGroup(op, s.resourceGroup(), s.drillId() != null);
        if (op.target() == null || op.target().equalsIgnoreCase(sourceName)) {
            throw notOurs(op, op.target() + " is the source server");
        }
        Optional<ServerAdmin.Server> server = admin.find(group, op.target());
        server.ifPresent(found -> {
            String tag = found.tags().get(TAG);
            if (!op.id().equals(tag)) {
                throw notOurs(op, "Resource Manager shows " + op.target() + " in resource group " + where(group)
                        + (tag == null ? " without the tag " + TAG : " tagged " + TAG + "=" + tag)
                        + ", so this restore did not create it");
            }
        });
        return server;
    }

    /**
     * The group the settings name for this record, checked against the group it recorded.
     *
     * @throws ShiftSyncException (NotOurs) when they differ
     */
    String checkGroup(Operation op, String recorded, boolean forDrill) {
        String expected = groupFor(forDrill);
        if (!Objects.equals(normal(recorded), normal(expected))) {
            throw notOurs(op, "the record names resource group " + where(recorded) + ", but "
                    + (forDrill ? "drill servers go to " : "restored servers go to ") + where(expected) + " ("
                    + (forDrill ? "DRILL_RESOURCE_GROUP" : "RESTORE_RESOURCE_GROUP") + ")");
        }
        return expected;
    }

    /** A refusal to act on a server: the reason, and that nothing was sent to it. */
    static ShiftSyncException notOurs(Operation op, String why) {
        return new ShiftSyncException(ErrorCode.JOB_FAILED, "operation " + op.id() + " is not acted on: " + why
                + "; nothing was sent to " + op.target(), "NotOurs", null);
    }

    public String sourceName() {
        return sourceName;
    }

    private static String where(String group) {
        return group == null ? "of the source server (POSTGRES_RESOURCE_GROUP)" : group;
    }

    private static String normal(String group) {
        return group == null || group.isBlank() ? null : group.trim().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
