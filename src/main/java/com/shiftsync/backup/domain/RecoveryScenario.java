package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The guide's disaster-recovery scenarios, each with its targets ("RTO/RPO Targets") and the
 * ways to recover in the order the guide's recovery steps take them.
 */
public enum RecoveryScenario {
    /** "Data corruption: RTO 2 hours, RPO 0-1 hour": back to a moment before the damage. */
    CORRUPTION("corruption", Duration.ofHours(2), Duration.ofHours(1),
            List.of(RecoveryMethod.POINT_IN_TIME, RecoveryMethod.DUMP_RESTORE, RecoveryMethod.GEO_RESTORE)),
    /** "Single server failure: RTO 30 minutes, RPO 0-1 hour": a new server from Azure's backups. */
    SERVER_FAILURE("server-failure", Duration.ofMinutes(30), Duration.ofHours(1),
            List.of(RecoveryMethod.POINT_IN_TIME, RecoveryMethod.GEO_RESTORE, RecoveryMethod.DUMP_RESTORE)),
    /** "Region outage: RTO 4 hours, RPO 0-24 hours": into the paired region. */
    REGION_OUTAGE("region-outage", Duration.ofHours(4), Duration.ofHours(24),
            List.of(RecoveryMethod.GEO_RESTORE, RecoveryMethod.DUMP_RESTORE, RecoveryMethod.POINT_IN_TIME));

    private final String id;
    private final Duration rto;
    private final Duration rpo;
    private final List<RecoveryMethod> methods;

    RecoveryScenario(String id, Duration rto, Duration rpo, List<RecoveryMethod> methods) {
        this.id = id;
        this.rto = rto;
        this.rpo = rpo;
        this.methods = methods;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** The guide's recovery-time target. */
    public Duration rto() {
        return rto;
    }

    /** The guide's data-loss target: at most this much. */
    public Duration rpo() {
        return rpo;
    }

    /** Every way to recover, the guide's preferred one first. */
    public List<RecoveryMethod> methods() {
        return methods;
    }

    /** "corruption", "server-failure" or "region-outage"; refused, naming the three, otherwise. */
    public static RecoveryScenario parse(String field, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (RecoveryScenario s : values()) {
            if (s.id.equals(t)) {
                return s;
            }
        }
        throw ShiftSyncException.badInput(field + " '" + (text == null ? "" : text.trim())
                + "' is not a scenario: use corruption, server-failure or region-outage");
    }

    /** The scenario a restore serves when the request names none: what the guide uses that method for. */
    public static RecoveryScenario defaultFor(OperationKind kind, boolean chosenTime) {
        if (kind == OperationKind.GEO) {
            return REGION_OUTAGE;
        }
        return chosenTime ? CORRUPTION : SERVER_FAILURE;
    }

    @Override
    public String toString() {
        return id;
    }
}
