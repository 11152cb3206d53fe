package com.shiftsync.backup.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.blob.BlobHistoryLog;
import com.shiftsync.backup.config.Setting;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backup storage account has every container and queue the code uses (derived from the
 * code by {@link CodeFacts}), and the protections the issue asks for: HTTPS and TLS 1.2 only,
 * no public blobs, no shared keys, soft delete, blob versioning, version-level immutability on the
 * backup container (and the app's right to lock backups there), lifecycle rules that never reach a
 * current backup, and a time-based immutability policy on the audit log.
 */
class InfraStorageTest {
    private static final Bicep MAIN = Bicep.main();
    private static final Bicep STORAGE = Bicep.read(Bicep.INFRA.resolve("modules/storage.bicep"));
    private static final Bicep HOST_STORAGE = Bicep.read(Bicep.INFRA.resolve("modules/host-storage.bicep"));

    /** The containers infra creates: var blobContainers, each a parameter resolved to its default. */
    static Set<String> infraContainers() {
        Set<String> names = new TreeSet<>();
        for (String item : MAIN.arrayVariable("blobContainers")) {
            names.add(MAIN.resolve(item).orElseThrow(() -> new AssertionError("container " + item + " is not plain")));
        }
        return names;
    }

    /** The queues infra creates: var workQueues, the one place they are named. */
    static Set<String> infraQueues() {
        Set<String> names = new TreeSet<>();
        for (String item : MAIN.arrayVariable("workQueues")) {
            names.add(MAIN.resolve(item).orElseThrow(() -> new AssertionError("queue " + item + " is not a literal")));
        }
        return names;
    }

    @Test
    @DisplayName("every container the code uses is created, and the app settings name the same containers")
    void containers() {
        Set<String> missing = new TreeSet<>(CodeFacts.containers());
        missing.removeAll(infraContainers());
        assertEquals(Set.of(), missing, "add these to var blobContainers in infra/main.bicep");
        assertTrue(infraContainers().containsAll(Set.of("shiftsync-backups", "uploads", "audit")), "the issue's three");
        Map<String, String> settings = MAIN.objectVariable("appSettings");
        for (Map.Entry<String, String> e : CodeFacts.containerSettings().entrySet()) {
            String expression = settings.get(e.getKey());
            assertTrue(expression != null, e.getKey() + " is not an app setting");
            assertTrue(MAIN.arrayVariable("blobContainers").contains(expression),
                    e.getKey() + " = " + expression + " is not one of the created containers");
        }
    }

    @Test
    @DisplayName("every queue the code uses is created, from the one list var workQueues")
    void queues() {
        Set<String> missing = new TreeSet<>(CodeFacts.queues());
        missing.removeAll(infraQueues());
        assertEquals(Set.of(), missing, "add these to var workQueues in infra/main.bicep");
        assertTrue(infraQueues().containsAll(Set.of("restore-requests", "backup-requests")));
        assertTrue(MAIN.code().contains("queueNames: workQueues"), "the storage module gets var workQueues");
        assertTrue(MAIN.code().contains("containerNames: blobContainers"), "the storage module gets var blobContainers");
        assertTrue(STORAGE.code().contains("for queueName in queueNames:"));
        assertTrue(STORAGE.code().contains("for containerName in containerNames:"));
        for (String queue : infraQueues()) {
            assertTrue(queue.matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}"), "not a valid queue name: " + queue);
        }
    }

    @Test
    @DisplayName("binding connections are identity-based settings of the backup account")
    void bindingConnections() {
        Map<String, String> settings = MAIN.objectVariable("appSettings");
        for (String connection : CodeFacts.bindingConnections()) {
            assertTrue(settings.containsKey(connection + "__queueServiceUri") || settings.containsKey(connection + "__blobServiceUri"),
                    "connection " + connection + " needs " + connection + "__queueServiceUri (identity-based)");
            assertEquals("'managedidentity'", settings.get(connection + "__credential"), connection);
            assertTrue(!settings.containsKey(connection), connection + " must not be a connection string");
        }
    }

    @Test
    @DisplayName("both accounts: HTTPS only, TLS 1.2, no public blob access, no shared keys")
    void accountsAreLockedDown() {
        for (Bicep account : List.of(STORAGE, HOST_STORAGE)) {
            String body = account.resourceBody("account");
            for (String property : List.of("supportsHttpsTrafficOnly: true", "minimumTlsVersion: 'TLS1_2'",
                    "allowBlobPublicAccess: false", "allowSharedKeyAccess: false", "defaultToOAuthAuthentication: true")) {
                assertTrue(body.contains(property), account.file() + " lacks " + property);
            }
        }
        assertTrue(STORAGE.resourceBody("containers").contains("publicAccess: 'None'"));
    }

    @Test
    @DisplayName("soft delete for blobs and containers")
    void softDelete() {
        String body = Bicep.flat(STORAGE.resourceBody("blobService"));
        assertTrue(body.contains(" deleteRetentionPolicy: { enabled: true days: softDeleteDays }"), body);
        assertTrue(body.contains("containerDeleteRetentionPolicy: { enabled: true days: softDeleteDays }"), body);
        assertTrue(Integer.parseInt(MAIN.defaultOf("softDeleteDays")) >= 7);
    }

    @Test
    @DisplayName("lifecycle: uploads (and their previous versions) deleted after 1 day; every tier's backups cooled; "
            + "previous versions of backup blobs deleted well after the app's retention")
    void lifecycle() {
        assertTrue(MAIN.code().contains("uploadsDeleteAfterDays: 1\n"));
        assertTrue(MAIN.code().contains(
                "backupVersionsDeleteAfterDays: max(azureRetentionDays, weeklyRetentionDays) + lifecycleGraceDays"));
        assertTrue(Integer.parseInt(MAIN.defaultOf("lifecycleGraceDays")) >= 30, "grace of at least a month");
        assertTrue(MAIN.params().get("lifecycleGraceDays").decorators().contains("@minValue(30)"));

        String rules = Bicep.flat(STORAGE.resourceBody("lifecycle"));
        assertTrue(rules.contains("'${uploadsContainer}/'") && rules.contains("daysAfterModificationGreaterThan: uploadsDeleteAfterDays"));
        assertTrue(rules.contains("version: { delete: { daysAfterCreationGreaterThan: uploadsDeleteAfterDays } }"),
                "a deleted upload's previous version goes too (the guide's 24 h)");
        assertTrue(rules.contains("prefixMatch: backupTierPrefixes"));
        assertTrue(rules.contains("tierToCool: { daysAfterModificationGreaterThan: backupCoolAfterDays }"));
        assertTrue(rules.contains("version: { delete: { daysAfterCreationGreaterThan: backupVersionsDeleteAfterDays } }"));
        List<String> prefixes = STORAGE.arrayVariable("backupTierPrefixes");
        for (String tier : CodeFacts.tierFolders()) {
            assertTrue(prefixes.contains("'${backupContainer}/" + tier + "/'"), "lifecycle rules miss tier " + tier);
        }
        assertEquals(CodeFacts.tierFolders().size(), prefixes.size(), "only tier folders (never locks/): " + prefixes);
    }

    /** The rules of the lifecycle policy, each flattened: {@code { name: '...' ... }}. */
    private static List<String> rules() {
        String all = Bicep.flat(STORAGE.resourceBody("lifecycle"));
        List<String> rules = new ArrayList<>();
        Matcher name = Pattern.compile("\\{ name: '").matcher(all);
        List<Integer> starts = new ArrayList<>();
        while (name.find()) {
            starts.add(name.start());
        }
        for (int i = 0; i < starts.size(); i++) {
            rules.add(all.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : all.length()));
        }
        return rules;
    }

    @Test
    @DisplayName("no lifecycle rule can reach a backup inside its retention, nor the newest good one: no rule on the "
            + "tier folders deletes a current blob (only the app's retention does), and a previous version goes only "
            + "once first written longer ago than the longest retention and a month")
    void lifecycleCannotReachALiveBackup() {
        List<String> onBackups = rules().stream().filter(r -> r.contains("prefixMatch: backupTierPrefixes")).toList();
        assertEquals(2, onBackups.size(), "cooling, and previous versions: " + onBackups);
        for (String rule : onBackups) {
            Matcher base = Pattern.compile("baseBlob: \\{(.*?)\\} \\}").matcher(rule);
            if (base.find()) {
                assertTrue(!base.group(1).contains("delete"), "a rule deletes current backups: " + rule);
            }
            assertTrue(!rule.contains("snapshot:"), rule);
            Matcher days = Pattern.compile("version: \\{ delete: \\{ daysAfterCreationGreaterThan: (\\w+) \\}").matcher(rule);
            if (days.find()) {
                assertEquals("backupVersionsDeleteAfterDays", days.group(1), rule);
            }
        }
        int longest = Math.max(Integer.parseInt(MAIN.defaultOf("azureRetentionDays")),
                Integer.parseInt(MAIN.defaultOf("weeklyRetentionDays")));
        int versionsGo = longest + Integer.parseInt(MAIN.defaultOf("lifecycleGraceDays"));
        assertTrue(versionsGo >= longest + 30, versionsGo + " days");
        // every other rule is confined to a container that holds no backup
        for (String rule : rules()) {
            if (!onBackups.contains(rule)) {
                assertTrue(rule.contains("'${uploadsContainer}/'") || rule.contains("'${operationsContainer}/'"), rule);
            }
        }
    }

    @Test
    @DisplayName("blob versioning on; version-level immutability on the backup container and no other; the app may "
            + "lock blobs there (one data action, on that container) and nothing more")
    void immutableBackupContainer() {
        String service = Bicep.flat(STORAGE.resourceBody("blobService"));
        assertTrue(service.contains("isVersioningEnabled: true"), service);
        String containers = Bicep.flat(STORAGE.resourceBody("containers"));
        assertTrue(containers.contains("properties: union({ publicAccess: 'None' }, containerName == backupContainer "
                + "? { immutableStorageWithVersioning: { enabled: true } } : {})"), containers);
        assertEquals(1, STORAGE.code().split("immutableStorageWithVersioning", -1).length - 1);

        Bicep role = Bicep.read(Bicep.INFRA.resolve("modules/backup-immutability.bicep"));
        String definition = Bicep.flat(role.resourceBody("backupLocker"));
        assertTrue(definition.contains("actions: [] notActions: [] dataActions: [ lockAction ] notDataActions: []"),
                definition);
        assertTrue(role.code().contains("var lockAction = 'Microsoft.Storage/storageAccounts/blobServices/containers/"
                + "blobs/immutableStorage/runAsSuperUser/action'"));
        assertTrue(definition.contains("assignableScopes: [ resourceGroup().id ]"), definition);
        String assignment = Bicep.flat(role.resourceBody("lockBackups"));
        assertTrue(assignment.contains("scope: container ") && assignment.contains("principalType: 'ServicePrincipal'"),
                assignment);
        assertTrue(Bicep.flat(role.resourceBody("container")).contains("name: backupContainer"));
        String module = Bicep.flat(MAIN.code().substring(MAIN.code().indexOf("module backupImmutability ")));
        assertTrue(module.startsWith("module backupImmutability 'modules/backup-immutability.bicep' = { name: "
                + "'backup-immutability' scope: rg params: { principalId: functionApp.outputs.principalId "
                + "backupStorageName: storage.outputs.name backupContainer: backupContainer"), module);
        for (Path file : Bicep.files()) {
            if (!file.endsWith("backup-immutability.bicep")) {
                assertTrue(!Bicep.read(file).code().contains("immutableStorage/runAsSuperUser"), file.toString());
            }
            assertTrue(!Bicep.read(file).code().contains("deleteBlobVersion"), file + " lets someone delete versions");
        }
    }

    @Test
    @DisplayName("no lifecycle rule reaches the history (history/ in the backup container): every rule has prefixes, "
            + "and none of them is a prefix of the history's blobs, so the history outlives every backup it describes")
    void lifecycleSparesTheHistory() {
        String rules = Bicep.flat(STORAGE.resourceBody("lifecycle"));
        int ruleCount = rules.split("type: 'Lifecycle'", -1).length - 1;
        Matcher m = Pattern.compile("prefixMatch: (\\[[^\\]]*\\]|\\w+)").matcher(rules);
        List<String> prefixes = new ArrayList<>();
        int filtered = 0;
        while (m.find()) {
            filtered++;
            String match = m.group(1);
            List<String> items = match.startsWith("[")
                    ? List.of(match.substring(1, match.length() - 1).trim().split("\\s+"))
                    : STORAGE.arrayVariable(match);
            for (String item : items) {
                prefixes.add(item.replace("'", "").replace("${backupContainer}", Setting.BACKUP_CONTAINER.defaultValue())
                        .replace("${uploadsContainer}", Setting.UPLOADS_CONTAINER.defaultValue()));
            }
        }
        assertEquals(ruleCount, filtered, "a rule without prefixMatch would reach every blob: " + rules);
        String history = Setting.BACKUP_CONTAINER.defaultValue() + "/" + BlobHistoryLog.PREFIX + "2024-03.jsonl";
        for (String prefix : prefixes) {
            assertTrue(!prefix.isEmpty() && !history.startsWith(prefix), "lifecycle prefix " + prefix + " reaches " + history);
        }
        assertTrue(prefixes.contains("shiftsync-backups/daily/"), prefixes.toString());
    }

    @Test
    @DisplayName("the audit container has a time-based immutability policy that still allows appends")
    void auditImmutability() {
        String policy = STORAGE.resourceBody("auditImmutability");
        assertTrue(policy.contains("immutabilityPeriodSinceCreationInDays: auditImmutabilityDays"));
        assertTrue(policy.contains("allowProtectedAppendWrites: true"), "the audit log appends to append blobs");
        assertTrue(STORAGE.resourceBody("audit").contains("name: auditContainer"));
        assertTrue(MAIN.code().contains("auditContainer: auditContainer"));
        assertEquals("audit", MAIN.defaultOf("auditContainer"));
        assertTrue(Integer.parseInt(MAIN.defaultOf("auditImmutabilityDays")) >= 30);
    }

    @Test
    @DisplayName("once the audit policy is locked, provision no longer sends the create-or-update a locked policy refuses")
    void lockedAuditPolicyIsLeftAlone() throws IOException {
        assertTrue(STORAGE.code().contains("resource auditImmutability "
                        + "'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' "
                        + "= if (!auditImmutabilityLocked) {"),
                "the unlocked policy is declared only while auditImmutabilityLocked is false");
        assertEquals("false", MAIN.defaultOf("auditImmutabilityLocked"), "a new deployment creates the policy");
        assertEquals("bool", MAIN.params().get("auditImmutabilityLocked").type());
        assertTrue(MAIN.code().contains("auditImmutabilityLocked: auditImmutabilityLocked\n"));
        JsonNode parameters = Json.MAPPER.readTree(Bicep.INFRA.resolve("main.parameters.json").toFile()).get("parameters");
        assertEquals("${AUDIT_IMMUTABILITY_LOCKED=false}", parameters.get("auditImmutabilityLocked").get("value").asText());
        // nothing else in infra may write the policy (a lock action, or a second policy resource)
        for (Path file : Bicep.files()) {
            String code = Bicep.read(file).code();
            int policies = code.split("/immutabilityPolicies@", -1).length - 1;
            assertTrue(policies == (file.endsWith("storage.bicep") ? 1 : 0), file + " declares " + policies + " immutability policies");
            assertTrue(!code.contains("lockImmutabilityPolicy") && !code.contains("/lock'"), file + " locks the policy");
        }
    }

    @Test
    @DisplayName("lifecycle deletion comes long after the app's retention defaults")
    void lifecycleAfterRetention() {
        Pattern days = Pattern.compile("param (\\w+RetentionDays) int = (\\d+)");
        Matcher m = days.matcher(MAIN.code());
        int longest = 0;
        while (m.find()) {
            longest = Math.max(longest, Integer.parseInt(m.group(2)));
        }
        int deleteAfter = Math.max(Integer.parseInt(MAIN.defaultOf("azureRetentionDays")),
                Integer.parseInt(MAIN.defaultOf("weeklyRetentionDays"))) + Integer.parseInt(MAIN.defaultOf("lifecycleGraceDays"));
        assertTrue(deleteAfter >= longest + 30, deleteAfter + " days is too close to retention " + longest);
    }
}
