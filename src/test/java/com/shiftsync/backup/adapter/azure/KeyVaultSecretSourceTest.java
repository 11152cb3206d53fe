package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.TokenCredential;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the vault source refuses before it sends anything; the conversation itself is in KeyVaultSecretSourceIT. */
class KeyVaultSecretSourceTest {
    private static final TokenCredential NEVER_ASKED = request -> {
        throw new AssertionError("no token may be asked for");
    };

    @Test
    @DisplayName("KEY_VAULT_URL must be https")
    void httpsOnly() {
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> new KeyVaultSecretSource("http://shiftsync-kv.vault.azure.net/", NEVER_ASKED));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertEquals("Key Vault https://shiftsync-kv.vault.azure.net/",
                new KeyVaultSecretSource("https://shiftsync-kv.vault.azure.net/", NEVER_ASKED).describe());
    }

    @Test
    @DisplayName("a name Key Vault cannot hold is refused without asking the vault")
    void badName() {
        KeyVaultSecretSource source = new KeyVaultSecretSource("https://shiftsync-kv.vault.azure.net/", NEVER_ASKED);

        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> source.get("db_password"));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertTrue(e.getMessage().contains("DATABASE_PASSWORD_SECRET"), e.getMessage());
    }

    @Test
    @DisplayName("the most specific Key Vault error code is reported")
    void errorCode() {
        assertEquals("SecretDisabled", KeyVaultSecretSource.errorCode(
                "Status code 403, \"{\"error\":{\"code\":\"Forbidden\",\"message\":\"Operation get is not allowed on a "
                        + "disabled secret.\",\"innererror\":{\"code\":\"SecretDisabled\"}}}\""));
        assertNull(KeyVaultSecretSource.errorCode("Connection refused"));
    }
}
