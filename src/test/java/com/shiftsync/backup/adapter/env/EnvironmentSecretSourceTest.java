package com.shiftsync.backup.adapter.env;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvironmentSecretSourceTest {

    @Test
    @DisplayName("a secret is the variable of its name, or its shell-friendly form, and is registered for redaction")
    void lookup() {
        String dashed = TestSecrets.random("env-dashed-");
        String exact = TestSecrets.random("env-exact-");
        Map<String, String> env = Map.of("SHIFTSYNC_DB_PASSWORD", dashed, "exactName", exact);
        EnvironmentSecretSource source = new EnvironmentSecretSource(n -> Optional.ofNullable(env.get(n)));

        assertEquals(dashed, source.get("shiftsync-db-password"));
        assertEquals(exact, source.get("exactName"));
        assertEquals("x *****", Redaction.redact("x " + dashed));
    }

    @Test
    @DisplayName("a missing variable is refused with the name to export")
    void missing() {
        EnvironmentSecretSource source = new EnvironmentSecretSource(n -> Optional.empty());

        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> source.get("shiftsync-db-password"));
        CapturedOutput.record(e.getMessage());
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertTrue(e.getMessage().contains("export SHIFTSYNC_DB_PASSWORD"), e.getMessage());
        assertTrue(e.getMessage().contains("KEY_VAULT_URL"), e.getMessage());
    }
}
