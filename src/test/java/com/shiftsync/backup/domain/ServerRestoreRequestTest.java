package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerRestoreRequestTest {

    private static String refusal(Runnable r) {
        ShiftSyncException e = assertThrows(ShiftSyncException.class, r::run);
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        return e.getMessage();
    }

    @Test
    @DisplayName("a restore time in UTC or with an offset is taken as the same instant")
    void timesWithOffsets() {
        assertEquals(OffsetDateTime.parse("2024-01-15T10:30:00Z").toInstant(),
                ServerRestoreRequest.parseTime("2024-01-15T10:30:00Z").toInstant());
        assertEquals(OffsetDateTime.parse("2024-01-15T10:30:00Z").toInstant(),
                ServerRestoreRequest.parseTime(" 2024-01-15T11:30:00+01:00 ").toInstant());
        assertEquals(OffsetDateTime.parse("2024-01-15T10:30:00.250Z").toInstant(),
                ServerRestoreRequest.parseTime("2024-01-15T10:30:00.25Z").toInstant());
    }

    @Test
    @DisplayName("a restore time without an offset is refused with the fix, not guessed")
    void noOffset() {
        String m = refusal(() -> ServerRestoreRequest.parseTime("2024-01-15T10:30:00"));
        assertTrue(m.contains("has no UTC offset") && m.contains("2024-01-15T10:30:00Z"), m);
    }

    @Test
    @DisplayName("a missing or malformed restore time is refused with an example")
    void badTimes() {
        assertTrue(refusal(() -> ServerRestoreRequest.parseTime(null)).contains("restorePointInTime is missing"));
        assertTrue(refusal(() -> ServerRestoreRequest.parseTime("yesterday")).contains("is not an ISO-8601 time"));
        assertTrue(refusal(() -> ServerRestoreRequest.parseTime("2024-13-01T00:00:00Z"))
                .contains("is not an ISO-8601 time"));
    }

    @Test
    @DisplayName("server names follow Azure's rules: 3 to 63 letters, digits, single inner hyphens, lower case")
    void serverNames() {
        assertEquals("shiftsync-db-pitr", new ServerName(" shiftsync-db-pitr ").value());
        assertEquals("a1b", new ServerName("a1b").value());
        assertEquals("x".repeat(63), new ServerName("x".repeat(63)).value());
        assertTrue(refusal(() -> new ServerName("ab")).contains("is 2 characters long; Azure needs 3 to 63"));
        assertTrue(refusal(() -> new ServerName("x".repeat(64))).contains("Azure needs 3 to 63"));
        for (String bad : new String[] {"-abc", "abc-", "ab--c", "ab_c", "ab.c", "ab c", "ab/c"}) {
            assertTrue(refusal(() -> new ServerName(bad)).contains("single hyphens"), bad);
        }
        assertTrue(refusal(() -> new ServerName("ShiftSync-DB")).contains("use 'shiftsync-db'"));
        assertTrue(refusal(() -> new ServerName("")).contains("targetServerName is missing"));
        assertTrue(refusal(() -> new ServerName(null)).contains("targetServerName is missing"));
    }

    @Test
    @DisplayName("a region may be given as Resource Manager's name or its display name")
    void regions() {
        assertEquals("canadaeast", ServerRestoreRequest.region("Canada East"));
        assertEquals("canadaeast", ServerRestoreRequest.region("canadaeast"));
        assertTrue(refusal(() -> ServerRestoreRequest.region(" ")).contains("location is missing"));
        assertTrue(refusal(() -> ServerRestoreRequest.region("canada-east")).contains("is not an Azure region name"));
    }

    @Test
    @DisplayName("requests keep their parameters as given, for the audit record and the operation")
    void parameters() {
        ServerRestoreRequest pitr = ServerRestoreRequest.pointInTime("2024-01-15T10:30:00Z", "shiftsync-db-pitr");
        assertEquals(OperationKind.POINT_IN_TIME, pitr.kind());
        assertEquals("2024-01-15T10:30Z", pitr.parameters().get("restorePointInTime"));
        ServerRestoreRequest geo = ServerRestoreRequest.geo("shiftsync-db-geo", "Canada East");
        assertEquals(OperationKind.GEO, geo.kind());
        assertEquals("canadaeast", geo.parameters().get("location"));
    }
}
