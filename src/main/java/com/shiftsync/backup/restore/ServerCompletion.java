package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.ServerAdmin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * What follows Azure's part of a point-in-time or geo-restore, so that the new server is
 * one ShiftSync can use: Azure copies neither firewall rules nor server parameters, so the
 * source's are written to the new server (parameters that need a restart are reported, and
 * the server is restarted only when the request asked); then the new server is verified
 * with the app's own database credentials against the newest backup taken before the
 * restore point; and what Azure did not copy and this app does not do (high availability,
 * read replicas, private and virtual endpoints) becomes one follow-up sentence each.
 *
 * <p>Each {@link #advance} does what can be done now and records it in the operation's
 * {@link Completion}; writes Resource Manager accepts but has not finished are tracked and
 * looked at again on the next advance. So a completion interrupted anywhere (an app
 * restart) goes on where it stopped, and never copies anything twice.
 */
public final class ServerCompletion {
    /** Tracking key prefix of a write Resource Manager accepted but has not finished. */
    static final String PENDING = "pending.";
    /** Tracking key: how many times the new server could not be reached for the verification. */
    static final String VERIFY_ATTEMPTS = "verifyAttempts";
    /** The new server's DNS name may take a while to answer; after this many tries the verification fails. */
    static final int MAX_VERIFY_ATTEMPTS = 5;
    /** A geo-restore's data may lag the paired region by up to an hour: compare with a backup older than that. */
    static final Duration GEO_LAG = Duration.ofHours(1);
    private static final Logger LOG = Logger.getLogger(ServerCompletion.class.getName());

    private final Supplier<ServerAdmin> admin;
    private final DatabaseLogin login;
    private final boolean hasLogin;
    private final Database database;
    private final Supplier<List<BackupStore>> backups;
    private final Clock clock;

    /**
     * @param login    DATABASE_URL: the credentials and database the new server is checked with
     * @param hasLogin whether DATABASE_URL is set (without it the new server cannot be verified)
     * @param backups  the stores whose manifests the new server is compared with
     */
    public ServerCompletion(Supplier<ServerAdmin> admin, DatabaseLogin login, boolean hasLogin, Database database,
                            Supplier<List<BackupStore>> backups, Clock clock) {
        this.admin = admin;
        this.login = login;
        this.hasLogin = hasLogin;
        this.database = database;
        this.backups = backups;
        this.clock = clock;
    }

    /** What Azure does not copy to the new server and this app does not do, read from the source now. */
    List<String> followUps(Operation op) {
        List<String> f = new ArrayList<>();
        String source = op.details().getOrDefault("sourceServer", "the source server");
        String target = op.target();
        try {
            ServerAdmin a = admin.get();
            ServerAdmin.Server s = a.source();
            if (s.highlyAvailable()) {
                f.add("high availability (" + s.highAvailability() + ") was on at " + source + ", and a restore "
                        + "creates a single server: turn it on for " + target + " (az postgres flexible-server update "
                        + "--name " + target + " --high-availability " + s.highAvailability() + ")");
            }
            List<String> replicas = a.replicas();
            if (!replicas.isEmpty()) {
                f.add("read replica" + (replicas.size() == 1 ? " " : "s ") + String.join(", ", replicas) + " of "
                        + source + " " + (replicas.size() == 1 ? "is" : "are") + " not restored: create "
                        + (replicas.size() == 1 ? "it" : "them") + " again from " + target
                        + " (az postgres flexible-server replica create --source-server " + target + ")");
            }
        } catch (RuntimeException e) {
            f.add("could not read " + source + " to see whether it had high availability or read replicas ("
                    + ShiftSyncException.wrap(e).getMessage() + "): check and set them up for " + target + " by hand");
        }
        f.add("private endpoints and virtual endpoints are never copied by a restore, and the Resource Manager API "
                + "this app uses (2022-12-01) does not show them: if " + source + " had any, create them for "
                + target);
        return f;
    }

    /** One step further; the operation as it now stands (finished once the verification has ended). */
    Operation advance(Operation op) {
        Completion c = op.completion();
        return switch (c.stage()) {
            case Completion.STAGE_COPYING -> copy(op, c);
            case Completion.STAGE_RESTARTING -> restart(op, c);
            case Completion.STAGE_VERIFYING -> verify(op, c);
            default -> op;
        };
    }

    private String group(Operation op) {
        return op.details().get("targetResourceGroup");
    }

    /** Firewall rules (public access only) and user-set parameters, each written once and then recorded. */
    private Operation copy(Operation op, Completion c) {
        ServerAdmin a = admin.get();
        String target = op.target();
        Map<String, String> tracking = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<String> rules = new ArrayList<>(c.firewallRulesCopied());
        boolean waiting = false;
        if (!"private".equals(op.details().get("network"))) {
            for (ServerAdmin.FirewallRule rule : a.firewallRules(null, op.details().get("sourceServer"))) {
                if (rules.contains(rule.toString())) {
                    continue;
                }
                Step step = step(a, op, "rule." + rule.name(), () -> a.putFirewallRule(group(op), target, rule));
                tracking.putAll(step.tracking());
                if (step.done()) {
                    rules.add(rule.toString());
                    step.failure().ifPresent(why -> notes.add("firewall rule " + rule + " could not be written to "
                            + target + " (" + why + "): add it by hand"));
                } else {
                    waiting = true;
                }
            }
        }
        List<String> parameters = new ArrayList<>(c.parametersCopied());
        Map<String, ServerAdmin.Parameter> onTarget = new LinkedHashMap<>();
        a.parameters(group(op), target).forEach(p -> onTarget.put(p.name(), p));
        List<ServerAdmin.Parameter> wanted = a.parameters(null, op.details().get("sourceServer")).stream()
                .filter(p -> p.userSet() && !p.readOnly()).toList();
        for (ServerAdmin.Parameter p : wanted) {
            String done = p.name() + "=" + p.value();
            if (parameters.contains(done)) {
                continue;
            }
            ServerAdmin.Parameter there = onTarget.get(p.name());
            if (there != null && String.valueOf(p.value()).equals(there.value()) && !tracking(op, "parameter."
                    + p.name())) {
                parameters.add(done);
                continue;
            }
            Step step = step(a, op, "parameter." + p.name(), () -> a.setParameter(group(op), target, p.name(),
                    p.value()));
            tracking.putAll(step.tracking());
            if (step.done()) {
                parameters.add(done);
                step.failure().ifPresent(why -> notes.add("server parameter " + done + " could not be set on "
                        + target + " (" + why + "): set it by hand"));
            } else {
                waiting = true;
            }
        }
        Completion now = c;
        for (String note : notes) {
            now = now.withFollowUp(note);
        }
        if (waiting) {
            return op.progressed(clock.instant(), Map.of(), tracking, now.copied(rules, parameters,
                    c.parametersNeedingRestart(), null, Completion.STAGE_COPYING));
        }
        Set<String> copiedNames = Set.copyOf(parameters.stream().map(x -> x.substring(0, x.indexOf('='))).toList());
        List<String> needRestart = new ArrayList<>();
        for (ServerAdmin.Parameter p : wanted) {
            if (copiedNames.contains(p.name()) && (!p.dynamic() || onTarget.containsKey(p.name())
                    && onTarget.get(p.name()).pendingRestart())) {
                needRestart.add(p.name());
            }
        }
        boolean restart = Boolean.parseBoolean(op.parameters().get("restart"));
        if (!needRestart.isEmpty() && !restart) {
            now = now.withFollowUp("restart " + target + " to apply the server parameter" + (needRestart.size() == 1
                    ? " " : "s ") + String.join(", ", needRestart) + " (az postgres flexible-server restart --name "
                    + target + "), or ask the restore for it with \"restart\": true");
        }
        String next = !needRestart.isEmpty() && restart ? Completion.STAGE_RESTARTING : Completion.STAGE_VERIFYING;
        Operation copied = op.progressed(clock.instant(), Map.of(), tracking, now.copied(rules, parameters,
                needRestart, clock.instant(), next));
        return advance(copied);
    }

    private Operation restart(Operation op, Completion c) {
        ServerAdmin a = admin.get();
        Step step = step(a, op, "restart", () -> a.restart(group(op), op.target()));
        if (!step.done()) {
            return op.progressed(clock.instant(), Map.of(), step.tracking(), c);
        }
        Completion now = step.failure().map(why -> c.withFollowUp("the restart of " + op.target() + " failed (" + why
                + "): restart it by hand to apply " + String.join(", ", c.parametersNeedingRestart())))
                .orElse(c).restartedNow();
        return advance(op.progressed(clock.instant(), Map.of(), step.tracking(), now));
    }

    /**
     * Connects with the app's own credentials to the new server's host, checks the protected
     * database exists, counts every table's rows and compares them with the newest backup
     * taken before the restore point. A table missing, or empty where the backup had rows,
     * fails the check; other differences are figures.
     */
    private Operation verify(Operation op, Completion c) {
        // never before Azure's own end, even when Resource Manager's clock runs ahead of ours
        Instant now = c.azureFinishedAt() != null && c.azureFinishedAt().isAfter(clock.instant())
                ? c.azureFinishedAt() : clock.instant();
        String host = op.details().get("fullyQualifiedDomainName");
        if (!hasLogin || host == null) {
            String why = host == null ? "Resource Manager gave no host name for " + op.target()
                    : "DATABASE_URL is not set, so the app has no database credentials to check " + host + " with";
            Completion done = new Completion(Completion.STAGE_DONE, c.firewallRulesCopied(), c.parametersCopied(),
                    c.parametersNeedingRestart(), c.restarted(), null, c.followUps(), c.azureFinishedAt(),
                    c.copiedAt(), now, c.cutover()).withFollowUp("not verified: " + why
                    + "; check the data yourself before ShiftSync uses " + op.target());
            return op.withCompletion(now, done).succeeded(now, Map.of());
        }
        DatabaseUrl restored;
        Map<String, Long> counts;
        try {
            restored = login.current().withHost(host);
            if (!database.exists(restored, restored.database())) {
                return ended(op, c, new Completion.Verification(false, host, restored.database(), null,
                        "database " + restored.database() + " does not exist on " + host, List.of()), now);
            }
            counts = database.countRows(restored);
        } catch (RuntimeException e) {
            int attempts = Integer.parseInt(op.tracking().getOrDefault(VERIFY_ATTEMPTS, "0")) + 1;
            String why = ShiftSyncException.wrap(e).getMessage();
            if (attempts < MAX_VERIFY_ATTEMPTS) {
                LOG.warning("the verification of " + op.target() + " could not reach it (attempt " + attempts + " of "
                        + MAX_VERIFY_ATTEMPTS + "): " + why);
                return op.progressed(now, Map.of(), Map.of(VERIFY_ATTEMPTS, String.valueOf(attempts)), c);
            }
            return ended(op, c, new Completion.Verification(false, host, null, null, "could not check " + host
                    + " after " + attempts + " attempts: " + why, List.of()), now);
        }
        Optional<Manifest> backup = newestBefore(restorePoint(op));
        List<Completion.TableFigure> figures = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Long> expected = backup.map(Manifest::rowCounts).orElse(Map.of());
        for (Map.Entry<String, Long> e : new TreeMap<>(expected).entrySet()) {
            Long actual = counts.get(e.getKey());
            String verdict = actual == null ? "missing" : actual == 0 && e.getValue() > 0 ? "emptied"
                    : actual.equals(e.getValue()) ? "ok" : "differs";
            figures.add(new Completion.TableFigure(e.getKey(), e.getValue(), actual, verdict));
            if (actual == null) {
                problems.add(e.getKey() + " is missing (the backup had " + e.getValue() + " rows)");
            } else if (verdict.equals("emptied")) {
                problems.add(e.getKey() + " is empty (the backup had " + e.getValue() + " rows)");
            }
        }
        new TreeMap<>(counts).forEach((table, n) -> {
            if (!expected.containsKey(table)) {
                figures.add(new Completion.TableFigure(table, null, n, "new"));
            }
        });
        String comparedWith = backup.map(Manifest::id).orElse(null);
        String reason = !problems.isEmpty() ? String.join("; ", problems) + " on " + host + ", compared with backup "
                + comparedWith : backup.isEmpty() ? "no backup older than the restore point to compare with: "
                + counts.size() + " tables counted" : null;
        return ended(op, c, new Completion.Verification(problems.isEmpty(), host, restored.database(), comparedWith,
                reason, figures), now);
    }

    private Operation ended(Operation op, Completion c, Completion.Verification v, Instant now) {
        Operation checked = op.withCompletion(now, c.verified(v, now));
        if (v.passed()) {
            return checked.succeeded(now, Map.of());
        }
        return checked.failed(now, new Operation.Failure("VerificationFailed", "the restore of " + op.target()
                + " finished in Azure, but the new server does not hold up: " + v.reason()));
    }

    private Instant restorePoint(Operation op) {
        Instant point = OffsetDateTime.parse(op.details().get("pointInTimeUTC")).toInstant();
        return op.kind() == OperationKind.GEO ? point.minus(GEO_LAG) : point;
    }

    /** The newest backup, in any store, that started before {@code point}. */
    private Optional<Manifest> newestBefore(Instant point) {
        List<Manifest> all = new ArrayList<>();
        for (BackupStore store : backups.get()) {
            try {
                all.addAll(store.list());
            } catch (RuntimeException e) {
                LOG.warning("could not read the backups of " + store.describe() + " to verify a restored server: "
                        + ShiftSyncException.wrap(e).getMessage());
            }
        }
        return all.stream().filter(m -> !m.startedAt().isAfter(point)).max(Comparator.comparing(Manifest::startedAt));
    }

    private static boolean tracking(Operation op, String key) {
        return op.tracking().containsKey(PENDING + key);
    }

    /**
     * One write of the completion: sent once; when Resource Manager accepted it without
     * finishing, its URL is tracked and asked on later advances.
     *
     * @param done     finished (succeeded, or failed: then {@code failure} says why)
     * @param tracking what to change in the operation's tracking (a null value removes a key)
     */
    private record Step(boolean done, Optional<String> failure, Map<String, String> tracking) {
    }

    private Step step(ServerAdmin a, Operation op, String key, Supplier<ServerAdmin.Accepted> write) {
        String pending = op.tracking().get(PENDING + key);
        Map<String, String> t = new LinkedHashMap<>();
        try {
            if (pending == null) {
                ServerAdmin.Accepted accepted = write.get();
                if (accepted.done()) {
                    return new Step(true, Optional.empty(), t);
                }
                t.put(PENDING + key, accepted.trackingUrl());
                return new Step(false, Optional.empty(), t);
            }
            Optional<ServerAdmin.Progress> progress = a.progress(pending);
            String status = progress.map(ServerAdmin.Progress::status).orElse("Succeeded");
            if ("InProgress".equalsIgnoreCase(status) || "Accepted".equalsIgnoreCase(status)
                    || "Running".equalsIgnoreCase(status)) {
                return new Step(false, Optional.empty(), t);
            }
            t.put(PENDING + key, null);
            if ("Succeeded".equalsIgnoreCase(status)) {
                return new Step(true, Optional.empty(), t);
            }
            return new Step(true, Optional.of(progress.map(p -> p.errorCode() + ": " + p.errorMessage())
                    .orElse(status)), t);
        } catch (ShiftSyncException e) {
            if (e.code() == com.shiftsync.backup.domain.ErrorCode.BAD_INPUT) {
                t.put(PENDING + key, null);
                return new Step(true, Optional.of(e.getMessage()), t);
            }
            throw e;
        }
    }
}
