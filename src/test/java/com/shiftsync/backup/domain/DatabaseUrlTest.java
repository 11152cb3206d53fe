package com.shiftsync.backup.domain;

import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseUrlTest {

    @Test
    @DisplayName("a host off this machine gets sslmode=require by default, on the command line and in JDBC")
    void remoteRequiresTls() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://shiftsync_admin@shiftsync-db.postgres.database.azure.com/shiftsync");

        assertEquals("require", url.sslMode());
        assertTrue(url.toLibpqUri().endsWith("?sslmode=require"), url.toLibpqUri());
        assertTrue(url.toJdbcUrl().contains("?sslmode=require&"), url.toJdbcUrl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.1.1", "localhost", "[::1]", "%2Fvar%2Frun%2Fpostgresql"})
    @DisplayName("loopback hosts and Unix sockets may go without TLS: prefer")
    void loopbackPrefers(String host) {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u@" + host + ":5432/db");

        assertTrue(url.isLoopback(), host);
        assertEquals("prefer", url.sslMode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify-full", "verify-ca", "disable", "allow"})
    @DisplayName("sslmode in the URL overrides the default, whatever the host")
    void explicitSslModeWins(String mode) {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u@db.example.com:5432/db?sslmode=" + mode);

        assertEquals(mode, url.sslMode());
        assertTrue(url.toLibpqUri().contains("sslmode=" + mode));
        assertTrue(url.toJdbcUrl().contains("sslmode=" + mode));
    }

    @Test
    @DisplayName("the password stays apart: decoded, masked in toString, absent from the command-line URI")
    void passwordApart() {
        String password = TestSecrets.register("p@ss/w0rd:with%odd");
        DatabaseUrl url = DatabaseUrl.parse("postgresql://admin:p%40ss%2Fw0rd%3Awith%25odd@db.example.com/shiftsync");

        assertEquals(password, url.password());
        CapturedOutput.record(url.toString());
        assertEquals("postgresql://admin:*****@db.example.com:5432/shiftsync", url.toString());
        assertFalse(url.toLibpqUri().contains("w0rd"));
        assertFalse(url.toJdbcUrl().contains("w0rd"));
        assertEquals(null, url.withoutPassword().password());
    }

    @Test
    @DisplayName("a password given as a query parameter is taken out of the parameters")
    void passwordParameter() {
        String password = TestSecrets.random("qp-");
        DatabaseUrl url = DatabaseUrl.parse("postgresql://admin@db.example.com/shiftsync?password=" + password
                + "&connect_timeout=5");

        assertEquals(password, url.password());
        assertFalse(url.params().containsKey("password"));
        assertFalse(url.toLibpqUri().contains(password));
        CapturedOutput.record(url.toString());
    }

    @Test
    @DisplayName("the guide's URL: parts apart, password kept out of every printable form")
    void guideUrl() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://user:s3cr%40t@localhost:5432/shiftsync");
        assertEquals("user", url.user());
        assertEquals("s3cr@t", url.password());
        assertEquals("localhost", url.host());
        assertEquals(5432, url.port());
        assertEquals("shiftsync", url.database());
        assertEquals("postgresql://user:*****@localhost:5432/shiftsync", url.toString());
        assertEquals("postgresql://user@localhost:5432/shiftsync?sslmode=prefer", url.toLibpqUri());
        assertFalse(url.toJdbcUrl().contains("s3cr"));
        assertNull(url.withoutPassword().password());
    }

    @Test
    @DisplayName("postgres:// scheme, IPv6, parameters, a password given as a parameter")
    void variants() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://bob@[::1]:6543/app?password=pw1234&application_name=x");
        assertEquals("::1", url.host());
        assertEquals(6543, url.port());
        assertEquals("pw1234", url.password());
        assertEquals("x", url.params().get("application_name"));
        assertFalse(url.params().containsKey("password"));
        assertTrue(url.toLibpqUri().startsWith("postgresql://bob@[::1]:6543/app?application_name=x"));
    }

    @Test
    @DisplayName("malformed URLs are refused with a sentence that shows the right form and no password")
    void refusals() {
        for (String bad : List.of("", "mysql://u:pw@h/db", "postgresql://u:secretpw@host:5432", "postgresql://h1,h2/db",
                "postgresql://u@h:99999/db")) {
            ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> DatabaseUrl.parse(bad));
            assertEquals(ErrorCode.BAD_INPUT, e.code());
            assertTrue(e.getMessage().contains("DATABASE_URL"), e.getMessage());
            assertFalse(e.getMessage().contains("secretpw") || e.getMessage().contains(":pw@"), e.getMessage());
        }
    }
}
