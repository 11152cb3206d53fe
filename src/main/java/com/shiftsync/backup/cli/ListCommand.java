package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.verify.Verification;
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

/** Backups, newest first, from the local folder, Blob, or both, each with its restore test's result. */
@Command(name = "list", description = {"List backups, newest first, with the result of each one's restore test.",
        "Without --source: the local folder, and Blob Storage when it is configured."})
final class ListCommand implements Callable<Integer> {
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--source", paramLabel = "local|azure", description = "Only this store.")
    String source;

    @Option(names = "--json", description = "Print a JSON array of manifests, each with its store and "
            + "\"verification\" ({passed, verifiedAt, reason} or null).")
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
            store.list().forEach(m -> rows.add(new Listed(store.name(), m, verification(store, m))));
        }
        rows.sort(Comparator.comparing((Listed l) -> l.manifest().backupId()).thenComparing(Listed::store));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (Listed row : rows) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("store", row.store());
                item.putAll(Json.MAPPER.convertValue(row.manifest(), Map.class));
                Verification v = row.verification();
                Map<String, Object> verified = null;
                if (v != null) {
                    verified = new LinkedHashMap<>();
                    verified.put("passed", v.passed());
                    verified.put("verifiedAt", v.verifiedAt().toString());
                    verified.put("reason", v.reason());
                }
                item.put("verification", verified);
                items.add(item);
            }
            out.println(Json.pretty(items));
        } else if (rows.isEmpty()) {
            out.println("no backups in " + String.join(" or ", stores.stream().map(BackupStore::describe).toList()));
        } else {
            String format = "%-45s %-7s %-6s %-20s %10s %12s  %s%n";
            out.printf(format, "ID", "TIER", "STORE", "STARTED (UTC)", "SIZE", "ROWS", "VERIFIED");
            for (Listed row : rows) {
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

    /** The backup's restore test, or null when it has none (or its record cannot be read). */
    private static Verification verification(BackupStore store, Manifest m) {
        try {
            return store.getRecord(m.tier(), m.backupId(), Verification.KIND).map(Verification::read).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private record Listed(String store, Manifest manifest, Verification verification) {
    }
}
