package com.shiftsync.backup.cli;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** The guide's "update DNS / API endpoint" step, after a verified restore. */
@Command(name = "restore-cutover",
        header = "Point ShiftSync at a verified restored server (the Key Vault secret CUTOVER_SECRET_NAME).",
        description = {
                "Writes the host name of the server a point-in-time or geo-restore created into the Key Vault "
                + "secret ShiftSync reads its database host from (CUTOVER_SECRET_NAME, in KEY_VAULT_URL). Only "
                + "after the new server passed its verification (see restore-status); refused before. Says what "
                + "it changed. Recorded in the audit log.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {"  shiftsync-backup restore-cutover 0f8fad5b-d9cb-469f-a165-70867728950e"})
final class RestoreCutoverCommand implements Callable<Integer> {
    private final Cli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OPERATION_ID", description = "The id pitr or geo-restore printed.")
    String operationId;

    @Option(names = "--json", description = "Print the operation, with its cutover, as JSON.")
    boolean json;

    RestoreCutoverCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        Operation op = cli.app().auditTrail().perform(AuditActions.RESTORE_CUTOVER, Map.of("operationId", operationId),
                ServerRestoreOutput.osUser(), caller -> cli.app().recovery().cutoverJob().cutover(caller, operationId,
                        cli.reporter()), Operation::id);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(op.view(cli.app().clock().instant())));
        } else {
            Completion.Cutover c = op.completion().cutover();
            out.printf("ShiftSync now connects to %s: secret %s in %s was %s, is now %s (%s)%n", c.host(), c.secret(),
                    c.vault(), c.previousHost() == null ? "not set" : c.previousHost(), c.host(),
                    Format.when(c.at()));
        }
        out.flush();
        return 0;
    }
}
