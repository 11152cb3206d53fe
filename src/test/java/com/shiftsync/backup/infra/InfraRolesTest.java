package com.shiftsync.backup.infra;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Least privilege: the app's identity gets data roles on single resources, Key Vault Secrets
 * User, AcrPull, and for restores two custom roles with exactly the Resource Manager actions
 * the app calls. No broad built-in role (Owner, Contributor, User Access Administrator, ...)
 * appears anywhere.
 */
class InfraRolesTest {
    private static final Bicep APP_ROLES = Bicep.read(Bicep.INFRA.resolve("modules/app-roles.bicep"));
    private static final Bicep RESTORE_ROLES = Bicep.read(Bicep.INFRA.resolve("modules/restore-roles.bicep"));

    /** Built-in role ids by name, as Microsoft publishes them. */
    private static final Map<String, String> BUILT_IN = Map.of(
            "storageBlobDataContributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
            "storageQueueDataContributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
            "storageBlobDataOwner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            "storageTableDataContributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            "keyVaultSecretsUser", "4633458b-17de-408a-b874-0445c86b69e6",
            "keyVaultSecretsOfficer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
            "acrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d");

    /** Broad roles no assignment may use. */
    private static final Map<String, String> TOO_BROAD = Map.of(
            "Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c",
            "User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
            "Role Based Access Control Administrator", "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
            "Storage Account Contributor", "17d1049b-9a84-46fb-8f53-869881c3d3ab",
            "Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483");

    @Test
    @DisplayName("the role table names Microsoft's ids for exactly the roles the app needs")
    void roleIds() {
        Map<String, String> roles = APP_ROLES.objectVariable("roles");
        assertEquals(BUILT_IN.keySet(), roles.keySet());
        for (Map.Entry<String, String> e : BUILT_IN.entrySet()) {
            assertEquals("'" + e.getValue() + "'", roles.get(e.getKey()), e.getKey());
        }
    }

    @Test
    @DisplayName("each of the app's data roles is scoped to one resource, the app's identity as a service principal")
    void appAssignments() {
        Map<String, String> expected = Map.of(
                "backupBlobs", "backupStorage:storageBlobDataContributor",
                "backupQueues", "backupStorage:storageQueueDataContributor",
                "hostBlobs", "hostStorage:storageBlobDataOwner",
                "hostTables", "hostStorage:storageTableDataContributor",
                "vaultSecrets", "vault:keyVaultSecretsUser",
                "imagePull", "registry:acrPull",
                "operatorSecrets", "vault:keyVaultSecretsOfficer");
        Set<String> assignments = new TreeSet<>();
        for (Bicep.Resource r : APP_ROLES.resources()) {
            if (r.type().equals("Microsoft.Authorization/roleAssignments")) {
                assignments.add(r.symbol());
            }
        }
        assertEquals(new TreeSet<>(expected.keySet()), assignments);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String body = Bicep.flat(APP_ROLES.resourceBody(e.getKey()));
            String[] scopeAndRole = e.getValue().split(":");
            assertTrue(body.contains("scope: " + scopeAndRole[0] + " "), e.getKey() + ": " + body);
            assertTrue(body.contains("roles." + scopeAndRole[1] + ")"), e.getKey() + ": " + body);
            if (!e.getKey().equals("operatorSecrets")) {
                assertTrue(body.contains("principalId: principalId") && body.contains("principalType: 'ServicePrincipal'"), body);
            }
        }
        // the backup account gets data roles only, never Owner (that is the host account's, which holds no backup)
        assertFalse(Bicep.flat(APP_ROLES.resourceBody("hostBlobs")).contains("backupStorage"));
    }

    @Test
    @DisplayName("restores: a custom role on the server's resource group with exactly read, write and operation status")
    void serverRestorerRole() {
        assertEquals(Set.of(
                        "Microsoft.DBforPostgreSQL/flexibleServers/read",
                        "Microsoft.DBforPostgreSQL/flexibleServers/write",
                        "Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read",
                        "Microsoft.DBforPostgreSQL/locations/operationResults/read"),
                actions("serverRestorer"));
        String body = Bicep.flat(RESTORE_ROLES.resourceBody("serverRestorer"));
        assertTrue(body.contains("assignableScopes: [ postgresResourceGroupId ]"), body);
        // the group's own id, /subscriptions/<id>/resourceGroups/<name>: subscriptionResourceId(...) would add
        // /providers/Microsoft.Resources/, which is not the scope of an assignment on the group
        assertTrue(RESTORE_ROLES.code().contains(
                "var postgresResourceGroupId = '${subscription().id}/resourceGroups/${postgresResourceGroupName}'"));
        for (Path file : Bicep.files()) {
            assertTrue(!Bicep.read(file).code().contains("subscriptionResourceId('Microsoft.Resources/resourceGroups'"),
                    file + " builds a resource group id that is not one");
        }
        Bicep assignment = Bicep.read(Bicep.INFRA.resolve("modules/restore-assignment.bicep"));
        assertTrue(assignment.code().contains("name: guid(resourceGroup().id, principalId, roleDefinitionId)"));
        // its roleDefinitionId is the roles module's output: it deploys after the role exists
        assertTrue(Bicep.flat(Bicep.main().code()).contains("scope: resourceGroup(pgResourceGroupName) params: { "
                + "principalId: functionApp.outputs.principalId roleDefinitionId: restoreRoles.outputs.serverRestorerRoleId"));
        assertTrue(RESTORE_ROLES.code().contains("output serverRestorerRoleId string = serverRestorer.id"));
    }

    @Test
    @DisplayName("restores: checkNameAvailability (a subscription-level POST) and operation status by a second role on the subscription")
    void subscriptionLevelChecks() {
        assertEquals(Set.of(
                        "Microsoft.DBforPostgreSQL/checkNameAvailability/action",
                        "Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read",
                        "Microsoft.DBforPostgreSQL/locations/operationResults/read"),
                actions("restoreChecks"));
        assertTrue(Bicep.flat(RESTORE_ROLES.resourceBody("restoreChecks")).contains("assignableScopes: [ subscription().id ]"));
        String assignment = Bicep.flat(RESTORE_ROLES.resourceBody("restoreChecksAssignment"));
        assertTrue(assignment.contains("roleDefinitionId: restoreChecksId"), assignment);
        assertTrue(assignment.contains("dependsOn: [ restoreChecks ]"), "the first assignment waits for its new role: " + assignment);
        assertTrue(RESTORE_ROLES.code().contains("var restoreChecksId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', restoreChecksName)"));
        assertTrue(Bicep.flat(RESTORE_ROLES.resourceBody("restoreChecks")).startsWith("{ name: restoreChecksName "));
        assertTrue(RESTORE_ROLES.code().contains("targetScope = 'subscription'"));
    }

    @Test
    @DisplayName("no broad built-in role appears anywhere in infra, and no wildcard action")
    void nothingBroad() {
        List<String> found = new ArrayList<>();
        for (Path file : Bicep.files()) {
            String code = Bicep.read(file).code();
            for (Map.Entry<String, String> e : TOO_BROAD.entrySet()) {
                if (code.contains(e.getValue())) {
                    found.add(file + ": " + e.getKey());
                }
            }
        }
        for (Bicep roles : List.of(APP_ROLES, RESTORE_ROLES)) {
            Matcher wildcard = Pattern.compile("'[^']*\\*[^']*'").matcher(roles.code());
            while (wildcard.find()) {
                found.add(roles.file() + ": wildcard " + wildcard.group());
            }
        }
        assertEquals(List.of(), found);
    }

    /** The actions of a custom role definition: its literal actions plus var restoreOperationActions. */
    private static Set<String> actions(String symbol) {
        String body = RESTORE_ROLES.resourceBody(symbol);
        Set<String> actions = new TreeSet<>();
        Matcher m = Pattern.compile("'(Microsoft\\.[^']+)'").matcher(body);
        while (m.find()) {
            if (!m.group(1).startsWith("Microsoft.Resources/")) {
                actions.add(m.group(1));
            }
        }
        if (body.contains("restoreOperationActions")) {
            for (String item : RESTORE_ROLES.arrayVariable("restoreOperationActions")) {
                actions.add(item.replace("'", ""));
            }
        }
        assertTrue(Bicep.flat(body).contains("dataActions: []"), symbol + " grants no data actions");
        return actions;
    }
}
