package com.shiftsync.backup.architecture;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The shape ARCHITECTURE.md fixes, checked on the sources: domain types, ports and jobs
 * import no Azure SDK and start no process; only adapters do, and only config wires them.
 * The mechanics (domain, port, telemetry) know no job; the doors hold no rules. Only
 * Settings reads the environment, and nothing anywhere builds the SDK's default credential
 * chain.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src", "main", "java", "com", "shiftsync", "backup");
    /** Packages that hold domain types, ports and jobs: no technology in them. */
    private static final List<String> CORE = List.of("domain", "port", "backup", "restore", "prune", "verify",
            "monitor", "operations", "recovery", "telemetry", "queued", "audit", "access", "report");
    /** The packages of jobs: the mechanics below them (domain, port, telemetry) import none of them. */
    private static final List<String> JOBS = List.of("backup", "restore", "prune", "verify", "monitor", "operations",
            "queued", "recovery", "report");
    /** Where the doors may refuse input themselves: parsing a request body or the command line. */
    private static final List<Path> PARSING = List.of(Path.of("functions", "RequestFields.java"),
            Path.of("cli", "OptionValues.java"));

    @Test
    @DisplayName("domain, ports and jobs import no com.azure and start no process")
    void coreIsPure() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = MAIN.relativize(file).getName(0).toString();
            if (!CORE.contains(pkg)) {
                continue;
            }
            String code = Files.readString(file);
            if (code.contains("import com.azure.") || code.contains("ProcessBuilder") || code.contains("Runtime.getRuntime().exec")
                    || code.contains("java.sql.")) {
                offenders.add(MAIN.relativize(file).toString());
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    @DisplayName("domain, port and telemetry import no job package: jobs report through them, not the other way")
    void mechanicsKnowNoJob() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            if (List.of("domain", "port", "telemetry").contains(pkg)) {
                for (String job : JOBS) {
                    if (Files.readString(file).contains("import com.shiftsync.backup." + job + ".")) {
                        offenders.add(MAIN.relativize(file) + " imports " + job);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    @DisplayName("only config and the adapters themselves import adapters: the doors and jobs see ports")
    void adaptersOnlyInConfig() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            if (!pkg.equals("config") && !pkg.equals("adapter")
                    && Files.readString(file).contains("import com.shiftsync.backup.adapter.")) {
                offenders.add(MAIN.relativize(file).toString());
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    @DisplayName("functions and cli refuse input only where they parse it; every other rule lives in a job or a domain type")
    void noRulesInTheDoors() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            if ((pkg.equals("functions") || pkg.equals("cli")) && !PARSING.contains(MAIN.relativize(file))
                    && Files.readString(file).contains("ShiftSyncException.badInput(")) {
                offenders.add(MAIN.relativize(file).toString());
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    @DisplayName("a log call hands the logger no raw exception: its message goes through Redaction (or is already a "
            + "ShiftSyncException's, redacted when made), and no Throwable is attached (the Application Insights agent "
            + "captures a record before any handler or filter could redact it)")
    void logCallsRedactAtTheSource() throws IOException {
        java.util.regex.Pattern call = java.util.regex.Pattern.compile(
                "\\bLOG\\.(warning|info|severe|fine|config|log)\\((?:[^;]|;(?=[^\\n]*\"))*?\\);",
                java.util.regex.Pattern.DOTALL);
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            java.util.regex.Matcher m = call.matcher(Files.readString(file));
            while (m.find()) {
                String stmt = m.group();
                boolean rawMessage = stmt.contains(".getMessage()") && !stmt.contains("Redaction.redact(")
                        && !stmt.contains("ShiftSyncException.wrap(");
                boolean thrown = stmt.startsWith("LOG.log(") && stmt.matches("(?s).*,\\s*\\w+\\s*\\);$")
                        && !stmt.matches("(?s).*\"\\s*\\);$");
                if (rawMessage || thrown) {
                    offenders.add(MAIN.relativize(file) + ": " + stmt.replaceAll("\\s+", " "));
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    @DisplayName("an operation's state is typed: no record of an operation state keeps a map of strings")
    void operationStateIsTyped() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String code = Files.readString(file);
            java.util.regex.Matcher record = java.util.regex.Pattern.compile(
                    "public record (\\w+)\\(([^)]*)\\)\\s*(?:implements[^{]*OperationState|\\{)").matcher(code);
            boolean isState = code.contains("implements OperationState") || file.endsWith(Path.of("domain",
                    "Operation.java"));
            while (isState && record.find()) {
                if (record.group(2).contains("Map<String, String>")) {
                    offenders.add(MAIN.relativize(file) + ": " + record.group(1));
                }
            }
        }
        assertEquals(List.of(), offenders, "give each thing an operation keeps a named, typed field");
    }

    @Test
    @DisplayName("status reads are reads: what answers GET /api/restores, /api/drills, /api/status and the CLI's "
            + "status never steps an operation, writes a record, or holds Resource Manager, a database or a secret writer")
    void readsAreReads() throws IOException {
        // the code, not its comments (which may well name the worker)
        String reads = Files.readString(MAIN.resolve(Path.of("operations", "Operations.java")))
                .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        for (String forbidden : List.of("ServerAdmin", "Database", "SecretWriter", "WorkQueue", "OperationWorker",
                "OperationStep", ".save(", ".create(", ".claimStep(")) {
            assertFalse(reads.contains(forbidden), "operations/Operations.java uses " + forbidden);
        }
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String rel = MAIN.relativize(file).toString();
            String code = Files.readString(file);
            boolean readPath = rel.startsWith("monitor/") || rel.startsWith("report/")
                    || rel.equals(Path.of("functions", "MonitorFunctions.java").toString())
                    || rel.equals(Path.of("functions", "DashboardFunctions.java").toString())
                    || rel.equals(Path.of("cli", "StatusCommand.java").toString());
            if (readPath && (code.contains("OperationWorker") || code.contains("operationWorker()"))) {
                offenders.add(rel);
            }
        }
        for (String door : List.of("RestoreFunctions.java", "DrillFunctions.java")) {
            String code = Files.readString(MAIN.resolve(Path.of("functions", door)));
            if (code.contains("operationWorker()")) {
                offenders.add("functions/" + door);
            }
        }
        assertEquals(List.of(), offenders, "status reads go through operations.Operations, which only reads");
    }

    @Test
    @DisplayName("only config/Settings reads the environment")
    void oneDoorToTheEnvironment() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String code = Files.readString(file);
            if (code.contains("System.getenv(") && !file.endsWith(Path.of("config", "Settings.java"))
                    && !file.endsWith(Path.of("adapter", "pg", "PgBinaries.java"))) {
                offenders.add(MAIN.relativize(file).toString());
            }
        }
        assertEquals(List.of(), offenders, "read settings through config.Settings");
    }

    @Test
    @DisplayName("nothing builds the SDK's default credential chain (it probes the instance metadata service, IMDS)")
    void noDefaultCredentialChain() throws IOException {
        String chain = "Default" + "AzureCredentialBuilder";
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> all = Files.walk(Path.of("src"))) {
            for (Path file : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(file).contains(chain)) {
                    offenders.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    @DisplayName("only adapter/azure builds or implements Azure credentials")
    void credentialsInOnePlace() throws IOException {
        List<Path> allowed = List.of(Path.of("adapter", "azure", "AzureCredentials.java"),
                Path.of("adapter", "azure", "AppServiceManagedIdentityCredential.java"));
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String code = Files.readString(file);
            if (!allowed.contains(MAIN.relativize(file)) && (code.contains("import com.azure.identity.")
                    || code.matches("(?s).*implements[^{]*\\bTokenCredential\\b.*"))) {
                offenders.add(MAIN.relativize(file).toString());
            }
        }
        assertEquals(List.of(), offenders, "build credentials in adapter/azure/AzureCredentials");
    }

    private static String packageOf(Path file) {
        return MAIN.relativize(file).getName(0).toString();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> all = Files.walk(MAIN)) {
            return all.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }
}
