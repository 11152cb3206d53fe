package com.shiftsync.backup.infra;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
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
 * The image can back up and restore every server Azure runs, and survives an in-place upgrade:
 * the Dockerfile installs the PostgreSQL client of every major the Flexible Server API in use
 * accepts (PG_MAJORS), each one PGDG still ships, failing without the newest; nothing pins
 * PG_BIN_DIR to one major, and azd builds the image without the server's version.
 */
class InfraDockerTest {
    private static final Path DOCKERFILE = Path.of("Dockerfile");

    private static String dockerfile() throws IOException {
        // join continued lines, drop comments
        return Files.readString(DOCKERFILE).replaceAll("(?m)^\\s*#.*\\n", "").replace("\\\n", " ");
    }

    private static List<Integer> majorsOf(String dockerfile) {
        Matcher m = Pattern.compile("(?m)^ARG PG_MAJORS=\"([\\d ]+)\"$").matcher(dockerfile);
        assertTrue(m.find(), "the Dockerfile declares ARG PG_MAJORS=\"<majors>\" before its first FROM");
        return java.util.Arrays.stream(m.group(1).trim().split(" +")).map(Integer::valueOf).toList();
    }

    private static String flexibleServerApi() {
        Bicep postgres = Bicep.read(Bicep.INFRA.resolve("modules/postgres.bicep"));
        Set<String> apis = new TreeSet<>();
        for (Bicep.Resource r : postgres.resources()) {
            if (r.type().equals("Microsoft.DBforPostgreSQL/flexibleServers")) {
                apis.add(r.apiVersion());
            }
        }
        assertEquals(1, apis.size(), "one API version for the server, new or existing: " + apis);
        return apis.iterator().next();
    }

    @Test
    @DisplayName("the image installs postgresql-client-<major> for every major Flexible Server offers that PGDG ships, and fails without the newest")
    void everyMajorsClient() throws IOException {
        String dockerfile = dockerfile();
        List<Integer> majors = majorsOf(dockerfile);
        String api = flexibleServerApi();
        assertEquals(SERVER_VERSIONS_BY_API.get(api), majors, "PG_MAJORS vs the majors flexibleServers@" + api + " accepts");
        assertEquals(majors.stream().sorted().toList(), majors, "oldest first: the last is the newest");
        assertTrue(majors.contains(Integer.parseInt(Bicep.main().defaultOf("postgresVersion"))),
                "a new server of infra's default version gets its client");

        int from = dockerfile.indexOf("FROM mcr.microsoft.com/azure-functions/java:4-java17");
        assertTrue(from > 0, "runs on the Functions Java 17 base image");
        assertTrue(dockerfile.indexOf("ARG PG_MAJORS\n", from) > from, "PG_MAJORS is declared again in the final stage");
        assertTrue(dockerfile.contains("https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main"),
                "from the PGDG repository");
        String run = dockerfile.replaceAll("\\s+", " ");
        assertTrue(run.contains("for major in ${PG_MAJORS}; do "
                + "if apt-cache show \"postgresql-client-${major}\" >/dev/null 2>&1; then clients=\"${clients} ${major}\";"),
                "each major PGDG ships");
        assertTrue(run.contains("newest=\"${PG_MAJORS##* }\";")
                && run.contains("case \" ${clients} \" in *\" ${newest} \"*) ;; *) echo \"PGDG has no "
                + "postgresql-client-${newest}\" >&2; exit 1;; esac;"), "the build fails without the newest");
        assertTrue(run.contains("apt-get install -y --no-install-recommends $(for major in ${clients}; do echo "
                + "\"postgresql-client-${major}\"; done);"));
        assertTrue(run.contains("for major in ${clients}; do "
                + "\"/usr/lib/postgresql/${major}/bin/pg_dump\" --version | grep -q \"PostgreSQL) ${major}\\.\"; "
                + "\"/usr/lib/postgresql/${major}/bin/pg_restore\" --version | grep -q \"PostgreSQL) ${major}\\.\";"),
                "the build fails if a client is not of its major");
    }

    @Test
    @DisplayName("nothing pins PG_BIN_DIR to one major: the app's default finds every /usr/lib/postgresql/<major>/bin")
    void noPinnedClient() throws IOException {
        String dockerfile = dockerfile();
        assertFalse(dockerfile.contains("PG_BIN_DIR"), "the image sets no PG_BIN_DIR");
        assertFalse(dockerfile.contains("PG_MAJOR "), "no single PG_MAJOR");
        assertEquals("''", Bicep.main().objectVariable("appSettings").get("PG_BIN_DIR"), "infra leaves it empty");
        assertTrue(com.shiftsync.backup.config.Setting.PG_BIN_DIR.meaning().contains("every /usr/lib/postgresql/<major>/bin"),
                com.shiftsync.backup.config.Setting.PG_BIN_DIR.meaning());
    }

    /**
     * The majors each Flexible Server API version accepts for properties.version, as its Bicep
     * types list them (Azure/bicep-types-az, generated/postgresql/microsoft.dbforpostgresql/
     * &lt;version&gt;/types.md, ServerProperties.version). An API version missing here makes the
     * test fail until its list is added.
     */
    private static final Map<String, List<Integer>> SERVER_VERSIONS_BY_API = Map.of(
            "2024-08-01", List.of(11, 12, 13, 14, 15, 16),
            "2025-08-01", List.of(11, 12, 13, 14, 15, 16, 17, 18));

    @Test
    @DisplayName("every version infra allows is a major the Flexible Server API version in use accepts, and 11 to 17 are all allowed")
    void allowedVersions() {
        Bicep.Param version = Bicep.main().params().get("postgresVersion");
        String allowed = version.decorators().stream().filter(d -> d.startsWith("@allowed(")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("'(\\d+)'").matcher(allowed);
        List<Integer> majors = new ArrayList<>();
        while (m.find()) {
            majors.add(Integer.parseInt(m.group(1)));
        }
        String api = flexibleServerApi();
        List<Integer> accepted = SERVER_VERSIONS_BY_API.get(api);
        assertTrue(accepted != null, "flexibleServers@" + api + ": add the majors its Bicep types list to SERVER_VERSIONS_BY_API");
        List<Integer> refused = majors.stream().filter(major -> !accepted.contains(major)).toList();
        assertEquals(List.of(), refused, "flexibleServers@" + api + " accepts " + accepted + " only");
        assertTrue(majors.containsAll(List.of(11, 12, 13, 14, 15, 16, 17)), "every major Flexible Server runs: " + majors);
        assertTrue(majors.contains(Integer.parseInt(Bicep.main().defaultOf("postgresVersion"))), "the default is allowed");
    }

    @Test
    @DisplayName("azd builds the image without the server's version: no build argument, so an in-place upgrade needs no rebuild")
    void azdNeedsNoServerVersion() throws IOException {
        String azure = Files.readString(Path.of("azure.yaml"));
        assertFalse(azure.contains("buildArgs"), "azure.yaml docker.buildArgs: " + azure);
        assertFalse(azure.contains("POSTGRES_VERSION") || azure.contains("PG_MAJOR"), azure);
        assertTrue(azure.contains("path: ./Dockerfile") && azure.contains("host: function"), azure);
        assertTrue(azure.contains("path: infra") && azure.contains("module: main"), azure);
        String main = Bicep.main().code();
        assertTrue(main.contains("version: postgresVersion"), "a new server is still created at postgresVersion");
        assertTrue(main.contains("output POSTGRES_VERSION string = serverVersion"), "the server's version stays an output");
        String postgres = Bicep.read(Bicep.INFRA.resolve("modules/postgres.bicep")).code();
        assertTrue(postgres.contains("output version string = create ? created.properties.version : existingServer.properties.version"),
                "a new server's version, or the existing server's own");
    }

    @Test
    @DisplayName("the image keeps the Azure SDK's INFO chatter from the agent: its java.util.logging levels are WARNING, warnings kept")
    void sdkLogLevels() throws IOException {
        String dockerfile = dockerfile();
        int from = dockerfile.indexOf("FROM mcr.microsoft.com/azure-functions/java:4-java17");
        int set = dockerfile.indexOf("conf=\"${JAVA_HOME}/conf/logging.properties\";");
        assertTrue(set > from && from > 0, "the JDK's logging.properties of the image the app runs on");
        assertTrue(dockerfile.indexOf("test -f \"$conf\";", set) > set, "the build fails when the file is elsewhere");
        for (String logger : List.of("com.azure", "com.microsoft.aad.msal4j", "reactor", "io.netty")) {
            assertTrue(dockerfile.contains("'" + logger + ".level = WARNING'"), logger + " is not at WARNING");
        }
        assertTrue(Pattern.compile(">> \"\\$conf\";\\s+grep -qx 'com.azure.level = WARNING' \"\\$conf\"").matcher(dockerfile).find(),
                "appended to the JDK's defaults (root level and handlers stay), and checked");
        Matcher level = Pattern.compile("'([\\w.]+)\\.level = (\\w+)'").matcher(dockerfile);
        while (level.find()) {
            assertEquals("WARNING", level.group(2), level.group(1) + ": warnings must still reach Application Insights");
            assertTrue(!level.group(1).startsWith("com.shiftsync") && !level.group(1).isEmpty(), "the app's own events keep INFO");
        }
    }

    @Test
    @DisplayName("the image carries the app as mvn package lays it out, built without tests")
    void imageContents() throws IOException {
        String dockerfile = dockerfile();
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher name = Pattern.compile("<functionAppName>([^<]+)</functionAppName>").matcher(pom);
        assertTrue(name.find());
        assertTrue(dockerfile.contains("COPY --from=build /src/target/azure-functions/" + name.group(1) + " /home/site/wwwroot"),
                "copies target/azure-functions/" + name.group(1));
        assertTrue(dockerfile.contains("mvn -B -q -Dmaven.test.skip=true package"));
        for (String needed : List.of("COPY pom.xml host.json ./", "COPY src/main ./src/main")) {
            assertTrue(dockerfile.contains(needed), needed);
        }
        String ignore = Files.readString(Path.of(".dockerignore"));
        for (String kept : List.of("pom.xml", "host.json", "src/main")) {
            assertTrue(!ignore.lines().map(String::strip).toList().contains(kept), ".dockerignore drops " + kept);
        }
    }
}
