package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.ClientReadiness;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Protection;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.verify.BackupListing;
import com.shiftsync.backup.verify.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Backups, newest first, from the local folder, Blob, or both, each with its restore test's result. */
@Command(name = "list",
        header = "List the backups of every configured store, newest first, with their restore tests and any damage.",
        description = {
                "Without --source: the local folder, and Blob Storage when it is configured (the same stores "
                + "restore, verify, download and status read). A backup that is not complete is listed with its "
                + "mark: damaged: archive missing, damaged: archive size differs, damaged: manifest unreadable, "
                + "damaged: manifest misplaced (it names another backup than its file), damaged: not written by "
                + "this deployment, or altered (its manifest does not authenticate under MANIFEST_KEY_SECRET). A "
                + "complete backup without a MAC that is older than every authenticated one is marked made before "
                + "MANIFEST_KEY_SECRET was set. From Blob Storage with version-level immutability, an IMMUTABLE "
                + "column: until when nobody can delete each backup, and HOLD for one under a legal hold (see hold, "
                + "release). Then which pg_dump the next backup and which pg_restore a restore of the newest backup "
                + "into DATABASE_URL's server would use.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup list", "  shiftsync-backup list --source azure --json"})
final class ListCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--source", paramLabel = "local|azure",
            description = "Only this store. Default: every configured store.")
    String source;

    @Option(names = "--json", description = "Print a JSON array of manifests, each with its store, \"condition\" "
            + "(complete or the damage), \"authentication\", \"verification\" ({passed, verifiedAt, reason} or "
            + "null), where Blob Storage keeps backups immutable, \"protection\" ({immutableUntil, locked, "
            + "legalHold}), and \"restoreWith\" (the pg_restore a restore into DATABASE_URL's server would use, or "
            + "why none fits). When a store cannot be read: {\"error\": {\"code\", \"message\"}, \"backups\": "
            + "[the other stores' backups]}, exit 1.")
    boolean json;

    ListCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        List<BackupStore> stores = app.stores().sources(source).searched();
        BackupListing.Listing listing = BackupListing.reachable(stores);
        if (listing.rows().isEmpty() && listing.problems().size() == stores.size()) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, String.join("; ", listing.problems()));
        }
        List<BackupListing.Row> rows = listing.rows();
        ClientReadiness clients = app.monitoring().clientWatch().read(BackupListing.newestComplete(rows));
        PrintWriter out = spec.commandLine().getOut();
        if (json && !listing.problems().isEmpty()) {
            // a failure is {"error": ...} on stdout, as for every command; the readable stores' backups stay beside it
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", ErrorCode.UPSTREAM_FAILED.id());
            error.put("message", String.join("; ", listing.problems().stream()
                    .map(p -> p + "; its backups are not listed").toList()));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("error", error);
            answer.put("backups", BackupListing.toJson(rows, clients));
            out.println(Json.pretty(answer));
        } else if (json) {
            out.println(Json.pretty(BackupListing.toJson(rows, clients)));
        } else if (rows.isEmpty()) {
            out.println("no backups in " + String.join(" or ", stores.stream().map(BackupStore::describe).toList()));
        } else {
            boolean protecting = rows.stream().anyMatch(r -> r.protection() != null);
            String format = "%-45s %-7s %-6s %-20s %10s %12s  %-28s" + (protecting ? "%-34s" : "%s") + "%s%n";
            out.printf(format, "ID", "TIER", "STORE", "STARTED (UTC)", "SIZE", "ROWS", "VERIFIED",
                    protecting ? "IMMUTABLE" : "", "");
            for (BackupListing.Row row : rows) {
                Manifest m = row.manifest();
                Verification v = row.verification();
                out.printf(format, row.entry().id(), row.entry().tier(), row.store(),
                        Format.when(row.entry().id().startedAt()), m == null ? "-" : Format.bytes(m.sizeBytes()),
                        m == null ? "-" : Format.count(m.totalRows()),
                        v == null ? "-" : (v.passed() ? "passed " : "FAILED ") + Format.when(v.verifiedAt()),
                        protecting ? immutable(row.protection(), app.clock().instant()) : "",
                        row.complete() ? (row.beforeKey() ? "  " + row.authentication() : "")
                                : "  " + row.condition().toUpperCase(java.util.Locale.ROOT));
            }
            long damaged = rows.stream().filter(r -> !r.complete()).count();
            if (damaged > 0) {
                out.printf("%d damaged backup(s): they are never used by restore, verify or download, and prune never "
                        + "deletes one whose manifest is unreadable; see shiftsync-backup status%n", damaged);
            }
        }
        if (!json) {
            StatusCommand.clients(out, clients);
        }
        out.flush();
        if (!listing.problems().isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            listing.problems().forEach(p -> err.println("shiftsync-backup: " + p + "; its backups are not listed"));
            err.flush();
            return ErrorCode.UPSTREAM_FAILED.exitCode();
        }
        return 0;
    }

    /** "until 2024-02-14 03:00", "expired 2024-...", "HOLD; until ...", or "-" for a backup nothing protects. */
    private static String immutable(Protection p, java.time.Instant now) {
        if (p == null || p.until() == null && !p.legalHold()) {
            return "-";
        }
        String until = p.until() == null ? "" : (p.until().isAfter(now) ? "until " : "expired ")
                + Format.when(p.until()) + (p.locked() ? "" : " (unlocked)");
        return p.legalHold() ? "HOLD" + (until.isEmpty() ? "" : "; " + until) : until;
    }
}
