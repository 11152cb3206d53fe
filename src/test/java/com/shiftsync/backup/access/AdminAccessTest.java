package com.shiftsync.backup.access;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminAccessTest {
    static final String ROLE_TYP = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";

    /** Easy Auth's header for a user with these claims. */
    static String principal(String... claims) {
        StringBuilder json = new StringBuilder("{\"auth_typ\":\"aad\",\"name_typ\":"
                + "\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress\",\"role_typ\":\""
                + ROLE_TYP + "\",\"claims\":[");
        for (int i = 0; i + 1 < claims.length; i += 2) {
            json.append(i == 0 ? "" : ",").append("{\"typ\":\"").append(claims[i]).append("\",\"val\":\"")
                    .append(claims[i + 1]).append("\"}");
        }
        json.append("]}");
        return Base64.getEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private final AdminAccess easyAuth = new AdminAccess(true, false, "Backup.Admin");

    @Test
    @DisplayName("an admin by a roles claim is let in, named by object id and e-mail")
    void rolesClaim() {
        Caller c = easyAuth.requireAdmin(Map.of("x-ms-client-principal", principal(
                "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid-1",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "ana@shiftsync.test",
                "roles", "Backup.Admin")), "start a restore");
        assertEquals("oid-1", c.id());
        assertEquals("ana@shiftsync.test", c.name());
        assertEquals(Caller.EASY_AUTH, c.via());
    }

    @Test
    @DisplayName("roles also come from claims of the principal's role_typ, and header names ignore case")
    void roleTypClaim() {
        Caller c = easyAuth.requireAdmin(Map.of("X-Ms-Client-Principal", principal("oid", "oid-2", "name", "Ben",
                ROLE_TYP, "Backup.Admin")), "start a restore");
        assertEquals(Set.of("Backup.Admin"), c.roles());
        assertEquals("Ben", c.name());
    }

    @Test
    @DisplayName("admin(): the caller only when a trusted principal holds the role; else empty, never a refusal")
    void adminOrNobody() {
        Map<String, String> admin = Map.of("x-ms-client-principal", principal("oid", "oid-1", "roles", "Backup.Admin"));
        assertEquals("oid-1", easyAuth.admin(admin).orElseThrow().id());
        assertTrue(easyAuth.admin(Map.of()).isEmpty(), "no principal");
        assertTrue(easyAuth.admin(Map.of("x-ms-client-principal", principal("oid", "oid-2", "roles", "Backup.Reader")))
                .isEmpty(), "without the role");
        assertTrue(easyAuth.admin(Map.of("x-ms-client-principal", "not base64 json")).isEmpty(), "unreadable");
        assertTrue(new AdminAccess(false, false, "Backup.Admin").admin(admin).isEmpty(),
                "without Easy Auth the header could be forged");
        assertEquals("oid-1", new AdminAccess(false, true, "Backup.Admin").admin(admin).orElseThrow().id(),
                "TRUST_CLIENT_PRINCIPAL_HEADER=true");
    }

    @Test
    @DisplayName("no principal: 401; a principal without the role: 403 naming the role")
    void deny() {
        ShiftSyncException none = assertThrows(ShiftSyncException.class,
                () -> easyAuth.requireAdmin(Map.of(), "start a restore"));
        assertEquals(ErrorCode.UNAUTHENTICATED, none.code());
        assertEquals(401, none.code().httpStatus());
        ShiftSyncException reader = assertThrows(ShiftSyncException.class, () -> easyAuth.requireAdmin(Map.of(
                "X-MS-CLIENT-PRINCIPAL", principal("oid", "oid-3", "name", "Cy", "roles", "Backup.Reader")),
                "start a restore"));
        assertEquals(ErrorCode.FORBIDDEN, reader.code());
        assertEquals(403, reader.code().httpStatus());
        assertTrue(reader.getMessage().contains("lacks the app role Backup.Admin"), reader.getMessage());
    }

    @Test
    @DisplayName("role names are compared exactly")
    void exactRole() {
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> easyAuth.requireAdmin(Map.of(
                "X-MS-CLIENT-PRINCIPAL", principal("oid", "o", "roles", "backup.admin")), "start a restore"));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
    }

    @Test
    @DisplayName("without Easy Auth a principal header is refused as forgeable, unless a setting trusts it")
    void forged() {
        AdminAccess off = new AdminAccess(false, false, "Backup.Admin");
        String admin = principal("oid", "o", "roles", "Backup.Admin");
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> off.requireAdmin(Map.of("X-MS-CLIENT-PRINCIPAL", admin), "start a restore"));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
        assertTrue(e.getMessage().contains("WEBSITE_AUTH_ENABLED"), e.getMessage());
        assertTrue(off.claimedCaller(Map.of("X-MS-CLIENT-PRINCIPAL", admin)).orElseThrow().name()
                .endsWith("(unverified)"));
        AdminAccess trusted = new AdminAccess(false, true, "Backup.Admin");
        assertEquals("o", trusted.requireAdmin(Map.of("X-MS-CLIENT-PRINCIPAL", admin), "start a restore").id());
    }

    @Test
    @DisplayName("an unreadable principal header is a 401, not a crash")
    void garbage() {
        for (String bad : new String[] {"%%%", Base64.getEncoder().encodeToString("not json".getBytes()),
                Base64.getEncoder().encodeToString("[1,2]".getBytes())}) {
            ShiftSyncException e = assertThrows(ShiftSyncException.class,
                    () -> easyAuth.requireAdmin(Map.of("X-MS-CLIENT-PRINCIPAL", bad), "start a restore"));
            assertEquals(ErrorCode.UNAUTHENTICATED, e.code(), bad);
        }
    }

    @Test
    @DisplayName("an app-only caller (a runbook's managed identity) is named by its app id")
    void appOnly() {
        Caller c = easyAuth.requireAdmin(Map.of("X-MS-CLIENT-PRINCIPAL", principal("appid", "app-7",
                "roles", "Backup.Admin")), "start a restore");
        assertEquals("app-7", c.id());
        assertEquals("app-7", c.name());
    }
}
