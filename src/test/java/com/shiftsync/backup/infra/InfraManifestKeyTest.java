package com.shiftsync.backup.infra;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifests' key (MANIFEST_KEY_SECRET) is made by infra, inside Azure, once: 32 random
 * bytes in a Key Vault secret the storage account cannot reach, created only when Key Vault
 * says the secret does not exist (a new key on every deployment would leave every signed
 * manifest unverifiable), by an identity of its own; the app is told only the secret's name.
 */
class InfraManifestKeyTest {
    private static final Bicep VAULT = Bicep.read(Bicep.INFRA.resolve("modules/keyvault.bicep"));
    private static final Path SCRIPT = Bicep.INFRA.resolve("modules/manifest-key.sh");

    @Test
    @DisplayName("the app reads the manifests' key, the age recipients and the identity's secret from settings infra "
            + "sets from parameters; the key's secret name reaches the vault module")
    void settings() {
        Map<String, String> app = Bicep.main().objectVariable("appSettings");
        assertEquals("manifestKeySecretName", app.get("MANIFEST_KEY_SECRET"));
        assertEquals("backupEncryptionRecipients", app.get("BACKUP_ENCRYPTION_RECIPIENTS"));
        assertEquals("backupEncryptionIdentitySecretName", app.get("BACKUP_ENCRYPTION_IDENTITY_SECRET"));
        assertEquals("'shiftsync-manifest-key'", Bicep.main().params().get("manifestKeySecretName").defaultValue());
        assertEquals("''", Bicep.main().params().get("backupEncryptionRecipients").defaultValue(),
                "encryption is the operator's choice: their identity, kept offline");
        assertTrue(Bicep.flat(Bicep.main().code()).contains("manifestKeySecretName: manifestKeySecretName"),
                "main passes the name to the vault module");
    }

    @Test
    @DisplayName("a deployment script, with its own identity holding Key Vault Secrets Officer on the vault (not the "
            + "app's), runs manifest-key.sh with the vault and the secret's name")
    void script() {
        String script = Bicep.flat(VAULT.resourceBody("manifestKey"));
        assertTrue(script.contains("kind: 'AzureCLI'"), script);
        assertTrue(script.contains("scriptContent: loadTextContent('manifest-key.sh')"), script);
        assertTrue(script.contains("{ name: 'VAULT', value: vault.name }"), script);
        assertTrue(script.contains("{ name: 'SECRET', value: manifestKeySecretName }"), script);
        assertTrue(script.contains("'${manifestKeyWriter.id}': {}") && script.contains("dependsOn: [ manifestKeyWriterRole ]"),
                script);
        String role = Bicep.flat(VAULT.resourceBody("manifestKeyWriterRole"));
        assertTrue(role.contains("scope: vault ") && role.contains("principalId: manifestKeyWriter.properties.principalId"),
                role);
        assertTrue(VAULT.code().contains("var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'"));
    }

    @Test
    @DisplayName("manifest-key.sh creates the key only after Key Vault answered SecretNotFound, from 32 bytes of "
            + "/dev/urandom in a private file (never on a command line, never printed), with bounded retries")
    void createsOnlyWhenMissing() throws IOException {
        String sh = Files.readString(SCRIPT);
        int notFound = sh.indexOf("grep -q SecretNotFound");
        int set = sh.indexOf("az keyvault secret set");
        assertTrue(notFound > 0 && set > notFound, "set only after SecretNotFound: " + sh);
        assertTrue(sh.contains("exit 0") && sh.indexOf("exit 0") < set, "an existing secret is left as it is");
        assertTrue(sh.contains("head -c 32 /dev/urandom | base64"), sh);
        assertTrue(sh.contains("--file \"$key\"") && sh.contains("umask 077"), sh);
        assertFalse(sh.contains("--value"), "the key is never on a command line");
        assertTrue(sh.lines().noneMatch(l -> l.contains("\"$key\"") && l.strip().matches("(echo|printf|cat)\\b.*")),
                "the key is never printed");
        assertTrue(sh.contains("-ge 20") && sh.contains("-ge 10"), "retries are bounded");
    }
}
