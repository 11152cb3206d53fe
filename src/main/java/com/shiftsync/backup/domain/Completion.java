package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the app did after Azure finished a restore, so that the new server is one ShiftSync
 * can use: Azure copies neither firewall rules nor server parameters, and the new server is
 * checked against the backups before anyone points ShiftSync at it. Kept in the operation;
 * each step is recorded as it is done, so a completion interrupted half-way (an app
 * restart) goes on where it stopped and does nothing twice.
 *
 * @param stage                    where it stands
 * @param firewallRulesCopied      the source's firewall rules written to the new server ("name start-end")
 * @param parametersCopied         the source's user-set server parameters written to the new server ("name=value")
 * @param parametersNeedingRestart the copied parameters that take effect only after a restart
 * @param restarted                whether the app restarted the new server (only when the request asked)
 * @param verification             the new server checked against the newest backup before the restore point
 * @param followUps                what Azure did not copy and the app did not do, one sentence each
 * @param azureFinishedAt          when Azure finished creating the server
 * @param copiedAt                 when rules and parameters were in place
 * @param verifiedAt               when the verification ended
 * @param cutover                  the cutover to the new server, once done
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Completion(Stage stage, List<String> firewallRulesCopied, List<String> parametersCopied,
                         List<String> parametersNeedingRestart, Boolean restarted, Verification verification,
                         List<String> followUps, Instant azureFinishedAt, Instant copiedAt, Instant verifiedAt,
                         Cutover cutover) {
    /** The steps of a completion, in order; it ends done or failed. */
    public enum Stage {
        COPYING, RESTARTING, VERIFYING, DONE, FAILED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return StepIds.id(this);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Stage parse(String text) {
            return StepIds.parse(Stage.class, text, "completion stage");
        }

        public boolean ended() {
            return this == DONE || this == FAILED;
        }
    }

    public Completion {
        firewallRulesCopied = firewallRulesCopied == null ? List.of() : List.copyOf(firewallRulesCopied);
        parametersCopied = parametersCopied == null ? List.of() : List.copyOf(parametersCopied);
        parametersNeedingRestart = parametersNeedingRestart == null ? List.of() : List.copyOf(parametersNeedingRestart);
        followUps = followUps == null ? List.of() : List.copyOf(followUps);
    }

    /** A completion that has just begun: Azure finished at {@code at}. */
    public static Completion started(Instant at, List<String> followUps) {
        return new Completion(Stage.COPYING, List.of(), List.of(), List.of(), null, null, followUps, at, null, null,
                null);
    }

    public Completion copied(List<String> rules, List<String> parameters, List<String> needRestart, Instant at,
                             Stage next) {
        return new Completion(next, rules, parameters, needRestart, restarted, verification, followUps,
                azureFinishedAt, at, verifiedAt, cutover);
    }

    public Completion restartedNow() {
        return new Completion(Stage.VERIFYING, firewallRulesCopied, parametersCopied, parametersNeedingRestart, true,
                verification, followUps, azureFinishedAt, copiedAt, verifiedAt, cutover);
    }

    public Completion verified(Verification result, Instant at) {
        return new Completion(result.passed() ? Stage.DONE : Stage.FAILED, firewallRulesCopied, parametersCopied,
                parametersNeedingRestart, restarted, result, followUps, azureFinishedAt, copiedAt, at, cutover);
    }

    public Completion withFollowUp(String sentence) {
        List<String> more = new java.util.ArrayList<>(followUps);
        more.add(sentence);
        return new Completion(stage, firewallRulesCopied, parametersCopied, parametersNeedingRestart, restarted,
                verification, more, azureFinishedAt, copiedAt, verifiedAt, cutover);
    }

    public Completion cutOver(Cutover done) {
        return new Completion(stage, firewallRulesCopied, parametersCopied, parametersNeedingRestart, restarted,
                verification, followUps, azureFinishedAt, copiedAt, verifiedAt, done);
    }

    /** The verification passed: the new server may be put into service. */
    @JsonIgnore
    public boolean verifiedGood() {
        return verification != null && verification.passed();
    }

    /**
     * The new server checked with the app's own database credentials.
     *
     * @param passed       true unless a table is missing, or empty where the backup had rows
     * @param host         the host connected to (the new server's fullyQualifiedDomainName)
     * @param database     the protected database
     * @param comparedWith the backup whose manifest the counts were compared with, or null when none was older
     * @param reason       why it failed, or what could not be checked; null when it passed with a backup to compare
     * @param tables       every table, with the backup's count, the new server's, and the verdict
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verification(boolean passed, String host, String database, String comparedWith, String reason,
                               List<TableFigure> tables) {
        public Verification {
            tables = tables == null ? List.of() : List.copyOf(tables);
        }
    }

    /**
     * One table's figures: what the backup's manifest counted and what the new server holds.
     *
     * @param verdict ok (equal), differs (a different count: reported, not a failure), missing, or emptied
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableFigure(String table, Long backupRows, Long restoredRows, String verdict) {
    }

    /**
     * The switch of ShiftSync to the new server: the Key Vault secret ShiftSync reads its
     * database host from, rewritten.
     */
    public record Cutover(String secret, String vault, String previousHost, String host, Instant at,
                          String requestedBy) {
    }

    /** From Azure's end to the end of the verification (null while it runs). */
    @JsonIgnore
    public Duration completionTime() {
        return azureFinishedAt == null || verifiedAt == null ? null : Duration.between(azureFinishedAt, verifiedAt);
    }
}
