package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseUrlParseTest {

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
    @DisplayName("TLS is required for any host off this machine unless the URL says otherwise")
    void sslMode() {
        assertEquals("require", DatabaseUrl.parse("postgresql://a@shiftsync-db.postgres.database.azure.com/db").sslMode());
        assertEquals("verify-full",
                DatabaseUrl.parse("postgresql://a@db.example.com/db?sslmode=verify-full").sslMode());
        assertEquals("prefer", DatabaseUrl.parse("postgresql://a@127.0.0.1/db").sslMode());
        assertEquals("prefer", DatabaseUrl.parse("postgresql://a@[::1]:6543/db").sslMode());
        assertTrue(DatabaseUrl.parse("postgresql://a@db.example.com/db").toJdbcUrl().contains("sslmode=require"));
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
