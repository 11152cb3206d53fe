package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.verify.BackupListing;
import com.shiftsync.backup.verify.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Backups, newest first, from the local folder, Blob, or both, each with its restore test's result. */
@Command(name = "list", description = {"List backups, newest first, with the result of each one's restore test.",
        "Without --source: the local folder, and Blob Storage when it is configured."})
final class ListCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--source", paramLabel = "local|azure", description = "Only this store.")
    String source;

    @Option(names = "--json", description = "Print a JSON array of manifests, each with its store and "
            + "\"verification\" ({passed, verifiedAt, reason} or null).")
    boolean json;

    ListCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        List<BackupStore> stores = new ArrayList<>();
        if (source != null) {
            stores.add(app.store(source));
        } else {
            stores.add(app.localStore());
            if (app.hasAzureStore()) {
                stores.add(app.azureStore());
            }
        }
        List<BackupListing.Row> rows = BackupListing.of(stores);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(BackupListing.toJson(rows)));
        } else if (rows.isEmpty()) {
            out.println("no backups in " + String.join(" or ", stores.stream().map(BackupStore::describe).toList()));
        } else {
            String format = "%-45s %-7s %-6s %-20s %10s %12s  %s%n";
            out.printf(format, "ID", "TIER", "STORE", "STARTED (UTC)", "SIZE", "ROWS", "VERIFIED");
            for (BackupListing.Row row : rows) {
                Manifest m = row.manifest();
                Verification v = row.verification();
                out.printf(format, m.id(), m.tier(), row.store(), Format.when(m.startedAt()),
                        Format.bytes(m.sizeBytes()), Format.count(m.totalRows()),
                        v == null ? "-" : (v.passed() ? "passed " : "FAILED ") + Format.when(v.verifiedAt()));
            }
        }
        out.flush();
        return 0;
    }
}
