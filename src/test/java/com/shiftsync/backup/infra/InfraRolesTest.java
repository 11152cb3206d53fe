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
 * Least privilege that holds when the identity is stolen: the app's identity gets data roles on
 * single resources, Key Vault Secrets User on each secret it reads (never the vault), AcrPull,
 * and for restores custom roles with exactly the Resource Manager actions the app calls: read
 * only on the server's resource group, create, write and restart only in the restores group,
 * delete only in the drill group. No broad built-in role (Owner, Contributor, User Access
 * Administrator, ...) appears anywhere.
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
                "secretReads", "readSecrets[i]:keyVaultSecretsUser",
                "imagePull", "registry:acrPull",
                "operatorSecrets", "vault:keyVaultSecretsOfficer",
                "cutoverSecret", "cutover:keyVaultSecretsOfficer");
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

    /**
     * What the completion of a restored server calls on it (firewall rules and parameters listed
     * and written, a restart when asked), as Azure's resource provider operations name them.
     */
    private static final Set<String> COMPLETION = Set.of(
            "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read",
            "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/write",
            "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read",
            "Microsoft.DBforPostgreSQL/flexibleServers/configurations/write",
            "Microsoft.DBforPostgreSQL/flexibleServers/restart/action");

    private static final Set<String> OPERATION_STATUS = Set.of(
            "Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read",
            "Microsoft.DBforPostgreSQL/locations/operationResults/read");

    private static final String DELETE_SERVERS = "Microsoft.DBforPostgreSQL/flexibleServers/delete";

    private static Set<String> union(Set<String> a, Set<String> b, String... more) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        all.addAll(List.of(more));
        return all;
    }

    /** Every read the app does on the server being backed up: itself, its rules, parameters, backups, replicas. */
    private static final Set<String> SOURCE_READS = Set.of(
            "Microsoft.DBforPostgreSQL/flexibleServers/read",
            "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read",
            "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read",
            "Microsoft.DBforPostgreSQL/flexibleServers/backups/read",
            "Microsoft.DBforPostgreSQL/flexibleServers/replicas/read");

    @Test
    @DisplayName("the server's resource group: a custom role that only reads (the source, its firewall rules, parameters, "
            + "backups and replicas), assignable there, assigned there")
    void sourceReaderRole() {
        assertEquals(SOURCE_READS, actions("sourceReader"));
        String body = Bicep.flat(RESTORE_ROLES.resourceBody("sourceReader"));
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
        assertTrue(Bicep.flat(Bicep.main().code()).contains("module sourceAssignment 'modules/restore-assignment.bicep' = { "
                + "name: 'source-assignment' scope: resourceGroup(pgResourceGroupName) params: { "
                + "principalId: functionApp.outputs.principalId roleDefinitionId: restoreRoles.outputs.sourceReaderRoleId"));
        assertTrue(RESTORE_ROLES.code().contains("output sourceReaderRoleId string = sourceReader.id"));
    }

    @Test
    @DisplayName("restores: a custom role assignable only to the restores group, assigned there, with read, write and the "
            + "completion's calls (firewall rules, parameters, restart) and operation status; no delete")
    void restoredServersRole() {
        assertEquals(union(COMPLETION, OPERATION_STATUS,
                        "Microsoft.DBforPostgreSQL/flexibleServers/read",
                        "Microsoft.DBforPostgreSQL/flexibleServers/write"),
                actions("restoredServers"));
        assertFalse(actions("restoredServers").contains(DELETE_SERVERS));
        String body = Bicep.flat(RESTORE_ROLES.resourceBody("restoredServers"));
        assertTrue(body.contains("assignableScopes: [ restoreResourceGroupId ]"), body);
        assertTrue(RESTORE_ROLES.code().contains(
                "var restoreResourceGroupId = '${subscription().id}/resourceGroups/${restoreResourceGroupName}'"));
        assertTrue(RESTORE_ROLES.code().contains("output restoredServersRoleId string = restoredServers.id"));
        String main = Bicep.flat(Bicep.main().code());
        assertTrue(main.contains("module restoreAssignment 'modules/restore-assignment.bicep' = { name: 'restore-assignment' "
                + "scope: resourceGroup(restoreGroupName) params: { principalId: functionApp.outputs.principalId "
                + "roleDefinitionId: restoreRoles.outputs.restoredServersRoleId } }"), "assigned on the restores group");
        assertTrue(main.contains("restoreResourceGroupName: restoreGroupName"), "the role's scope is the same group");
    }

    @Test
    @DisplayName("the restores group is <server group>-restores, created by infra, unless named; the server's own group is "
            + "refused; the app setting RESTORE_RESOURCE_GROUP names it")
    void restoresGroup() throws java.io.IOException {
        Bicep mainBicep = Bicep.main();
        String main = Bicep.flat(mainBicep.code());
        assertEquals("''", mainBicep.params().get("restoreResourceGroupName").defaultValue());
        assertTrue(main.contains("var restoreGroupCreated = empty(restoreResourceGroupName)"));
        assertTrue(main.contains("var restoreGroupWanted = restoreGroupCreated ? '${pgResourceGroupName}-restores' "
                + ": restoreResourceGroupName"));
        assertTrue(main.contains("var restoreGroupName = toLower(restoreGroupWanted) == toLower(pgResourceGroupName) "
                + "? fail(restoreOnServerGroup) : restoreGroupWanted"), "a restores group equal to the server's is refused");
        assertTrue(main.contains("resource restoreRg 'Microsoft.Resources/resourceGroups@2024-03-01' = if (restoreGroupCreated) { "
                + "name: restoreGroupName"), "infra creates the group it names");
        assertEquals("restoreGroupName", mainBicep.objectVariable("appSettings").get("RESTORE_RESOURCE_GROUP"),
                "the app restores into the group where it may create servers");
        assertTrue(main.contains("module restoreRoles 'modules/restore-roles.bicep' = { name: 'restore-roles' "
                + "dependsOn: [ rg drillRg restoreRg ]"), "restoreRoles waits for the groups it defines roles on");
        // every use of the restores group goes through the checked name
        String rest = Pattern.compile("(?m)^var (restoreGroupCreated|restoreGroupWanted|restoreOnServerGroup|restoreGroupName) = .*$")
                .matcher(mainBicep.code()).replaceAll("");
        assertFalse(rest.contains("restoreGroupWanted"), "restoreGroupWanted used unchecked");
        Matcher raw = Pattern.compile("(?m)^.*\\brestoreResourceGroupName\\b.*$").matcher(rest);
        List<String> uses = new ArrayList<>();
        while (raw.find()) {
            uses.add(raw.group().strip());
        }
        assertEquals(List.of("param restoreResourceGroupName string = ''", "restoreResourceGroupName: restoreGroupName"),
                uses);
        // azd: RESTORE_RESOURCE_GROUP names a group of yours, unset leaves it to infra
        assertTrue(Bicep.flat(java.nio.file.Files.readString(Bicep.INFRA.resolve("main.parameters.json")))
                .contains("\"restoreResourceGroupName\": { \"value\": \"${RESTORE_RESOURCE_GROUP=}\" }"));
    }

    /** Role (the output's name before RoleId) to the scopes main assigns it at, from main's assignment modules. */
    private static Map<String, List<String>> assignedScopes() {
        Matcher m = Pattern.compile("scope: ([^{}]+?) params: \\{ principalId: functionApp\\.outputs\\.principalId "
                + "roleDefinitionId: restoreRoles\\.outputs\\.(\\w+)RoleId").matcher(Bicep.flat(Bicep.main().code()));
        Map<String, List<String>> scopes = new java.util.TreeMap<>();
        while (m.find()) {
            scopes.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(m.group(1));
        }
        return scopes;
    }

    @Test
    @DisplayName("a stolen identity cannot change the server being backed up: on its group every assigned action is a read; "
            + "writes and restarts only in the restores and drill groups; delete only in the drill group")
    void productionGroupReadOnly() {
        Map<String, List<String>> scopes = assignedScopes();
        assertEquals(Map.of(
                "sourceReader", List.of("resourceGroup(pgResourceGroupName)"),
                "restoredServers", List.of("resourceGroup(restoreGroupName)"),
                "drillServers", List.of("resourceGroup(drillGroupName)"),
                "restoreNetwork", List.of("resourceGroup(split(groupId, '/')[2], split(groupId, '/')[4])")), scopes);
        for (Map.Entry<String, List<String>> e : scopes.entrySet()) {
            Set<String> changes = new TreeSet<>(actions(e.getKey()));
            changes.removeIf(a -> a.endsWith("/read"));
            if (e.getValue().contains("resourceGroup(pgResourceGroupName)")) {
                assertEquals(Set.of(), changes, e.getKey() + " is assigned on the server's group and must only read");
            }
            if (changes.stream().anyMatch(a -> a.startsWith("Microsoft.DBforPostgreSQL/flexibleServers/"))) {
                assertTrue(List.of("resourceGroup(restoreGroupName)", "resourceGroup(drillGroupName)")
                        .containsAll(e.getValue()), e.getKey() + " writes servers, so only in the restores or drill group");
            }
        }
        // the subscription-wide role changes nothing: a name check and operation status
        Set<String> subscriptionWide = new TreeSet<>(actions("restoreChecks"));
        subscriptionWide.removeIf(a -> a.endsWith("/read"));
        assertEquals(Set.of("Microsoft.DBforPostgreSQL/checkNameAvailability/action"), subscriptionWide);
        // both groups other than the server's are refused when they equal it
        String main = Bicep.flat(Bicep.main().code());
        assertTrue(main.contains("? fail(restoreOnServerGroup)") && main.contains("? fail(drillOnServerGroup)"));
    }

    @Test
    @DisplayName("drills: a custom role assignable only to the drill group, assigned there, with the restorer's writes "
            + "and flexibleServers/delete")
    void drillServersRole() {
        assertEquals(union(COMPLETION, OPERATION_STATUS,
                        "Microsoft.DBforPostgreSQL/flexibleServers/read",
                        "Microsoft.DBforPostgreSQL/flexibleServers/write",
                        DELETE_SERVERS),
                actions("drillServers"));
        String body = Bicep.flat(RESTORE_ROLES.resourceBody("drillServers"));
        assertTrue(body.contains("assignableScopes: [ drillResourceGroupId ]"), body);
        assertTrue(RESTORE_ROLES.code().contains(
                "var drillResourceGroupId = '${subscription().id}/resourceGroups/${drillResourceGroupName}'"));
        assertTrue(RESTORE_ROLES.code().contains("output drillServersRoleId string = drillServers.id"));

        String main = Bicep.flat(Bicep.main().code());
        assertTrue(main.contains("module drillAssignment 'modules/restore-assignment.bicep' = { name: 'drill-assignment' "
                + "scope: resourceGroup(drillGroupName) params: { principalId: functionApp.outputs.principalId "
                + "roleDefinitionId: restoreRoles.outputs.drillServersRoleId } }"), "assigned on the drill group");
        assertTrue(main.contains("drillResourceGroupName: drillGroupName"), "the role's scope is the same group");
        assertEquals("drillGroupName", Bicep.main().objectVariable("appSettings").get("DRILL_RESOURCE_GROUP"),
                "the app drills in the group it may delete in");
        // restoreRoles (which defines the role on the group) waits for the group infra creates
        assertTrue(main.contains("module restoreRoles 'modules/restore-roles.bicep' = { name: 'restore-roles' "
                + "dependsOn: [ rg drillRg restoreRg ]"), "restoreRoles waits for the drill group");
    }

    @Test
    @DisplayName("drills: the drill group is <server group>-drills, created by infra, unless named; the server's own "
            + "group is refused, so no delete right ever lands on it")
    void drillGroupIsNeverTheServers() {
        String main = Bicep.flat(Bicep.main().code());
        assertEquals("''", Bicep.main().params().get("drillResourceGroupName").defaultValue());
        assertTrue(main.contains("var drillGroupCreated = empty(drillResourceGroupName)"));
        assertTrue(main.contains("var drillGroupWanted = drillGroupCreated ? '${pgResourceGroupName}-drills' : drillResourceGroupName"));
        assertTrue(main.contains("var drillGroupName = toLower(drillGroupWanted) == toLower(pgResourceGroupName) "
                + "? fail(drillOnServerGroup) : drillGroupWanted"), "a drill group equal to the server's is refused");
        assertTrue(main.contains("resource drillRg 'Microsoft.Resources/resourceGroups@2024-03-01' = if (drillGroupCreated) { "
                + "name: drillGroupName"), "infra creates the group it names");
        // every use of the drill group goes through the checked name: beyond the definitions above (and the refusal's
        // message), the unchecked names appear only as the parameter itself and as the roles module's parameter
        String code = Bicep.main().code();
        String rest = Pattern.compile("(?m)^var (drillGroupCreated|drillGroupWanted|drillOnServerGroup|drillGroupName) = .*$")
                .matcher(code).replaceAll("");
        assertFalse(rest.contains("drillGroupWanted"), "drillGroupWanted used unchecked");
        Matcher raw = Pattern.compile("(?m)^.*\\bdrillResourceGroupName\\b.*$").matcher(rest);
        List<String> uses = new ArrayList<>();
        while (raw.find()) {
            uses.add(raw.group().strip());
        }
        assertEquals(List.of("param drillResourceGroupName string = ''", "drillResourceGroupName: drillGroupName"), uses);
    }

    @Test
    @DisplayName("no role assigned on the server's resource group can delete a server: delete is in the drill role only")
    void noDeleteOnTheServersGroup() {
        // every custom role with a delete action, across infra
        List<String> deleting = new ArrayList<>();
        for (Bicep.Resource r : RESTORE_ROLES.resources()) {
            if (r.type().equals("Microsoft.Authorization/roleDefinitions") && actions(r.symbol()).stream()
                    .anyMatch(a -> a.endsWith("/delete"))) {
                deleting.add(r.symbol());
            }
        }
        assertEquals(List.of("drillServers"), deleting);
        // what main assigns on the server's group, and where the drill role goes
        String main = Bicep.flat(Bicep.main().code());
        Matcher onServerGroup = Pattern.compile("scope: resourceGroup\\(pgResourceGroupName\\) params: \\{[^}]*roleDefinitionId: "
                + "restoreRoles\\.outputs\\.(\\w+)RoleId").matcher(main);
        Set<String> assigned = new TreeSet<>();
        while (onServerGroup.find()) {
            assigned.add(onServerGroup.group(1));
        }
        assertEquals(Set.of("sourceReader"), assigned);
        Matcher drillRole = Pattern.compile("scope: ([^ ]+) params: \\{[^}]*restoreRoles\\.outputs\\.drillServersRoleId").matcher(main);
        List<String> drillScopes = new ArrayList<>();
        while (drillRole.find()) {
            drillScopes.add(drillRole.group(1));
        }
        assertEquals(List.of("resourceGroup(drillGroupName)"), drillScopes);
        // and no built-in role that can delete servers (Contributor and the like: nothingBroad) anywhere
    }

    @Test
    @DisplayName("private access: joining subnets and private DNS zones, on the groups of the source's and the geo-restore's "
            + "subnet and zone, and only when there is one")
    void restoreNetworkRole() {
        assertEquals(Set.of(
                        "Microsoft.Network/virtualNetworks/subnets/read",
                        "Microsoft.Network/virtualNetworks/subnets/join/action",
                        "Microsoft.Network/privateDnsZones/read",
                        "Microsoft.Network/privateDnsZones/join/action"),
                actions("restoreNetwork"));
        String body = Bicep.flat(RESTORE_ROLES.resourceBody("restoreNetwork"));
        assertTrue(body.contains("assignableScopes: networkResourceGroupIds"), body);
        assertTrue(Bicep.flat(RESTORE_ROLES.code()).contains("resource restoreNetwork 'Microsoft.Authorization/roleDefinitions@2022-04-01' "
                + "= if (!empty(networkResourceGroupIds))"), "no role when no restore joins a network");

        Bicep mainBicep = Bicep.main();
        String main = Bicep.flat(mainBicep.code());
        for (String param : List.of("postgresSubnetId", "postgresPrivateDnsZoneId", "geoRestoreSubnetId", "geoRestorePrivateDnsZoneId")) {
            assertEquals("''", mainBicep.params().get(param).defaultValue(), param);
        }
        assertTrue(main.contains("var restoreNetworkIds = filter([ postgresSubnetId postgresPrivateDnsZoneId geoRestoreSubnetId "
                + "geoRestorePrivateDnsZoneId ], id => !empty(id))"), "every subnet and zone a restore joins");
        String derive = "var restoreNetworkGroupIds = union(map(restoreNetworkIds, id => "
                + "toLower('/subscriptions/${split(id, '/')[2]}/resourceGroups/${split(id, '/')[4]}')), [])";
        assertTrue(main.contains(derive), "each id's resource group");
        // what that expression gives for resource ids as Azure writes them (split keeps the empty first part)
        String subnet = "/subscriptions/0000-1111/resourceGroups/RG-Net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pg";
        String zone = "/subscriptions/0000-1111/resourceGroups/rg-net/providers/Microsoft.Network/privateDnsZones/x.postgres.database.azure.com";
        Set<String> groups = new TreeSet<>();
        for (String id : List.of(subnet, zone)) {
            String[] parts = id.split("/");
            groups.add(("/subscriptions/" + parts[2] + "/resourceGroups/" + parts[4]).toLowerCase(java.util.Locale.ROOT));
        }
        assertEquals(Set.of("/subscriptions/0000-1111/resourcegroups/rg-net"), groups, "one group, one assignment");

        assertTrue(main.contains("networkResourceGroupIds: restoreNetworkGroupIds"), "the role is assignable on those groups");
        assertTrue(main.contains("module networkAssignments 'modules/restore-assignment.bicep' = [ for groupId in restoreNetworkGroupIds: { "
                + "name: 'network-assignment-${uniqueString(groupId)}' scope: resourceGroup(split(groupId, '/')[2], split(groupId, '/')[4]) "
                + "params: { principalId: functionApp.outputs.principalId roleDefinitionId: restoreRoles.outputs.restoreNetworkRoleId } } ]"),
                "assigned once on each of those groups");
        assertTrue(RESTORE_ROLES.code().contains(
                "output restoreNetworkRoleId string = empty(networkResourceGroupIds) ? '' : restoreNetwork.id"));
    }

    @Test
    @DisplayName("cutover: Key Vault Secrets Officer on the one secret CUTOVER_SECRET_NAME, only when it is set; the vault keeps Secrets User")
    void cutoverSecretRole() {
        String secret = Bicep.flat(APP_ROLES.resourceBody("cutover"));
        assertTrue(Bicep.flat(APP_ROLES.code()).contains("resource cutover 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = "
                + "if (!empty(cutoverSecretName)) { parent: vault name: cutoverSecretName }"), secret);
        String assignment = Bicep.flat(APP_ROLES.resourceBody("cutoverSecret"));
        assertTrue(Bicep.flat(APP_ROLES.code()).contains("resource cutoverSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = "
                + "if (!empty(cutoverSecretName))"), assignment);
        assertTrue(assignment.contains("scope: cutover "), "scoped to the secret, not the vault: " + assignment);
        assertTrue(assignment.contains("roles.keyVaultSecretsOfficer)"), assignment);
        assertTrue(assignment.contains("name: guid(vault.id, cutoverSecretName, principalId, roles.keyVaultSecretsOfficer)"), assignment);
        assertTrue(Bicep.flat(Bicep.main().code()).contains("cutoverSecretName: cutoverSecretName"), "main passes the secret's name");
        assertEquals("cutoverSecretName", Bicep.main().objectVariable("appSettings").get("CUTOVER_SECRET_NAME"),
                "the role is on the secret the app writes");
    }

    @Test
    @DisplayName("Key Vault: the app reads each secret it needs through Secrets User on that one secret (the database "
            + "password, the manifests' key, the age identity), never a role on the vault")
    void keyVaultRolesPerSecret() {
        for (Bicep.Resource r : APP_ROLES.resources()) {
            String body = Bicep.flat(APP_ROLES.resourceBody(r.symbol()));
            if (r.type().equals("Microsoft.Authorization/roleAssignments") && body.contains("scope: vault ")) {
                assertTrue(body.contains("principalId: operatorPrincipalId"), r.symbol() + " gives the app a role on the "
                        + "whole vault: " + body);
            }
        }
        String code = Bicep.flat(APP_ROLES.code());
        assertTrue(code.contains("resource readSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = [ "
                + "for name in readSecretNames: { parent: vault name: name } ]"), code);
        assertTrue(code.contains("resource secretReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = [ "
                + "for (name, i) in readSecretNames: { name: guid(vault.id, name, principalId, roles.keyVaultSecretsUser) "
                + "scope: readSecrets[i] "), "one assignment on each secret: " + code);

        Bicep mainBicep = Bicep.main();
        String main = Bicep.flat(mainBicep.code());
        assertTrue(main.contains("var appReadSecretNames = filter([ databaseAuth == 'password' ? databasePasswordSecretName : '' "
                + "manifestKeySecretName empty(backupEncryptionRecipients) ? '' : backupEncryptionIdentitySecretName ], "
                + "name => !empty(name))"), "the password only with password auth, the identity only with encryption");
        assertTrue(main.contains("readSecretNames: appReadSecretNames"));
        // every setting that names a secret the app reads is one of them, under the same parameter
        Map<String, String> settings = mainBicep.objectVariable("appSettings");
        Set<String> secretSettings = new TreeSet<>();
        for (com.shiftsync.backup.config.Setting s : com.shiftsync.backup.config.Setting.values()) {
            // a *_SECRET setting names a Key Vault secret, but for a service principal's own (local runs only)
            if (s.name().endsWith("_SECRET") && !CodeFacts.exempt().contains(s.name())) {
                secretSettings.add(s.name());
                String param = settings.get(s.name());
                assertTrue(param != null && param.matches("\\w+"), s.name() + " is set from a parameter: " + param);
                assertTrue(main.contains("var appReadSecretNames = filter([") && main.substring(
                        main.indexOf("var appReadSecretNames = filter(["), main.indexOf("], name => !empty(name))"))
                        .contains(param), s.name() + " (" + param + ") has no read role");
            }
        }
        assertEquals(Set.of("DATABASE_PASSWORD_SECRET", "MANIFEST_KEY_SECRET", "BACKUP_ENCRYPTION_IDENTITY_SECRET"),
                secretSettings);
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

    @Test
    @DisplayName("README's roles table names every custom role infra defines")
    void readmeNamesEveryCustomRole() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n### Roles (least privilege)\n");
        assertTrue(start >= 0, "README has no roles table");
        String table = readme.substring(start, readme.indexOf("\n### ", start + 1));
        Matcher role = Pattern.compile("roleName: 'ShiftSync Backup ([a-z ]+) \\(\\$\\{roleSuffix}\\)'").matcher(RESTORE_ROLES.code());
        List<String> missing = new ArrayList<>();
        int roles = 0;
        while (role.find()) {
            roles++;
            if (!table.contains("custom \"ShiftSync Backup " + role.group(1) + "\"")) {
                missing.add(role.group(1));
            }
        }
        assertEquals(5, roles);
        assertEquals(List.of(), missing);
    }

    /** The actions of a custom role definition: its literal actions plus vars restoreOperationActions and completionActions. */
    private static Set<String> actions(String symbol) {
        String body = RESTORE_ROLES.resourceBody(symbol);
        Set<String> actions = new TreeSet<>();
        Matcher m = Pattern.compile("'(Microsoft\\.[^']+)'").matcher(body);
        while (m.find()) {
            if (!m.group(1).startsWith("Microsoft.Resources/")) {
                actions.add(m.group(1));
            }
        }
        for (String shared : List.of("restoreOperationActions", "completionActions")) {
            if (body.contains(shared)) {
                for (String item : RESTORE_ROLES.arrayVariable(shared)) {
                    actions.add(item.replace("'", ""));
                }
            }
        }
        assertTrue(Bicep.flat(body).contains("dataActions: []"), symbol + " grants no data actions");
        return actions;
    }
}
