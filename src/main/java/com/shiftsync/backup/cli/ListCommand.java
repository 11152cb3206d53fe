package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.port.BackupStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Backups, newest first, from the local folder, Blob, or both. */
@Command(name = "list", description = {"List backups, newest first.",
        "Without --source: the local folder, and Blob Storage when it is configured."})
final class ListCommand implements Callable<Integer> {
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--source", paramLabel = "local|azure", description = "Only this store.")
    String source;

    @Option(names = "--json", description = "Print a JSON array of manifests, each with its store.")
    boolean json;

    ListCommand(App app) {
        this.app = app;
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
        List<Listed> rows = new ArrayList<>();
        for (BackupStore store : stores) {
            store.list().forEach(m -> rows.add(new Listed(store.name(), m)));
        }
        rows.sort(Comparator.comparing((Listed l) -> l.manifest().backupId()).thenComparing(Listed::store));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (Listed row : rows) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("store", row.store());
                item.putAll(Json.MAPPER.convertValue(row.manifest(), Map.class));
                items.add(item);
            }
            out.println(Json.pretty(items));
        } else if (rows.isEmpty()) {
            out.println("no backups in " + String.join(" or ", stores.stream().map(BackupStore::describe).toList()));
        } else {
            String format = "%-45s %-7s %-6s %-20s %10s %12s%n";
            out.printf(format, "ID", "TIER", "STORE", "STARTED (UTC)", "SIZE", "ROWS");
            for (Listed row : rows) {
                Manifest m = row.manifest();
                out.printf(format, m.id(), m.tier(), row.store(), Format.when(m.startedAt()),
                        Format.bytes(m.sizeBytes()), Format.count(m.totalRows()));
            }
        }
        out.flush();
        return 0;
    }

    private record Listed(String store, Manifest manifest) {
    }
}
