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
        List<String> missing = Arrays.stream(Main.class.getAnnotation(CommandLine.Command.class).subcommands())
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
}
