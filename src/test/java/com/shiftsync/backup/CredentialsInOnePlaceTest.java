package com.shiftsync.backup;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One place builds Azure credentials (adapter/azure/AzureCredentials, with the managed
 * identity client beside it); nothing constructs DefaultAzureCredential, which would probe
 * 169.254.169.254. A plain scan of the main sources.
 */
class CredentialsInOnePlaceTest {
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final Set<String> CREDENTIAL_FILES = Set.of(
            "com/shiftsync/backup/adapter/azure/AzureCredentials.java",
            "com/shiftsync/backup/adapter/azure/AppServiceManagedIdentityCredential.java");

    @Test
    @DisplayName("only AzureCredentials builds credentials, and nothing builds DefaultAzureCredential")
    void credentialsInOnePlace() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(MAIN)) {
            offenders = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                String rel = MAIN.relativize(f).toString().replace('\\', '/');
                String code = read(f);
                Stream.Builder<String> found = Stream.builder();
                if (code.contains("DefaultAzureCredentialBuilder") || code.contains("new DefaultAzureCredential")) {
                    found.add(rel + " builds DefaultAzureCredential");
                }
                if (!CREDENTIAL_FILES.contains(rel) && (code.contains("import com.azure.identity.")
                        || code.matches("(?s).*implements[^{]*\\bTokenCredential\\b.*"))) {
                    found.add(rel + " builds or implements a credential");
                }
                return found.build();
            }).toList();
        }
        assertEquals(List.of(), offenders);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
