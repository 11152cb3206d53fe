package com.shiftsync.backup.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a Bicep build would catch first, checked by reading since none can run here: every
 * module main.bicep names exists, every parameter a module is given is declared by it and
 * every one it requires is given, main.parameters.json names only main's parameters and gives
 * every required one, and each resource type uses one API version everywhere. And what azd
 * does with them: the variables main.parameters.json reads are azd's own or documented, and
 * the image azd pushes is the one every later provision deploys.
 */
class InfraTemplateTest {
    private static final Pattern MODULE = Pattern.compile(
            "(?m)^module (\\w+) '([^']+)' = (?:if \\([^)]*\\) |\\[\\n\\s+for [^:\\n]+: )?\\{$");
    private static final Path AZURE_YAML = Path.of("azure.yaml");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?:=([^}]*))?}");

    /** The variables azd itself puts into every provision (azd's environment package and bicep provider). */
    private static final Set<String> SET_BY_AZD = Set.of("AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_PRINCIPAL_ID",
            "AZURE_PRINCIPAL_TYPE");

    /** The earliest azd that deploys a container image to a service with host: function (its 1.30.0 changelog). */
    private static final List<Integer> AZD_CONTAINER_FUNCTIONS = List.of(1, 30, 0);

    static JsonNode parametersFileValues() throws IOException {
        return Json.MAPPER.readTree(Bicep.INFRA.resolve("main.parameters.json").toFile()).get("parameters");
    }

    /** The service names under azure.yaml's services: (two-space indented keys). */
    static List<String> azureYamlServices() throws IOException {
        List<String> services = new ArrayList<>();
        boolean inServices = false;
        for (String line : Files.readAllLines(AZURE_YAML)) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (!line.startsWith(" ")) {
                inServices = line.equals("services:");
                continue;
            }
            Matcher service = Pattern.compile("^  ([A-Za-z0-9_-]+):\\s*$").matcher(line);
            if (inServices && service.matches()) {
                services.add(service.group(1));
            }
        }
        return services;
    }

    @Test
    @DisplayName("every module exists, gets only parameters it declares, and every parameter it requires")
    void modules() {
        Bicep main = Bicep.main();
        Matcher m = MODULE.matcher(main.code());
        List<String> problems = new ArrayList<>();
        int modules = 0;
        while (m.find()) {
            modules++;
            Path file = Bicep.INFRA.resolve(m.group(2));
            if (!Files.isRegularFile(file)) {
                problems.add(m.group(1) + ": no file " + file);
                continue;
            }
            Map<String, Bicep.Param> declared = Bicep.read(file).params();
            Set<String> given = givenParams(main.code(), m.end());
            for (String p : given) {
                if (!declared.containsKey(p)) {
                    problems.add(m.group(1) + " is given " + p + ", which " + file + " does not declare");
                }
            }
            for (Bicep.Param p : declared.values()) {
                if (p.defaultValue() == null && !given.contains(p.name())) {
                    problems.add(m.group(1) + " is not given " + p.name() + ", which " + file + " requires");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(modules >= 10, "found " + modules + " modules");
    }

    @Test
    @DisplayName("main.parameters.json gives only parameters of main.bicep, and every one main requires")
    void parametersFile() throws IOException {
        JsonNode parameters = Json.MAPPER.readTree(Bicep.INFRA.resolve("main.parameters.json").toFile()).get("parameters");
        Map<String, Bicep.Param> declared = Bicep.main().params();
        Set<String> given = new TreeSet<>();
        for (Iterator<String> it = parameters.fieldNames(); it.hasNext(); ) {
            given.add(it.next());
        }
        Set<String> unknown = new TreeSet<>(given);
        unknown.removeAll(declared.keySet());
        assertEquals(Set.of(), unknown);
        Set<String> required = new TreeSet<>();
        for (Bicep.Param p : declared.values()) {
            if (p.defaultValue() == null) {
                required.add(p.name());
            }
        }
        required.removeAll(given);
        assertEquals(Set.of(), required, "required by main.bicep, missing from main.parameters.json");
    }

    @Test
    @DisplayName("every provision deploys the image azd pushed: containerImage is SERVICE_<service>_IMAGE_NAME of azure.yaml's one service")
    void provisionKeepsTheDeployedImage() throws IOException {
        List<String> services = azureYamlServices();
        assertEquals(1, services.size(), "azure.yaml services: " + services);
        String service = services.get(0);
        // azd's environment.SetServiceProperty(name, "IMAGE_NAME", image): SERVICE_ + upper case, '-' as '_'
        String variable = "SERVICE_" + service.toUpperCase(Locale.ROOT).replace('-', '_') + "_IMAGE_NAME";
        assertEquals("${" + variable + "=}", parametersFileValues().get("containerImage").get("value").asText(),
                "containerImage must be the variable azd sets after it pushes the image (empty before the first deploy)");
        String site = Bicep.flat(Bicep.read(Bicep.INFRA.resolve("modules/functionapp.bicep")).resourceBody("site"));
        assertTrue(site.contains("'azd-service-name': '" + service + "'"), "azd finds the Function App by this tag: " + site);
        assertTrue(Bicep.flat(Bicep.main().code()).contains(
                        "image: !empty(containerImage) ? containerImage : 'mcr.microsoft.com/azure-functions/java:4-java17'"),
                "the base image only while azd has pushed none");
    }

    @Test
    @DisplayName("azure.yaml requires azd 1.30.0 or later, the first that deploys a container image to host: function")
    void azdVersion() throws IOException {
        String azure = Files.readString(AZURE_YAML);
        Matcher required = Pattern.compile("(?m)^requiredVersions:\\n  azd: '>= (\\d+)\\.(\\d+)\\.(\\d+)'$").matcher(azure);
        assertTrue(required.find(), "azure.yaml has no requiredVersions.azd of the form '>= x.y.z'");
        List<Integer> version = List.of(Integer.parseInt(required.group(1)), Integer.parseInt(required.group(2)),
                Integer.parseInt(required.group(3)));
        int order = 0;
        for (int i = 0; i < 3 && order == 0; i++) {
            order = Integer.compare(version.get(i), AZD_CONTAINER_FUNCTIONS.get(i));
        }
        assertTrue(order >= 0, "azd " + version + " zip-deploys a host: function service; needs " + AZD_CONTAINER_FUNCTIONS);
        assertTrue(azure.contains("    language: docker\n    host: function\n"), azure);
    }

    @Test
    @DisplayName("every variable main.parameters.json reads is azd's own or named in README's parameters table beside its parameter")
    void parameterVariablesAreDocumented() throws IOException {
        String table = readmeParametersTable();
        List<String> undocumented = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = parametersFileValues().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            Matcher variable = VARIABLE.matcher(p.getValue().get("value").asText());
            assertTrue(variable.find(), p.getKey() + " takes no variable: " + p.getValue());
            String name = variable.group(1);
            boolean setByAzd = SET_BY_AZD.contains(name) || name.matches("SERVICE_[A-Z0-9_]+_IMAGE_NAME");
            if (!table.contains("`" + p.getKey() + "`")) {
                undocumented.add(p.getKey());
            }
            if (!table.contains("`" + name + "`") && !setByAzd) {
                undocumented.add(p.getKey() + " (" + name + ")");
            }
        }
        assertEquals(List.of(), undocumented, "not in README's 'Parameters' table under 'Deploying to Azure'");
        assertTrue(table.contains("`principalType` (`AZURE_PRINCIPAL_TYPE`)"), "a CI service principal can deploy");
    }

    /** README.md's table under "### Parameters" in "## Deploying to Azure". */
    static String readmeParametersTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n## Deploying to Azure\n");
        assertTrue(section >= 0, "README has no 'Deploying to Azure' section");
        int start = readme.indexOf("\n### Parameters\n", section);
        assertTrue(start >= 0, "'Deploying to Azure' has no 'Parameters' table");
        int end = readme.indexOf("\n### ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** Regions Microsoft lists without a pair ("Azure region pairs and nonpaired regions", June 2026). */
    private static final Set<String> NONPAIRED = Set.of("austriaeast", "belgiumcentral", "chilecentral", "denmarkeast",
            "indonesiacentral", "israelcentral", "italynorth", "malaysiawest", "mexicocentral", "newzealandnorth",
            "polandcentral", "qatarcentral", "spaincentral");

    @Test
    @DisplayName("a new server (geo-redundant backup) is refused in a region without a pair, from infra's one list of region pairs")
    void geoRedundantBackupNeedsAPair() {
        Bicep main = Bicep.main();
        Map<String, String> pairs = main.objectVariable("regionPairs");
        assertTrue(pairs.size() >= 40, "region pairs: " + pairs.size());
        pairs.forEach((region, pair) -> {
            assertTrue(region.matches("[a-z0-9]+") && pair.matches("'[a-z0-9]+'"), region + ": " + pair);
            assertTrue(!pair.equals("'" + region + "'"), region + " is its own pair");
        });
        Map<String, String> published = Map.of("westeurope", "northeurope", "northeurope", "westeurope", "eastus", "westus",
                "westus3", "eastus", "brazilsouth", "southcentralus", "centralus", "eastus2", "uksouth", "ukwest",
                "swedencentral", "swedensouth", "japaneast", "japanwest", "australiaeast", "australiasoutheast");
        published.forEach((region, pair) -> assertEquals("'" + pair + "'", pairs.get(region), region));
        List<String> listed = NONPAIRED.stream().filter(pairs::containsKey).toList();
        assertEquals(List.of(), listed, "regions without a pair");

        String code = Bicep.flat(main.code());
        assertTrue(code.contains("var postgresLocation = !createPostgresServer || contains(regionPairs, "
                + "toLower(replace(location, ' ', ''))) ? location : fail(noPairForGeoBackup)"), "refused before anything is created");
        assertTrue(code.contains("var noPairForGeoBackup = 'createPostgresServer: a new server gets geo-redundant backup")
                && code.contains("has no pair."), "the refusal says why");
        assertTrue(code.contains("params: { create: createPostgresServer location: postgresLocation"), "the server gets the checked region");
        String server = Bicep.flat(Bicep.read(Bicep.INFRA.resolve("modules/postgres.bicep")).resourceBody("created"));
        assertTrue(server.contains("geoRedundantBackup: 'Enabled'"), "a new server is the one with geo-redundant backup");
        assertTrue(code.contains("output POSTGRES_PAIRED_REGION string = regionPairs[?serverRegion] ?? ''"),
                "the geo-restore target is the source's pair");
        for (Path file : Bicep.files()) {
            if (!file.equals(Bicep.MAIN)) {
                assertTrue(!Bicep.read(file).code().contains("northeurope"), file + " keeps a second list of regions");
            }
        }
    }

    @Test
    @DisplayName("README's geo-restore example goes to the pair of the region README deploys to, not to that region")
    void readmeGeoRestoreUsesThePair() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("\n## Deploying to Azure\n"));
        Matcher deployedTo = Pattern.compile("azd env set AZURE_LOCATION ([a-z0-9]+)").matcher(section);
        assertTrue(deployedTo.find(), "README deploys to no region");
        String region = deployedTo.group(1);
        String pair = Bicep.main().objectVariable("regionPairs").get(region);
        assertTrue(pair != null, region + " has no pair in infra");
        String example = "e.g. `" + pair.replace("'", "") + "` for a server in `" + region + "`";
        assertTrue(section.contains(example), "the geo-restore example: " + example);
    }

    @Test
    @DisplayName("each resource type has one API version across infra/")
    void oneApiVersionPerType() {
        Map<String, Set<String>> versions = new TreeMap<>();
        for (Path file : Bicep.files()) {
            for (Bicep.Resource r : Bicep.read(file).resources()) {
                versions.computeIfAbsent(parent(r.type()), k -> new TreeSet<>()).add(r.apiVersion());
            }
        }
        List<String> mixed = new ArrayList<>();
        versions.forEach((type, v) -> {
            if (v.size() > 1) {
                mixed.add(type + " " + v);
            }
        });
        assertEquals(List.of(), mixed);
        for (Set<String> v : versions.values()) {
            for (String version : v) {
                assertTrue(version.matches("\\d{4}-\\d{2}-\\d{2}"), "a preview API version: " + version);
            }
        }
        assertTrue(versions.keySet().containsAll(List.of("Microsoft.Web", "Microsoft.Storage", "Microsoft.KeyVault",
                "Microsoft.Insights/scheduledQueryRules", "Microsoft.DBforPostgreSQL")), versions.keySet().toString());
    }

    @Test
    @DisplayName("an Elastic Premium Linux plan (host.json's 6-hour functionTimeout needs Premium) running the container with its managed identity")
    void hosting() throws IOException {
        Bicep app = Bicep.read(Bicep.INFRA.resolve("modules/functionapp.bicep"));
        String plan = Bicep.flat(app.resourceBody("plan"));
        assertTrue(plan.contains("tier: 'ElasticPremium'") && plan.contains("reserved: true"), plan);
        String allowed = Bicep.main().params().get("planSku").decorators().get(0);
        Matcher sku = Pattern.compile("'([^']*)'").matcher(allowed);
        int skus = 0;
        while (sku.find()) {
            skus++;
            assertTrue(sku.group(1).matches("EP[1-3]"), "not an Elastic Premium size: " + sku.group(1));
        }
        assertTrue(allowed.startsWith("@allowed(") && skus == 3, allowed);
        String site = Bicep.flat(app.resourceBody("site"));
        for (String expected : List.of("kind: 'functionapp,linux,container'", "type: 'SystemAssigned'", "httpsOnly: true",
                "linuxFxVersion: 'DOCKER|${image}'", "acrUseManagedIdentityCreds: true",
                "ftpsState: 'Disabled'", "minTlsVersion: '1.2'", "for setting in items(appSettings):")) {
            assertTrue(site.contains(expected), "site lacks " + expected);
        }
        JsonNode host = Json.MAPPER.readTree(Path.of("host.json").toFile());
        assertEquals("06:00:00", host.get("functionTimeout").asText());
    }

    @Test
    @DisplayName("one always-ready instance and no scale-out, so no scale-in ever stops a running export")
    void oneInstance() {
        Bicep app = Bicep.read(Bicep.INFRA.resolve("modules/functionapp.bicep"));
        assertTrue(app.code().contains("\nvar instances = 1\n"), "one instance");
        String plan = Bicep.flat(app.resourceBody("plan"));
        assertTrue(plan.contains("capacity: instances"), "the plan's always-ready instances: " + plan);
        assertTrue(plan.contains("maximumElasticWorkerCount: instances"), "the plan's burst limit: " + plan);
        String site = Bicep.flat(app.resourceBody("site"));
        assertTrue(site.contains("minimumElasticInstanceCount: instances"), "the site's always-ready instances: " + site);
        assertTrue(site.contains("functionAppScaleLimit: instances"), "the site's scale-out limit: " + site);
        List<String> counts = new ArrayList<>();
        Matcher m = Pattern.compile("(maximumElasticWorkerCount|minimumElasticInstanceCount|functionAppScaleLimit|capacity): (\\S+)")
                .matcher(app.code());
        while (m.find()) {
            counts.add(m.group(1) + "=" + m.group(2));
        }
        assertEquals(4, counts.size(), "each count set once, from var instances: " + counts);
        assertTrue(counts.stream().allMatch(c -> c.endsWith("=instances")), counts.toString());
        assertTrue(!app.params().containsKey("maximumInstances"), "no parameter can scale the app out");
    }

    @Test
    @DisplayName("Easy Auth, when configured, requires a token for everything but GET /api/status")
    void easyAuth() {
        String auth = Bicep.flat(Bicep.read(Bicep.INFRA.resolve("modules/functionapp.bicep")).resourceBody("auth"));
        assertTrue(auth.contains("requireAuthentication: true"));
        assertTrue(auth.contains("unauthenticatedClientAction: 'Return401'"));
        assertTrue(auth.contains("excludedPaths: [ '/api/status' ]"), auth);
    }

    /** The parameter names in the params: { ... } block of the module declared before {@code from}. */
    private static Set<String> givenParams(String code, int from) {
        Matcher found = Pattern.compile("\n\\s+params: \\{").matcher(code);
        int params = found.find(from) ? found.start() : -1;
        int next = code.indexOf("\nmodule ", from);
        Set<String> names = new TreeSet<>();
        if (params < 0 || next >= 0 && params > next) {
            return names;
        }
        int depth = 0;
        for (String line : code.substring(params + 1).split("\n")) {
            String trimmed = line.strip();
            if (depth == 1 && trimmed.matches("\\w+:.*")) {
                names.add(trimmed.substring(0, trimmed.indexOf(':')));
            }
            depth += count(trimmed, '{') + count(trimmed, '[') - count(trimmed, '}') - count(trimmed, ']');
            if (depth <= 0) {
                break;
            }
        }
        return names;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(ch -> ch == c).count();
    }

    /** Child types share their provider's version family: Microsoft.Storage/... all one version. */
    private static String parent(String type) {
        String[] parts = type.split("/");
        return switch (parts[0]) {
            case "Microsoft.Insights", "Microsoft.Authorization", "Microsoft.Resources" -> parts[0] + "/" + parts[1];
            default -> parts[0];
        };
    }
}
