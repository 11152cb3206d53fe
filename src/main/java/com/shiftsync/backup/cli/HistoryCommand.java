package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.report.DashboardJob;
import com.shiftsync.backup.report.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** The history of outcomes, which pruning never touches: what the page's charts are drawn from. */
@Command(name = "history",
        header = "List every backup, restore test, restore and server restore on record, oldest first.",
        description = {
                "The history that outlives retention (append blobs history/<yyyy-MM>.jsonl in BACKUP_CONTAINER "
                + "with Blob storage, else BACKUP_DIR/history/<yyyy-MM>.jsonl).",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup history --days 30", "  shiftsync-backup history --json"})
final class HistoryCommand implements Callable<Integer> {
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--days", paramLabel = "N", description = "Look back N days (1 to 400; default 90).")
    Integer days;

    @Option(names = "--json", description = "Print a JSON array of the entries, as they are kept.")
    boolean json;

    HistoryCommand(Cli cli) {
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        Window window = Window.of(days, "--days");
        DashboardJob job = app.monitoring().dashboardJob();
        List<HistoryEntry> entries = job.history(window);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(entries));
        } else if (entries.isEmpty()) {
            out.println("nothing on record in the last " + window.days() + " days in " + job.historyDescription());
        } else {
            String format = "%-20s %-14s %-9s %-7s %-45s %10s %12s %12s  %s%n";
            out.printf(format, "ENDED (UTC)", "KIND", "RESULT", "TIER", "ID", "SIZE", "DURATION", "ROWS", "NOTE");
            for (HistoryEntry e : entries) {
                out.printf(format, Format.when(e.time()), e.kind(), e.result(), e.tier() == null ? "-" : e.tier(),
                        e.id() == null ? "-" : e.id(), e.sizeBytes() == null ? "-" : Format.bytes(e.sizeBytes()),
                        e.durationMs() == null ? "-" : Format.duration(Duration.ofMillis(e.durationMs())),
                        e.rowTotal() == null ? "-" : Format.count(e.rowTotal()), note(e));
            }
        }
        out.flush();
        return 0;
    }

    private static String note(HistoryEntry e) {
        String recovered = e.recoveryMs() == null ? "" : "recovery time "
                + Format.duration(Duration.ofMillis(e.recoveryMs()));
        if (e.reason() == null) {
            return recovered;
        }
        return recovered.isEmpty() ? e.reason() : recovered + "; " + e.reason();
    }
}
