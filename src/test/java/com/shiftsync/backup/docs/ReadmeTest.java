package com.shiftsync.backup.docs;

import com.shiftsync.backup.cli.Main;
import com.shiftsync.backup.config.Setting;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** README.md is the operator's contract: it names every setting, command and function the code has. */
class ReadmeTest {
    private static String readme() throws IOException {
        return Files.readString(Path.of("README.md"));
    }

    @Test
    @DisplayName("every setting is documented")
    void settings() throws IOException {
        String readme = readme();
        List<String> missing = Arrays.stream(Setting.values()).map(Enum::name)
                .filter(name -> !readme.contains("`" + name + "`")).toList();
        assertEquals(List.of(), missing);
    }

    @Test
    @DisplayName("every CLI command is documented")
    void commands() throws IOException {
        String readme = readme();
        List<String> missing = Main.COMMANDS.stream()
                .map(c -> c.getAnnotation(CommandLine.Command.class).name())
                .filter(name -> !readme.contains("`" + name)).toList();
        assertEquals(List.of(), missing);
    }

    @Test
    @DisplayName("every function is documented")
    void functions() throws IOException {
        String readme = readme();
        Pattern name = Pattern.compile("@FunctionName\\(\"([^\"]+)\"\\)");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = name.matcher(Files.readString(file));
                while (m.find()) {
                    if (!readme.contains("`" + m.group(1) + "`")) {
                        missing.add(m.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    @DisplayName("'Deploying to Azure' says what a deployer must know: the azd version, the one-way audit lock, paired regions, who may deploy, the missing content share")
    void deployingToAzure() throws IOException {
        String readme = readme();
        int start = readme.indexOf("\n## Deploying to Azure\n");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher azd = Pattern.compile("(?m)^  azd: '>= ([0-9.]+)'$").matcher(Files.readString(Path.of("azure.yaml")));
        assertEquals(true, azd.find(), "azure.yaml requiredVersions.azd");
        List<String> missing = Stream.of(
                        "azd " + azd.group(1) + " or later", "`requiredVersions`",
                        "### Locking the audit log (one way)", "**cannot be", "`AUDIT_IMMUTABILITY_LOCKED`",
                        "immutability-policy lock", "A new server needs a region with a pair", "`POSTGRES_PAIRED_REGION`",
                        "**source's paired region**", "### Who can deploy", "**Owner**", "User Access Administrator",
                        "`principalType`", "`AZURE_PRINCIPAL_TYPE=ServicePrincipal`",
                        "`WEBSITE_CONTENTAZUREFILECONNECTIONSTRING`", "scale-out could be limited",
                        "### One instance, and a stopped export", "`@FixedDelayRetry`")
                .filter(name -> !section.contains(name)).toList();
        assertEquals(List.of(), missing, "missing from 'Deploying to Azure'");
    }
}
