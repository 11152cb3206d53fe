package com.shiftsync.backup.domain;

import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {

    @Test
    @DisplayName("a URL's password is masked, the rest of the URL kept")
    void urlPassword() {
        assertEquals("could not connect to postgresql://admin:*****@db.example.com:5432/shiftsync",
                Redaction.redact("could not connect to postgresql://admin:Tr0ub4dor&3x@db.example.com:5432/shiftsync"));
    }

    @Test
    @DisplayName("a storage connection string's AccountKey and a SAS URL's sig are masked")
    void connectionStringAndSas() {
        String key = TestSecrets.register("qLtNFgKG8w0x+/Zm2j1c3Yk6Y8vG5fQpJ3w7h2QeVbL9rX4uT1sN0oP5mKjH8gF6dS3aZ7cE2bW4nV1yU9iO0==");
        String out = Redaction.redact("DefaultEndpointsProtocol=https;AccountName=shiftsync;AccountKey=" + key
                + ";EndpointSuffix=core.windows.net and https://shiftsync.blob.core.windows.net/c/x?sv=2022-11-02"
                + "&se=2024-01-01&sig=AbCdEf%2BgHiJkLmNoP%3D&sp=r");
        CapturedOutput.record(out);
        assertEquals("DefaultEndpointsProtocol=https;AccountName=shiftsync;AccountKey=*****;EndpointSuffix="
                + "core.windows.net and https://shiftsync.blob.core.windows.net/c/x?sv=2022-11-02&se=2024-01-01"
                + "&sig=*****&sp=r", out);
    }

    @Test
    @DisplayName("bearer tokens, bare JWTs and JSON token fields are masked")
    void tokens() {
        String jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL29zc3JkYm1zIn0.c2lnbmF0dXJlLXNpZ24";
        assertEquals("Authorization: Bearer *****", Redaction.redact("Authorization: Bearer " + jwt));
        assertEquals("PGPASSWORD is *****, fine", Redaction.redact("PGPASSWORD is " + jwt + ", fine"));
        assertEquals("{\"access_token\":\"*****\",\"expires_on\":\"1700000000\"}",
                Redaction.redact("{\"access_token\":\"opaque-token-value\",\"expires_on\":\"1700000000\"}"));
        assertEquals("{\"value\":\"*****\",\"id\":\"https://v.vault.azure.net/secrets/db/1\"}",
                Redaction.redact("{\"value\":\"hunter2-hunter2\",\"id\":\"https://v.vault.azure.net/secrets/db/1\"}"));
    }

    @Test
    @DisplayName("a registered secret is masked in any shape of text, the longest registered match first")
    void registeredSecrets() {
        String shorter = TestSecrets.random("reg-");
        String longer = TestSecrets.register(shorter + "-and-more");
        Redaction.register(shorter);
        Redaction.register(longer);

        assertEquals("role said ***** and *****!", Redaction.redact("role said " + longer + " and " + shorter + "!"));
        assertEquals("tiny", Redaction.redact("tiny"), "values under 4 characters are not registered: no mass masking");
    }

    @Test
    @DisplayName("scrub copies a cause chain with every message redacted, keeping classes, stacks and codes")
    void scrub() {
        String secret = TestSecrets.random("scrub-");
        Redaction.register(secret);
        IOException io = new IOException("socket said " + secret);
        UncheckedIOException middle = new UncheckedIOException("reading with " + secret, io);
        ShiftSyncException top = new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, "failed", "Code", middle);

        Throwable scrubbed = Redaction.scrub(top);

        ShiftSyncException copy = assertInstanceOf(ShiftSyncException.class, scrubbed);
        assertEquals(ErrorCode.UPSTREAM_FAILED, copy.code());
        assertEquals("Code", copy.upstreamCode());
        String printed = stackTrace(copy);
        CapturedOutput.record(printed);
        assertFalse(printed.contains(secret), printed);
        assertTrue(printed.contains("java.io.UncheckedIOException: reading with *****"), printed);
        assertTrue(printed.contains("java.io.IOException: socket said *****"), printed);
        assertEquals(top.getStackTrace()[0], copy.getStackTrace()[0]);
        assertEquals(io.getStackTrace()[0], copy.getCause().getCause().getStackTrace()[0]);
    }

    @Test
    @DisplayName("wrap hands a door an exception whose causes are redacted too")
    void wrap() {
        String secret = TestSecrets.random("wrap-");
        Redaction.register(secret);
        ShiftSyncException plain = ShiftSyncException.badInput("no cause");
        assertSame(plain, ShiftSyncException.wrap(plain));

        ShiftSyncException wrapped = ShiftSyncException.wrap(
                new IllegalStateException("state " + secret, new RuntimeException("deeper " + secret)));

        assertEquals(ErrorCode.JOB_FAILED, wrapped.code());
        String printed = stackTrace(wrapped);
        CapturedOutput.record(printed);
        assertFalse(printed.contains(secret), printed);
        assertTrue(printed.contains("unexpected IllegalStateException: state *****"), printed);
        assertTrue(printed.contains("java.lang.RuntimeException: deeper *****"), printed);
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
