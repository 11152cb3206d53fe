package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.report.Dashboard;
import com.shiftsync.backup.report.DashboardPage;
import com.shiftsync.backup.report.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;

/** The page of GET /api/dashboard as one file, for a VM without the Functions app or an incident ticket. */
@Command(name = "report",
        header = "Write the dashboard as one self-contained HTML file, to open in any browser, offline.",
        description = {
                "The status, a light per tier, charts of backups, restore tests and recovery times over the "
                + "window, the backups and the recent operations; the file loads nothing from anywhere.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup report --html /tmp/shiftsync-backup.html --days 30"})
final class ReportCommand implements Callable<Integer> {
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--html", paramLabel = "FILE", required = true, description = "Write the page to FILE (replaced).")
    Path file;

    @Option(names = "--days", paramLabel = "N", description = "Charts over the last N days (1 to 400; default 90).")
    Integer days;

    @Option(names = "--source", paramLabel = "local|azure",
            description = "The store whose status and backups to show (default: Blob when configured, else the local"
                    + " folder, and the backups of both).")
    String source;

    ReportCommand(Cli cli) {
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        Window window = Window.of(days, "--days");
        Path target = OptionValues.outputFile(file, "--html");
        BackupStore monitored = source == null ? app.stores().monitored() : app.stores().named(source);
        List<BackupStore> listed = source != null ? List.of(monitored) : app.stores().all();
        Dashboard dashboard = app.monitoring().dashboardJob().build(monitored, listed, window);
        byte[] page = DashboardPage.render(dashboard, app.version()).bytes();
        write(target, page);
        PrintWriter out = spec.commandLine().getOut();
        out.println(target + " (" + page.length + " bytes): " + (dashboard.healthy() ? "healthy"
                : dashboard.alerts().size() + (dashboard.alerts().size() == 1 ? " alert" : " alerts")));
        out.flush();
        return 0;
    }

    /** Whole or not at all: a temporary file beside FILE, readable by its owner only, moved into place. */
    private static void write(Path target, byte[] page) {
        Path dir = target.getParent();
        Path temp = null;
        try {
            temp = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempFile(dir, "." + target.getFileName(), ".partial",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, "." + target.getFileName(), ".partial");
            Files.write(temp, page);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the leftover is hidden and named for what it is
                }
            }
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not write " + target + ": " + e.getMessage(), e);
        }
    }
}
