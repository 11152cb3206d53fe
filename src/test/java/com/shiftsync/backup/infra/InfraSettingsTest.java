package com.shiftsync.backup.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.config.Setting;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every setting the code reads ({@link Setting}, by reflection) is configured where it runs:
 * in local.settings.json.example for local runs, and in the Function App's settings in
 * infra/main.bicep, with the contract's defaults. The few that infra must not set are named,
 * with their reasons, in {@link CodeFacts}.
 */
class InfraSettingsTest {
    private static final Map<String, String> APP_SETTINGS = Bicep.main().objectVariable("appSettings");

    @Test
    @DisplayName("local.settings.json.example lists every Function App setting of config.Setting")
    void localSettingsListEverySetting() throws IOException {
        JsonNode values = Json.MAPPER.readTree(Path.of("local.settings.json.example").toFile()).get("Values");
        Set<String> missing = new TreeSet<>();
        for (String name : CodeFacts.functionAppSettings()) {
            if (!values.has(name)) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "add these to local.settings.json.example");
    }

    @Test
    @DisplayName("the Function App in infra/main.bicep sets every setting the code reads, except the documented exemptions")
    void infraSetsEverySetting() {
        Set<String> missing = new TreeSet<>(CodeFacts.infraSettings());
        missing.removeAll(APP_SETTINGS.keySet());
        assertEquals(Set.of(), missing, "add these to var appSettings in infra/main.bicep (or, if App Service sets "
                + "them or they are for local runs only, to the exemptions in CodeFacts, with the reason)");
    }

    @Test
    @DisplayName("infra never sets what App Service provides, what only a local service principal uses, or a deprecated setting")
    void exemptionsAreNotSet() {
        Set<String> set = new TreeSet<>(CodeFacts.exempt());
        set.retainAll(APP_SETTINGS.keySet());
        assertEquals(Set.of(), set);
        for (String name : CodeFacts.exempt()) {
            assertFalse(Bicep.main().code().contains(name + ":"), "infra/main.bicep sets " + name);
        }
    }

    @Test
    @DisplayName("values infra states plainly are the contract's defaults (schedules, containers, retention, roles)")
    void valuesAreTheDefaults() {
        Bicep main = Bicep.main();
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (Setting s : Setting.values()) {
            String expression = APP_SETTINGS.get(s.name());
            if (expression == null || s.defaultValue() == null) {
                continue;
            }
            Optional<String> value = main.resolve(expression);
            if (value.isPresent()) {
                compared++;
                if (!value.get().equals(s.defaultValue())) {
                    differences.add(s.name() + " is '" + value.get() + "' in infra, '" + s.defaultValue() + "' in the code");
                }
            }
        }
        assertEquals(List.of(), differences);
        assertTrue(compared >= 10, "only " + compared + " values could be compared: has var appSettings changed shape?");
    }

    @Test
    @DisplayName("the five contract timers' schedules are app settings named like the functions, overridable")
    void scheduleSettings() {
        Bicep main = Bicep.main();
        for (String timer : List.of("nightlyExport", "weeklyExport", "retentionPrune", "monthlyVerify", "backupMonitor")) {
            String expression = APP_SETTINGS.get(timer);
            assertTrue(expression != null, timer + " is not an app setting");
            assertTrue(expression.startsWith("scheduleOverrides.?" + timer + " ??"), timer + ": " + expression);
            assertEquals(Setting.valueOf(timer).defaultValue(), main.resolve(expression).orElseThrow());
        }
    }

    @Test
    @DisplayName("storage and Azure by managed identity: no connection string, no client id, host storage by identity")
    void identityOnly() {
        assertEquals("''", APP_SETTINGS.get("AZURE_STORAGE_CONNECTION_STRING"), "storage is reached by identity only");
        assertEquals("''", APP_SETTINGS.get("AZURE_CLIENT_ID"), "the system-assigned identity has no client id setting");
        assertTrue(APP_SETTINGS.get("AZURE_STORAGE_ACCOUNT_URL").startsWith("storage.outputs."));
        assertFalse(APP_SETTINGS.containsKey("AzureWebJobsStorage"), "the host's storage must not be a connection string");
        for (String part : List.of("blobServiceUri", "queueServiceUri", "tableServiceUri")) {
            assertTrue(APP_SETTINGS.get("AzureWebJobsStorage__" + part).startsWith("hostStorage.outputs."), part);
        }
        assertEquals("'managedidentity'", APP_SETTINGS.get("AzureWebJobsStorage__credential"));
        assertFalse(APP_SETTINGS.containsKey("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"),
                "a content share needs a storage key: the container image needs none");
    }

    @Test
    @DisplayName("the password is read from Key Vault at run time: DATABASE_URL has none, the vault and secret are named")
    void passwordFromKeyVault() {
        String url = APP_SETTINGS.get("DATABASE_URL");
        assertTrue(url.startsWith("'postgresql://${databaseUser}@"), "DATABASE_URL: " + url);
        assertEquals("databasePasswordSecretName", APP_SETTINGS.get("DATABASE_PASSWORD_SECRET"));
        assertEquals("vault.outputs.uri", APP_SETTINGS.get("KEY_VAULT_URL"));
    }

    @Test
    @DisplayName("PG_BIN_DIR is empty: the app finds every client the image carries, not one tied to the server's version")
    void pgBinDir() {
        assertEquals("''", APP_SETTINGS.get("PG_BIN_DIR"));
        assertFalse(APP_SETTINGS.values().stream().anyMatch(v -> v.contains("serverVersion")),
                "no setting depends on the server's version");
    }
}
