package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.telemetry.LogRedaction;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code shiftsync-backup}: the same jobs as the Functions app, for a VM with cron or a
 * laptop. Exit 0 = done, 1 = the job failed, 2 = bad usage or input; errors are one
 * sentence on stderr.
 */
@Command(name = "shiftsync-backup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        scope = CommandLine.ScopeType.INHERIT, showDefaultValues = true, sortOptions = false,
        usageHelpAutoWidth = true, usageHelpWidth = 100,
        header = "Backups, restores and monitoring of ShiftSync's PostgreSQL database.",
        description = {
                "The same jobs as the ShiftSync Backup Functions app, for a VM with cron or a laptop. Exit "
                + "codes: 0 done, 1 the job failed, 2 bad usage or bad input. Errors are one sentence on stderr; "
                + "with --json a failure is {\"error\": {\"code\", \"message\"}} on stdout. Every command takes "
                + "--help.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup backup --upload", "  shiftsync-backup restore --help"})
public final class Main {
    /** Every command, in the order the help lists them. */
    public static final List<Class<?>> COMMANDS = List.of(BackupCommand.class, ListCommand.class, PruneCommand.class,
            RestoreCommand.class, DownloadCommand.class, VerifyCommand.class, StatusCommand.class,
            OffsiteCheckCommand.class, ServerRestoreCommands.Pitr.class, ServerRestoreCommands.Geo.class,
            RestoreStatusCommand.class, RestoreCutoverCommand.class, RecoverCommand.class, DrillCommands.Start.class,
            DrillCommands.Status.class, HistoryCommand.class, ReportCommand.class, HoldCommands.Hold.class,
            HoldCommands.Release.class);

    public static void main(String[] args) {
        WarmUp.start(args.length == 0 ? null : args[0]);
        System.exit(run(new App(Settings.fromEnvironment(), Clock.systemUTC()), args));
    }

    /** Runs one command line against {@code app}; returns the exit code. */
    public static int run(App app, String... args) {
        Console console = Console.forStderr(Clock.systemUTC());
        quietLogging(console);
        LogRedaction.install();
        CommandLine cli = commandLine(new Factory(new Cli(app, console)), args.length == 0 ? null : args[0]);
        cli.setErr(console.err());
        cli.setParameterExceptionHandler((e, argv) -> {
            PrintWriter err = e.getCommandLine().getErr();
            String message = Redaction.redact(e.getMessage()) + " (see "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)";
            err.println("shiftsync-backup: " + message);
            if (List.of(argv).contains("--json")) {
                printJsonError(e.getCommandLine().getOut(), OptionValues.usageError(message));
            }
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            ShiftSyncException error = e instanceof RuntimeException re ? ShiftSyncException.wrap(re)
                    : new ShiftSyncException(ErrorCode.JOB_FAILED, e.toString());
            if (Interrupts.requested()) {
                // the signal's own message says what became of the run
                return error.code().exitCode();
            }
            cmd.getErr().println("shiftsync-backup: " + error.getMessage());
            cmd.getErr().flush();
            if (cmd.getParseResult().hasMatchedOption("--json")) {
                printJsonError(cmd.getOut(), error);
            }
            return error.code().exitCode();
        });
        return cli.execute(args);
    }

    /**
     * The command tree for a command line whose first word is {@code first}: picocli reads every
     * option of every command it is given, by reflection, before it runs one (a fifth of a
     * backup's start-up), so a command line naming a command gets that one only; anything else
     * (no command, {@code --help}, a misspelt one) gets them all, for the list and the suggestions.
     */
    public static CommandLine commandLine(CommandLine.IFactory factory, String first) {
        List<Class<?>> named = COMMANDS.stream().filter(c -> name(c).equals(first)).toList();
        CommandLine root = new CommandLine(new Main(), factory);
        (named.isEmpty() ? COMMANDS : named).forEach(root::addSubcommand);
        return root;
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /** {@code {"error": {"code", "message"[, "upstreamCode"]}}} on stdout, as the HTTP routes answer. */
    private static void printJsonError(PrintWriter out, ShiftSyncException error) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("code", error.code().id());
        detail.put("message", error.getMessage());
        if (error.upstreamCode() != null) {
            detail.put("upstreamCode", error.upstreamCode());
        }
        out.println(Json.pretty(Map.of("error", detail)));
        out.flush();
    }

    /** Held so the JDK cannot collect these loggers and forget their levels. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    /**
     * SDK chatter stays out of the CLI's stderr; our own warnings stay in, one line each on the
     * console ("shiftsync-backup: warning: ..."), timestamped like every other line in a log.
     */
    private static synchronized void quietLogging(Console console) {
        if (!QUIETED.isEmpty()) {
            return;
        }
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(console.warnings());
        root.setLevel(Level.WARNING);
        for (String noisy : List.of("com.azure", "reactor", "io.netty")) {
            Logger logger = Logger.getLogger(noisy);
            logger.setLevel(Level.OFF);
            QUIETED.add(logger);
        }
    }

    /** Gives every command the one {@link Cli}. */
    private record Factory(Cli cli) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(Cli.class).newInstance(cli);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"shiftsync-backup " + (v == null ? "development build" : v)};
        }
    }
}
