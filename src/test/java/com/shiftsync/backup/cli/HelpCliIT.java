package com.shiftsync.backup.cli;

import com.shiftsync.backup.testing.CliRun;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --help, as an operator meets it at 3 a.m.: on every command, whole, with every option, its default and an example. */
class HelpCliIT {

    /** The command tree, built as Main builds it (the commands' collaborators are not needed to read it). */
    private static CommandLine commands() {
        return Main.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    return type.getDeclaredConstructor(Cli.class).newInstance(new Cli(null, null));
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        }, null);
    }

    @Test
    @DisplayName("every command and subcommand takes --help: exit 0, usage, every option, defaults, an example, on stdout")
    void helpEverywhere() {
        CommandLine root = commands();
        List<String> problems = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of());
        root.getSubcommands().keySet().forEach(name -> commands.add(List.of(name)));
        for (List<String> command : commands) {
            for (String flag : List.of("--help", "-h")) {
                List<String> argv = new ArrayList<>(command);
                argv.add(flag);
                CliRun run = CliRun.run(Map.of(), argv.toArray(String[]::new));
                String where = String.join(" ", argv);
                if (run.exitCode() != 0) {
                    problems.add(where + " exits " + run.exitCode() + ": " + run.stderr());
                    continue;
                }
                String help = run.stdout();
                if (!help.contains("Usage: shiftsync-backup" + (command.isEmpty() ? "" : " " + command.get(0)))) {
                    problems.add(where + ": no usage line: " + help);
                }
                if (!help.contains("Example")) {
                    problems.add(where + ": no example");
                }
                CommandLine spec = command.isEmpty() ? root : root.getSubcommands().get(command.get(0));
                for (CommandLine.Model.OptionSpec o : spec.getCommandSpec().options()) {
                    if (!help.contains(o.longestName())) {
                        problems.add(where + ": option " + o.longestName() + " is not described");
                    }
                    if (o.defaultValue() != null && !help.contains("Default: " + o.defaultValue())) {
                        problems.add(where + ": the default of " + o.longestName() + " is not shown");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    @DisplayName("restore --help works although restore's required options are missing")
    void helpBeforeRequiredOptions() {
        CliRun run = CliRun.run(Map.of(), "restore", "--help");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("--confirm"), run.stdout());
        assertTrue(run.stdout().contains("--target-url=URL"), run.stdout());
        assertEquals("", run.stderr());
    }

    @Test
    @DisplayName("the command list reads whole: each command's summary is one complete sentence")
    void summariesAreSentences() {
        CliRun run = CliRun.run(Map.of(), "--help");
        assertEquals(0, run.exitCode());
        String commands = run.stdout().substring(run.stdout().indexOf("Commands:"), run.stdout().indexOf("Examples:"));
        List<String> summaries = new ArrayList<>();
        StringBuilder current = null;
        for (String line : commands.lines().skip(1).toList()) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("  ") && !line.startsWith("    ")) {
                if (current != null) {
                    summaries.add(current.toString().strip());
                }
                current = new StringBuilder(line.strip().replaceFirst("^\\S+\\s+", ""));
            } else if (current != null) {
                current.append(' ').append(line.strip());
            }
        }
        summaries.add(current.toString().strip());
        assertEquals(commands().getSubcommands().size(), summaries.size(), commands);
        for (String s : summaries) {
            assertTrue(s.endsWith(".") || s.endsWith(")."), "cut mid-sentence: " + s);
        }
    }
}
