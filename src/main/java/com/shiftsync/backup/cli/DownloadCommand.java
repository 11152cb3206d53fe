package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.restore.DownloadJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** The guide's "Restore from Azure Blob", step one: the archive as a file, checked, for pg_restore by hand. */
@Command(name = "download",
        header = "Write a backup's archive to a file, checking its SHA-256 against its manifest while it writes.",
        description = {
                "Finds the backup by the store rule (every configured store; latest is the newest complete "
                + "backup; --source narrows it), streams its archive into a hidden file next to FILE through "
                + "SHA-256, and puts it in place only when size and digest match the manifest: a damaged or "
                + "altered archive leaves no file and exits 1. FILE must not exist; it is written 0600. The "
                + "backup's roles file, checked against the manifest too, is written beside it as FILE.roles.sql. "
                + "On a new server apply that with psql first, then restore the archive by hand with the guide's "
                + "pg_restore --clean --if-exists (see README, \"Restore from Azure Blob by hand\"). An encrypted "
                + "backup is written as it is stored, an age file: decrypt it with age -d -i KEY_FILE first (the "
                + "message says how).",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup download --backup latest --source azure --to /tmp/shiftsync.dump",
                "  psql \"$TARGET_URL\" -v ON_ERROR_STOP=1 -f /tmp/shiftsync.dump.roles.sql",
                "  pg_restore --clean --if-exists -d \"$TARGET_URL\" /tmp/shiftsync.dump",
                "  # an encrypted backup: an age file, decrypted first",
                "  shiftsync-backup download --backup latest --to /tmp/shiftsync.dump.age",
                "  age -d -i key.txt /tmp/shiftsync.dump.age > /tmp/shiftsync.dump"})
final class DownloadCommand implements Callable<Integer> {
    private final Cli cli;
    private final App app;

    @Spec
    CommandSpec spec;

    @Option(names = "--backup", required = true, paramLabel = "ID|latest", description = "The backup to download.")
    String backup;

    @Option(names = "--source", paramLabel = "azure|local",
            description = "Only this store. Default: every configured store (the local folder first).")
    String source;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "The file to write (must not exist).")
    String to;

    @Option(names = "--json", description = "Print the manifest and the file as JSON.")
    boolean json;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    DownloadCommand(Cli cli) {
        this.cli = cli;
        this.app = cli.app();
    }

    @Override
    public Integer call() {
        Path file = OptionValues.newFile("--to", to);
        PrintWriter err = spec.commandLine().getErr();
        ProgressLine line = quiet ? null : new ProgressLine(err, cli.console().terminal(), "download",
                Duration.ofSeconds(30));
        DownloadJob.Downloaded d;
        try {
            d = new DownloadJob(app.clock()).run(app.stores().sources(source), backup, file,
                    line == null ? com.shiftsync.backup.domain.Progress.NONE : line, cli.reporter());
        } finally {
            if (line != null) {
                line.close();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("file", d.file().toString());
            answer.put("store", d.store());
            if (d.rolesFile() != null) {
                answer.put("rolesFile", d.rolesFile().toString());
            }
            answer.put("manifest", d.manifest());
            out.println(Json.pretty(answer));
        } else {
            out.println(d.file());
        }
        out.flush();
        err.printf("downloaded %s from %s to %s: %s, SHA-256 %s matches its manifest, in %s%n", d.manifest().id(),
                d.location(), d.file(), Format.bytes(d.manifest().sizeBytes()), d.manifest().sha256(),
                Format.duration(d.duration()));
        if (d.rolesFile() != null) {
            err.printf("its roles file (%s, matches its manifest) is %s: on a new server apply it with psql before "
                    + "pg_restore%n", Format.bytes(d.manifest().roles().sizeBytes()), d.rolesFile());
        }
        if (d.manifest().encrypted()) {
            err.printf("%s is encrypted (age, to %s): decrypt it with the identity, then restore the dump: age -d -i "
                            + "key.txt %s > %s (its SHA-256 is then %s)%n", d.file(),
                    String.join(", ", d.manifest().encryption().recipients()), d.file(), decrypted(d.file()),
                    d.manifest().encryption().dumpSha256());
        }
        err.flush();
        return 0;
    }

    /** Where the example puts the decrypted dump: FILE without .age, else beside FILE. */
    private static Path decrypted(Path file) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.endsWith(".age") ? name.substring(0, name.length() - 4)
                : name.endsWith(".dump") ? name.substring(0, name.length() - 5) + ".decrypted.dump" : name + ".dump");
    }
}
