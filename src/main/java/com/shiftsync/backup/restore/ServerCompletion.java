package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ServerRestoreState;
import com.shiftsync.backup.domain.ServerRestoreState.PendingWrite;
import com.shiftsync.backup.domain.ServerRestoreState.Write;
import com.shiftsync.backup.domain.ServerTrust;
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
 * {@link Completion}; writes Resource Manager accepts but has not finished are kept as
 * pending writes and looked at again on the next advance. So a completion interrupted
 * anywhere (an app restart) goes on where it stopped, and never copies anything twice.
 *
 * <p>Each advance first finds the new server again ({@link RestoredServers}: the settings'
 * group, this operation's tag, not the source), and the verification connects only to the
 * host Resource Manager reports for it now, inside POSTGRES_SERVER_DOMAIN, with its TLS
 * certificate checked ({@link ServerTrust}): never to a host a stored record names.
 */
public final class ServerCompletion {
    /** A geo-restore's data may lag the paired region by up to an hour: compare with a backup older than that. */
    static final Duration GEO_LAG = Duration.ofHours(1);
    private static final Logger LOG = Logger.getLogger(ServerCompletion.class.getName());

    private final ServerAdmin admin;
    private final RestoredServers servers;
    private final DatabaseLogin login;
    private final boolean hasLogin;
    private final Database database;
    private final List<BackupStore> backups;
    private final ServerTrust trust;
    private final RetryPolicy policy;
    private final Clock clock;

    /**
     * @param login    DATABASE_URL: the credentials and database the new server is checked with
     * @param hasLogin whether DATABASE_URL is set (without it the new server cannot be verified)
     * @param backups  the stores whose manifests the new server is compared with
     * @param trust    which hosts may receive the login, and the roots their certificates chain to
     */
    public ServerCompletion(ServerAdmin admin, RestoredServers servers, DatabaseLogin login, boolean hasLogin,
                            Database database, List<BackupStore> backups, ServerTrust trust, RetryPolicy policy,
                            Clock clock) {
        this.admin = admin;
        this.servers = servers;
        this.login = login;
        this.hasLogin = hasLogin;
        this.database = database;
        this.backups = List.copyOf(backups);
        this.trust = trust;
        this.policy = policy;
        this.clock = clock;
    }

    /** What Azure does not copy to the new server and this app does not do, read from the source now. */
    List<String> followUps(Operation op) {
        List<String> f = new ArrayList<>();
        ServerRestoreState state = op.state(ServerRestoreState.class);
        String source = state.sourceServer() == null ? "the source server" : state.sourceServer();
        String target = op.target();
        try {
            ServerAdmin.Server s = admin.source();
            if (s.highlyAvailable()) {
                f.add("high availability (" + s.highAvailability() + ") was on at " + source + ", and a restore "
                        + "creates a single server: turn it on for " + target + " (az postgres flexible-server update "
                        + "--name " + target + " --high-availability " + s.highAvailability() + ")");
            }
            List<String> replicas = admin.replicas();
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
        if (op.completion().stage().ended()) {
            return op;
        }
        ServerAdmin.Server target = servers.of(op).orElse(null);
        if (target == null) {
            return op.failed(clock.instant(), new Operation.Failure("TargetServerMissing", "the restored server "
                    + op.target() + " no longer exists in Resource Manager, so its completion cannot go on"));
        }
        ServerRestoreState s = op.state(ServerRestoreState.class).seen(target.id(), target.state(),
                target.fullyQualifiedDomainName());
        return advance(op, s, target);
    }

    private Operation advance(Operation op, ServerRestoreState s, ServerAdmin.Server target) {
        return switch (s.completion().stage()) {
            case COPYING -> copy(op, s, target);
            case RESTARTING -> restart(op, s, target);
            case VERIFYING -> verify(op, s, target);
            case DONE, FAILED -> op.with(clock.instant(), s);
        };
    }

    /** Firewall rules (public access only) and user-set parameters, each written once and then recorded. */
    private Operation copy(Operation op, ServerRestoreState s, ServerAdmin.Server targetServer) {
        Copied done = copy(servers.groupFor(s.drillId() != null), targetServer.name(), s.sourceServer(),
                s.network() == null, s.completion(), s.pendingWrites(), s.restart());
        ServerRestoreState now = s.completing(done.pending(), s.verifyAttempts(), done.completion());
        return done.waiting() ? op.with(clock.instant(), now) : advance(op, now, targetServer);
    }

    /**
     * The copy as one step left it: the completion as it now stands (still {@code copying} while
     * a write runs; else {@code restarting} or {@code verifying}) and the writes Resource Manager
     * accepted but has not finished.
     */
    public record Copied(Completion completion, List<PendingWrite> pending) {
        public boolean waiting() {
            return completion.stage() == Completion.Stage.COPYING;
        }
    }

    /**
     * One step of the copy of {@code sourceServer}'s firewall rules (when {@code publicAccess}:
     * a private server has none) and user-set parameters to {@code target} in {@code group}, for
     * a restored server or a dump drill's empty one: what {@code c} records as copied is not
     * written again, and a write in {@code pending} is asked about instead of sent. Parameters that
     * need a restart move the completion to {@code restarting} when {@code restartAsked}, else
     * become a follow-up.
     */
    public Copied copy(String group, String target, String sourceServer, boolean publicAccess, Completion c,
                       List<PendingWrite> pending, boolean restartAsked) {
        Writes writes = new Writes(pending);
        List<String> notes = new ArrayList<>();
        List<String> rules = new ArrayList<>(c.firewallRulesCopied());
        boolean waiting = false;
        if (publicAccess) {
            for (ServerAdmin.FirewallRule rule : admin.firewallRules(null, sourceServer)) {
                if (rules.contains(rule.toString())) {
                    continue;
                }
                Optional<String> done = writes.step(Write.FIREWALL_RULE, rule.name(),
                        () -> admin.putFirewallRule(group, target, rule),
                        () -> admin.firewallRules(group, target).contains(rule));
                if (done == null) {
                    waiting = true;
                } else {
                    rules.add(rule.toString());
                    done.ifPresent(why -> notes.add("firewall rule " + rule + " could not be written to "
                            + target + " (" + why + "): add it by hand"));
                }
            }
        }
        List<String> parameters = new ArrayList<>(c.parametersCopied());
        Map<String, ServerAdmin.Parameter> onTarget = new LinkedHashMap<>();
        admin.parameters(group, target).forEach(p -> onTarget.put(p.name(), p));
        List<ServerAdmin.Parameter> wanted = admin.parameters(null, sourceServer).stream()
                .filter(p -> p.userSet() && !p.readOnly()).toList();
        for (ServerAdmin.Parameter p : wanted) {
            String copied = p.name() + "=" + p.value();
            if (parameters.contains(copied)) {
                continue;
            }
            ServerAdmin.Parameter there = onTarget.get(p.name());
            boolean same = there != null && String.valueOf(p.value()).equals(there.value());
            if (same && writes.pendingFor(Write.PARAMETER, p.name()).isEmpty()) {
                parameters.add(copied);
                continue;
            }
            Optional<String> done = writes.step(Write.PARAMETER, p.name(),
                    () -> admin.setParameter(group, target, p.name(), p.value()), () -> same);
            if (done == null) {
                waiting = true;
            } else {
                parameters.add(copied);
                done.ifPresent(why -> notes.add("server parameter " + copied + " could not be set on "
                        + target + " (" + why + "): set it by hand"));
            }
        }
        Completion now = c;
        for (String note : notes) {
            now = now.withFollowUp(note);
        }
        if (waiting) {
            return new Copied(now.copied(rules, parameters, c.parametersNeedingRestart(), null,
                    Completion.Stage.COPYING), writes.pending());
        }
        Set<String> copiedNames = Set.copyOf(parameters.stream().map(x -> x.substring(0, x.indexOf('='))).toList());
        List<String> needRestart = new ArrayList<>();
        for (ServerAdmin.Parameter p : wanted) {
            if (copiedNames.contains(p.name()) && (!p.dynamic() || onTarget.containsKey(p.name())
                    && onTarget.get(p.name()).pendingRestart())) {
                needRestart.add(p.name());
            }
        }
        if (!needRestart.isEmpty() && !restartAsked) {
            now = now.withFollowUp("restart " + target + " to apply the server parameter" + (needRestart.size() == 1
                    ? " " : "s ") + String.join(", ", needRestart) + " (az postgres flexible-server restart --name "
                    + target + "), or ask the restore for it with \"restart\": true");
        }
        Completion.Stage next = !needRestart.isEmpty() && restartAsked ? Completion.Stage.RESTARTING
                : Completion.Stage.VERIFYING;
        return new Copied(now.copied(rules, parameters, needRestart, clock.instant(), next), writes.pending());
    }

    private Operation restart(Operation op, ServerRestoreState s, ServerAdmin.Server target) {
        Completion c = s.completion();
        String group = servers.groupFor(s.drillId() != null);
        Writes writes = new Writes(s.pendingWrites());
        Optional<String> done = writes.step(Write.RESTART, "", () -> admin.restart(group, target.name()), () -> true);
        if (done == null) {
            return op.with(clock.instant(), s.completing(writes.pending(), s.verifyAttempts(), c));
        }
        Completion now = done.map(why -> c.withFollowUp("the restart of " + op.target() + " failed (" + why
                + "): restart it by hand to apply " + String.join(", ", c.parametersNeedingRestart())))
                .orElse(c).restartedNow();
        return advance(op, s.completing(writes.pending(), s.verifyAttempts(), now), target);
    }

    /**
     * Connects with the app's own credentials to the host Resource Manager reports for the new
     * server now (inside POSTGRES_SERVER_DOMAIN, certificate checked), checks the protected
     * database exists, counts every table's rows and compares them with the newest backup
     * taken before the restore point. A table missing, or empty where the backup had rows,
     * fails the check; other differences are figures.
     */
    private Operation verify(Operation op, ServerRestoreState s, ServerAdmin.Server target) {
        Completion c = s.completion();
        // never before Azure's own end, even when Resource Manager's clock runs ahead of ours
        Instant now = c.azureFinishedAt() != null && c.azureFinishedAt().isAfter(clock.instant())
                ? c.azureFinishedAt() : clock.instant();
        String host = target.fullyQualifiedDomainName();
        if (!hasLogin || host == null) {
            String why = host == null ? "Resource Manager gave no host name for " + op.target()
                    : "DATABASE_URL is not set, so the app has no database credentials to check " + host + " with";
            Completion done = new Completion(Completion.Stage.DONE, c.firewallRulesCopied(), c.parametersCopied(),
                    c.parametersNeedingRestart(), c.restarted(), null, c.followUps(), c.azureFinishedAt(),
                    c.copiedAt(), now, c.cutover()).withFollowUp("not verified: " + why
                    + "; check the data yourself before ShiftSync uses " + op.target());
            return op.succeeded(now, s.completing(s.pendingWrites(), s.verifyAttempts(), done));
        }
        DatabaseUrl restored;
        try {
            restored = trust.connect(login.current(), host, op.target());
        } catch (ShiftSyncException refused) {
            return ended(op, s, new Completion.Verification(false, host, null, null, refused.getMessage(),
                    List.of()), now);
        }
        Map<String, Long> counts;
        try {
            if (!database.exists(restored, restored.database())) {
                return ended(op, s, new Completion.Verification(false, host, restored.database(), null,
                        "database " + restored.database() + " does not exist on " + host, List.of()), now);
            }
            counts = database.countRows(restored);
        } catch (RuntimeException e) {
            int attempts = s.verifyAttempts() + 1;
            String why = ShiftSyncException.wrap(e).getMessage();
            if (attempts < policy.maxVerifyAttempts()) {
                LOG.warning("the verification of " + op.target() + " could not reach it (attempt " + attempts + " of "
                        + policy.maxVerifyAttempts() + "): " + why);
                return op.with(now, s.completing(s.pendingWrites(), attempts, c));
            }
            return ended(op, s, new Completion.Verification(false, host, null, null, "could not check " + host
                    + " after " + attempts + " attempts: " + why, List.of()), now);
        }
        Optional<Manifest> backup = newestBefore(restorePoint(op, s));
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
        return ended(op, s, new Completion.Verification(problems.isEmpty(), host, restored.database(), comparedWith,
                reason, figures), now);
    }

    private Operation ended(Operation op, ServerRestoreState s, Completion.Verification v, Instant now) {
        ServerRestoreState checked = s.completing(s.pendingWrites(), s.verifyAttempts(),
                s.completion().verified(v, now));
        if (v.passed()) {
            return op.succeeded(now, checked);
        }
        return op.failed(now, new Operation.Failure("VerificationFailed", "the restore of " + op.target()
                + " finished in Azure, but the new server does not hold up: " + v.reason()), checked);
    }

    private static Instant restorePoint(Operation op, ServerRestoreState s) {
        Instant point = s.pointInTimeUtc().toInstant();
        return op.kind() == OperationKind.GEO ? point.minus(GEO_LAG) : point;
    }

    /** The newest backup, in any store, that started before {@code point}. */
    private Optional<Manifest> newestBefore(Instant point) {
        List<Manifest> all = new ArrayList<>();
        for (BackupStore store : backups) {
            try {
                all.addAll(store.list());
            } catch (RuntimeException e) {
                LOG.warning("could not read the backups of " + store.describe() + " to verify a restored server: "
                        + ShiftSyncException.wrap(e).getMessage());
            }
        }
        return all.stream().filter(m -> !m.startedAt().isAfter(point)).max(Comparator.comparing(Manifest::startedAt));
    }

    /**
     * The completion's writes of one advance: each is sent once; when Resource Manager accepted
     * it without finishing, it stays pending and is asked about on later advances.
     */
    private final class Writes {
        private final List<PendingWrite> pending;

        Writes(List<PendingWrite> pending) {
            this.pending = new ArrayList<>(pending);
        }

        List<PendingWrite> pending() {
            return List.copyOf(pending);
        }

        Optional<PendingWrite> pendingFor(Write write, String name) {
            return pending.stream().filter(p -> p.write() == write && p.name().equals(name)).findFirst();
        }

        /**
         * One write: null while Resource Manager is at it; else done, empty when it succeeded,
         * or why it failed. When Resource Manager no longer knows a pending write,
         * {@code confirmed} asks the resource itself.
         */
        Optional<String> step(Write write, String name, java.util.function.Supplier<ServerAdmin.Accepted> send,
                              java.util.function.BooleanSupplier confirmed) {
            Optional<PendingWrite> earlier = pending.stream().filter(p -> p.write() == write
                    && p.name().equals(name)).findFirst();
            try {
                if (earlier.isEmpty()) {
                    ServerAdmin.Accepted accepted = send.get();
                    if (accepted.done()) {
                        return Optional.empty();
                    }
                    pending.add(new PendingWrite(write, name, accepted.trackingUrl()));
                    return null;
                }
                ServerAdmin.Progress progress = admin.progress(earlier.get().trackingUrl());
                if (progress.status() == ServerAdmin.Status.IN_PROGRESS) {
                    return null;
                }
                pending.remove(earlier.get());
                return switch (progress.status()) {
                    case SUCCEEDED -> Optional.empty();
                    case UNKNOWN -> confirmed.getAsBoolean() ? Optional.empty() : Optional.of("Resource Manager no "
                            + "longer knows the write, and the server does not show it");
                    default -> Optional.of(progress.problem());
                };
            } catch (ShiftSyncException e) {
                if (e.code() == com.shiftsync.backup.domain.ErrorCode.BAD_INPUT) {
                    pending.removeIf(p -> p.write() == write && p.name().equals(name));
                    return Optional.of(e.getMessage());
                }
                throw e;
            }
        }
    }
}
