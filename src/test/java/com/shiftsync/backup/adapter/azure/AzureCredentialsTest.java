package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.TokenCredential;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AzureCredentialsTest {
    private static final String CLIENT = "11111111-2222-3333-4444-555555555555";
    private static final String TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    @Test
    @DisplayName("no identity settings, no credential: nothing falls back to probing the machine")
    void none() {
        assertEquals(Optional.empty(), AzureCredentials.fromSettings(null, null, null, null, null));
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> AzureCredentials.require(Optional.empty(), "AZURE_STORAGE_ACCOUNT_URL"));
        assertTrue(e.getMessage().contains("IDENTITY_ENDPOINT and IDENTITY_HEADER"), e.getMessage());
    }

    @Test
    @DisplayName("a client secret needs client and tenant; it is registered for redaction and never described")
    void clientSecret() {
        String secret = TestSecrets.random("client-secret-");
        ShiftSyncException half = assertThrows(ShiftSyncException.class,
                () -> AzureCredentials.fromSettings(null, null, CLIENT, null, secret));
        assertEquals(ErrorCode.BAD_INPUT, half.code());

        TokenCredential credential = AzureCredentials.fromSettings(null, null, CLIENT, TENANT, secret).orElseThrow();

        assertTrue(credential.toString().contains(CLIENT) && credential.toString().contains(TENANT));
        assertFalse(credential.toString().contains(secret));
        assertEquals("secret=***** and *****", Redaction.redact("secret=" + secret + " and " + secret));
    }

    @Test
    @DisplayName("the managed identity needs IDENTITY_HEADER with IDENTITY_ENDPOINT; the header is a secret")
    void managedIdentity() {
        assertThrows(ShiftSyncException.class,
                () -> AzureCredentials.fromSettings("http://127.0.0.1:8081/msi/token", null, null, null, null));
        String header = TestSecrets.random("header-");

        TokenCredential system = AzureCredentials.fromSettings("http://127.0.0.1:8081/msi/token", header, null, null,
                null).orElseThrow();
        TokenCredential user = AzureCredentials.fromSettings("http://127.0.0.1:8081/msi/token", header, CLIENT, null,
                null).orElseThrow();

        assertEquals("the managed identity endpoint (IDENTITY_ENDPOINT http://127.0.0.1:8081/msi/token)",
                system.toString());
        assertTrue(user.toString().endsWith("for the user-assigned identity " + CLIENT), user.toString());
        assertEquals("*****", Redaction.redact(header));
    }

    @Test
    @DisplayName("a client secret wins over the managed identity when both are configured")
    void secretWins() {
        String secret = TestSecrets.random("client-secret-");
        TokenCredential credential = AzureCredentials.fromSettings("http://127.0.0.1:8081/msi/token",
                TestSecrets.random("header-"), CLIENT, TENANT, secret).orElseThrow();

        assertTrue(credential.toString().startsWith("the service principal"), credential.toString());
    }

    @Test
    @DisplayName("an IDENTITY_ENDPOINT that is not an http URL is refused")
    void badEndpoint() {
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> AzureCredentials.fromSettings("file:///etc/passwd", "h-e-a-d", null, null, null));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
    }
}
