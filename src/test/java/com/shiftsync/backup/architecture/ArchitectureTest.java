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

/**
 * The shape ARCHITECTURE.md fixes, checked on the sources: domain types, ports and jobs
 * import no Azure SDK and start no process; only adapters do. Only Settings reads the
 * environment, and nothing anywhere builds the SDK's default credential chain.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src", "main", "java", "com", "shiftsync", "backup");
    /** Packages that hold domain types, ports and jobs: no technology in them. */
    private static final List<String> CORE = List.of("domain", "port", "backup", "restore", "prune", "verify",
            "monitor", "serverrestore", "telemetry", "queued");

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

    private static List<Path> sources() throws IOException {
        try (Stream<Path> all = Files.walk(MAIN)) {
            return all.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }
}
