package com.shiftsync.backup.recovery;

import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.DrillState.DumpRestore;
import com.shiftsync.backup.domain.DrillState.Step;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ServerTrust;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.restore.BackupSources;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.restore.RestoredServers;
import com.shiftsync.backup.restore.ServerCompletion;
import com.shiftsync.backup.restore.TableDifference;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The steps of a dump drill, the recovery Azure's own backups cannot make (the server deleted
 * past its window, the subscription lost, another major version): an empty server like the
 * source (version, compute, storage, network) is created in the drill group, the source's
 * firewall rules and parameters are copied to it, the newest complete dump is restored into it
 * with its roles, every table is checked against the dump's manifest, and the time from the
 * drill's request to the checked database is measured. {@link DrillJob} takes these steps one
 * at a time and deletes the server at the end, whatever happened.
 *
 * <p>No password is ever stored: the create sends a random one that is forgotten at once, and
 * the step that restores makes a new one in memory, sets it through Resource Manager (only on a
 * server Resource Manager shows as this drill's), connects with it (only to the host Resource
 * Manager reports, inside POSTGRES_SERVER_DOMAIN, certificate checked), restores, and forgets
 * it. A step that cannot finish that leaves the next one to set another.
 */
public final class DumpDrill {
    /** The empty server's administrator: like Azure's, a CREATEROLE and CREATEDB role, no superuser. */
    static final String ADMIN = "shiftsync_drill";
    /** How long one step waits for Resource Manager to apply a new admin password before leaving it to the next. */
    static final Duration PASSWORD_WAIT = Duration.ofMinutes(2);
    private static final Duration PASSWORD_POLL = Duration.ofSeconds(5);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(DumpDrill.class.getName());

    private final ServerAdmin admin;
    private final RestoredServers servers;
    private final ServerCompletion copier;
    private final RestoreJob restores;
    private final List<BackupStore> stores;
    private final DatabaseLogin login;
    private final ServerTrust trust;
    private final RetryPolicy policy;
    private final Clock clock;

    /**
     * @param servers  where drill servers go (the drill group) and the source's name
     * @param copier   copies the source's firewall rules and parameters, as a restore's completion does
     * @param restores restores the dump, with its roles, into the new server and checks it
     * @param stores   the stores whose newest complete dump a drill restores
     * @param login    DATABASE_URL: the port servers listen on, and the production server whose roles are never
     *                 touched
     * @param trust    which hosts the drill connects to, and the roots their certificates chain to
     */
    public DumpDrill(ServerAdmin admin, RestoredServers servers, ServerCompletion copier, RestoreJob restores,
                     List<BackupStore> stores, DatabaseLogin login, ServerTrust trust, RetryPolicy policy,
                     Clock clock) {
        this.admin = admin;
        this.servers = servers;
        this.copier = copier;
        this.restores = restores;
        this.stores = List.copyOf(stores);
        this.login = login;
        this.trust = trust;
        this.policy = policy;
        this.clock = clock;
    }

    /** What a dump drill asked for now restores: the newest complete dump in any store. */
    DumpRestore choose() {
        BackupSources.Chosen chosen;
        try {
            chosen = new BackupSources(stores, List.of()).choose("latest", clock.instant());
        } catch (ShiftSyncException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            throw new ShiftSyncException(e.code(), "a dump drill restores the newest complete dump, and there is "
                    + "none (" + e.getMessage() + "): take a backup first, or drill with method point-in-time",
                    e.upstreamCode(), e);
        }
        return DumpRestore.of(chosen.manifest().id(), chosen.store().name());
    }

    /**
     * One step: the create (requested), Azure's part (restoring), the copy (completing), the
     * restore and its check (verifying). The drill comes back at {@code deleting} when its server
     * is to be deleted now, or ended when nothing was created.
     */
    Operation step(Operation drill, Reporter reporter) {
        DrillState d = drill.state(DrillState.class);
        try {
            return switch (d.step()) {
                case REQUESTED -> create(drill);
                case RESTORING -> followCreate(drill, reporter);
                case COMPLETING -> copy(drill, reporter);
                case VERIFYING -> restore(drill, reporter);
                default -> drill;
            };
        } catch (ShiftSyncException e) {
            if ("NotOurs".equals(e.upstreamCode())) {
                // the deletion looks again, and sends nothing to a server that is not this drill's
                return failed(drill, new Operation.Failure("NotOurs", e.getMessage()));
            }
            throw e;
        }
    }

    /**
     * Sends the create of the empty server, like the source, into the drill group, tagged as a
     * drill server and with this drill's id; unless Resource Manager already shows that server as
     * this drill's (an earlier process sent it): then it is taken up.
     */
    private Operation create(Operation drill) {
        DrillState d = drill.state(DrillState.class);
        String group = servers.groupFor(true);
        Instant now = clock.instant();
        try {
            Optional<ServerAdmin.Server> existing = admin.find(group, drill.target());
            if (existing.isPresent()) {
                String refusal = DrillJob.refusal(servers.sourceName(), drill.id(), existing.get());
                if (refusal != null) {
                    return nothingCreated(drill, new Operation.Failure("ServerExists", "server " + drill.target()
                            + " already exists in " + where(group) + " and " + refusal + ": the drill created no "
                            + "server"));
                }
                return drill.with(now, d.withDump(d.dump().createSent(null)).reach(Step.RESTORING, now));
            }
            ServerAdmin.Server source = admin.source();
            if (!source.shape().complete()) {
                return nothingCreated(drill, new Operation.Failure("SourceShapeUnknown", "Resource Manager does not "
                        + "report the version, SKU and storage size of " + source.name() + " (" + source.shape()
                        + "), so no server like it can be created"));
            }
            // the create needs a password; nothing ever uses this one, and it is forgotten here
            ServerAdmin.StartedCreate started = admin.startCreateEmpty(new ServerAdmin.EmptyServer(drill.target(),
                    group, source.location(), source.shape(), source.network(), ADMIN, throwawayPassword(),
                    RestoredServers.tags(drill.id(), Map.of(Drill.TAG, "true"))));
            return drill.with(now, d.withDump(d.dump().createSent(started.trackingUrl())).reach(Step.RESTORING, now));
        } catch (RuntimeException e) {
            ShiftSyncException error = ShiftSyncException.wrap(e);
            Operation.Failure why = new Operation.Failure(error.upstreamCode() != null ? error.upstreamCode()
                    : "ServerNotCreated", "the drill's empty server could not be created: " + error.getMessage());
            if (mayExist(drill, group)) {
                // the create was sent and its answer lost, or refused half-way: delete whatever it may have made
                return drill.with(now, d.judged(why).reach(Step.DELETING, now));
            }
            return nothingCreated(drill, why);
        }
    }

    /** Whether Resource Manager shows a server of the drill's name in the group (when it can be asked at all). */
    private boolean mayExist(Operation drill, String group) {
        try {
            return admin.find(group, drill.target()).isPresent();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Azure's part: the create followed as Resource Manager reports it, then the server's own state. */
    private Operation followCreate(Operation drill, Reporter reporter) {
        DrillState d = drill.state(DrillState.class);
        ServerAdmin.Progress progress = d.dump().createUrl() == null ? ServerAdmin.Progress.UNKNOWN
                : admin.progress(d.dump().createUrl());
        Instant end = progress.endTime() != null && !progress.endTime().isBefore(drill.requestedAt())
                ? progress.endTime() : clock.instant();
        return switch (progress.status()) {
            case IN_PROGRESS -> drill;
            case FAILED, CANCELED -> drill.with(clock.instant(), d.judged(new Operation.Failure(
                    progress.errorCode() != null ? progress.errorCode() : progress.status().name(),
                    "Azure did not create the empty server: " + progress.problem())).reach(Step.DELETING, end));
            case SUCCEEDED, UNKNOWN -> {
                Optional<ServerAdmin.Server> server = admin.find(servers.groupFor(true), drill.target());
                if (server.isEmpty()) {
                    yield failed(drill, new Operation.Failure("TargetServerMissing", "Resource Manager "
                            + (progress.status() == ServerAdmin.Status.SUCCEEDED ? "reports the create of "
                            + drill.target() + " done" : "no longer knows the create of " + drill.target())
                            + ", but the server does not exist"));
                }
                if (progress.status() == ServerAdmin.Status.UNKNOWN && !"Ready".equalsIgnoreCase(server.get().state())) {
                    yield drill;
                }
                DrillState made = d.withDump(d.dump().completing(Completion.started(end, List.of()), List.of()))
                        .reach(Step.COMPLETING, end);
                yield copy(drill.with(clock.instant(), made), reporter);
            }
        };
    }

    /** The source's firewall rules (public access) and parameters, copied as a restore's completion copies them. */
    private Operation copy(Operation drill, Reporter reporter) {
        DrillState d = drill.state(DrillState.class);
        Optional<ServerAdmin.Server> server = ours(drill);
        if (server.isEmpty()) {
            return failed(drill, gone(drill));
        }
        DumpRestore r = d.dump();
        ServerCompletion.Copied copied = copier.copy(servers.groupFor(true), drill.target(), servers.sourceName(),
                !server.get().network().isPrivate(), r.completion(), r.pendingWrites(), false);
        DrillState now = d.withDump(r.completing(copied.completion(), copied.pending()));
        if (copied.waiting()) {
            return drill.with(clock.instant(), now);
        }
        return restore(drill.with(clock.instant(), now.reach(Step.VERIFYING, copied.completion().copiedAt())),
                reporter);
    }

    /**
     * A new admin password, set through Resource Manager; the dump restored with its roles into
     * the source's database name on the host Resource Manager reports; every table checked
     * against the manifest. The server unreachable: tried again next step (with another
     * password), up to the policy's attempts.
     */
    private Operation restore(Operation drill, Reporter reporter) {
        DrillState d = drill.state(DrillState.class);
        DumpRestore r = d.dump();
        Optional<ServerAdmin.Server> found = ours(drill);
        if (found.isEmpty()) {
            return failed(drill, gone(drill));
        }
        ServerAdmin.Server server = found.get();
        if (server.fullyQualifiedDomainName() == null) {
            return failed(drill, new Operation.Failure("NoHostName", "Resource Manager gives no host name for "
                    + drill.target() + ", so the dump could not be restored into it"));
        }
        String group = servers.groupFor(true);
        if (r.passwordUrl() != null) {
            // a second change while the first runs would be refused: wait for it, then set another
            if (admin.progress(r.passwordUrl()).status() == ServerAdmin.Status.IN_PROGRESS) {
                return drill;
            }
            r = r.passwordPending(null);
        }
        String password = throwawayPassword();
        Redaction.register(password);
        DatabaseUrl target;
        Manifest manifest;
        try {
            manifest = RestoreJob.find(store(r), r.backupId(), clock.instant());
            target = trust.connect(new DatabaseUrl(ADMIN, password, server.fullyQualifiedDomainName(), port(),
                    manifest.database(), Map.of()), server.fullyQualifiedDomainName(), drill.target());
        } catch (ShiftSyncException e) {
            return failed(drill, new Operation.Failure(e.upstreamCode() != null ? e.upstreamCode() : e.code().id(),
                    e.getMessage()));
        }
        String pending;
        try {
            pending = setPassword(group, drill.target(), password);
        } catch (ShiftSyncException e) {
            if (e.code() == ErrorCode.UPSTREAM_FAILED) {
                throw e;
            }
            return failed(drill, new Operation.Failure(e.upstreamCode() != null ? e.upstreamCode()
                    : "PasswordNotSet", e.getMessage()));
        }
        if (pending != null) {
            LOG.info("the admin password of " + drill.target() + " is still being set; the next step sets another");
            return drill.with(clock.instant(), d.withDump(r.passwordPending(pending)));
        }
        RestoreResult result;
        try {
            result = restores.run(BackupSources.of(store(r)), r.backupId(), new RestoreJob.Target(target,
                    "the drill server " + drill.target(), "the password the drill set through Resource Manager",
                    "--confirm", true, "--no-owner", false, production()), reporter);
        } catch (RuntimeException e) {
            ShiftSyncException error = ShiftSyncException.wrap(e);
            String state = error.upstreamCode();
            boolean unreachable = state != null && (state.startsWith("08") || state.startsWith("28"));
            if (unreachable && r.attempts() + 1 < policy.maxVerifyAttempts()) {
                LOG.warning("the dump drill could not reach " + drill.target() + " (attempt " + (r.attempts() + 1)
                        + " of " + policy.maxVerifyAttempts() + "): " + Redaction.redact(error.getMessage()));
                return drill.with(clock.instant(), d.withDump(r.unreachable()));
            }
            return failed(drill, new Operation.Failure(state != null ? state : "RestoreFailed", "the dump "
                    + r.backupId() + " was not restored into " + drill.target() + ": " + error.getMessage()));
        }
        Instant now = clock.instant();
        Completion.Verification v = verification(result, server.fullyQualifiedDomainName());
        var check = result.check();
        var roles = check.roles();
        DumpRestore restored = r.completing(r.completion().verified(v, now), r.pendingWrites()).restored(
                roles == null ? List.of() : roles.created(), roles == null ? List.of() : roles.withoutPassword(),
                roles == null ? List.of() : roles.warnings(), check.restoreMs());
        DrillState next = d.withDump(restored).judged(v.passed() ? null : new Operation.Failure("VerificationFailed",
                "the dump " + r.backupId() + " was restored into " + drill.target() + ", but " + v.reason()));
        return drill.with(now, next.reach(Step.DELETING, now));
    }

    /**
     * Sets {@code password} as the admin's and follows the change for up to {@link #PASSWORD_WAIT}:
     * null once it is in place, else where Resource Manager reports it.
     */
    private String setPassword(String group, String server, String password) {
        ServerAdmin.Accepted accepted = admin.setAdminPassword(group, server, password);
        if (accepted.done()) {
            return null;
        }
        Instant until = Instant.now().plus(PASSWORD_WAIT);
        while (true) {
            ServerAdmin.Progress progress = admin.progress(accepted.trackingUrl());
            switch (progress.status()) {
                case SUCCEEDED, UNKNOWN -> {
                    return null;
                }
                case FAILED, CANCELED -> throw new ShiftSyncException(ErrorCode.JOB_FAILED, "Resource Manager "
                        + "did not set the admin password of " + server + ": " + progress.problem(),
                        progress.errorCode(), null);
                default -> {
                    if (Instant.now().isAfter(until)) {
                        return accepted.trackingUrl();
                    }
                    pause();
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PASSWORD_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "interrupted while the admin password was being set");
        }
    }

    /** The restore's integrity check as a verification: every table of the manifest with its figures. */
    private static Completion.Verification verification(RestoreResult result, String host) {
        var check = result.check();
        Map<String, TableDifference> differ = new TreeMap<>();
        check.differences().forEach(t -> differ.put(t.table(), t));
        List<Completion.TableFigure> tables = new ArrayList<>();
        new TreeMap<>(result.manifest().rowCounts()).forEach((table, rows) -> {
            TableDifference t = differ.get(table);
            tables.add(t == null ? new Completion.TableFigure(table, rows, rows, "ok")
                    : new Completion.TableFigure(table, rows, t.actual(), t.actual() == null ? "missing"
                    : t.actual() == 0 && rows > 0 ? "emptied" : "differs"));
        });
        check.extraTables().forEach(t -> tables.add(new Completion.TableFigure(t, null, null, "new")));
        return new Completion.Verification(check.passed(), host, check.targetDatabase(), check.backupId(),
                check.passed() ? null : check.summary(), tables);
    }

    /** The drill server, when Resource Manager shows it as this drill's; a refusal (NotOurs) when it is not. */
    private Optional<ServerAdmin.Server> ours(Operation drill) {
        Optional<ServerAdmin.Server> server = admin.find(servers.groupFor(true), drill.target());
        server.ifPresent(s -> {
            String refusal = DrillJob.refusal(servers.sourceName(), drill.id(), s);
            if (refusal != null) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "drill " + drill.id() + " is not acted on: "
                        + refusal + "; nothing was sent to " + drill.target(), "NotOurs", null);
            }
        });
        return server;
    }

    private static Operation.Failure gone(Operation drill) {
        return new Operation.Failure("TargetServerMissing", "the drill server " + drill.target() + " no longer "
                + "exists in Resource Manager, so the dump could not be restored into it");
    }

    /** Failed: the server (if any) is deleted next. */
    private Operation failed(Operation drill, Operation.Failure why) {
        Instant now = clock.instant();
        return drill.with(now, drill.state(DrillState.class).judged(why).reach(Step.DELETING, now));
    }

    /** Failed before any server was made: nothing to delete. */
    private Operation nothingCreated(Operation drill, Operation.Failure why) {
        Instant now = clock.instant();
        return DrillJob.end(drill.with(now, drill.state(DrillState.class).judged(why).deletionEnded(null,
                "nothing to delete: no server was created")), true, now);
    }

    private BackupStore store(DumpRestore r) {
        return stores.stream().filter(s -> s.name().equals(r.store())).findFirst().orElseThrow(() ->
                new ShiftSyncException(ErrorCode.JOB_FAILED, "the drill's dump " + r.backupId() + " was in the "
                        + r.store() + " store, which is no longer configured"));
    }

    /** The port Flexible Servers listen on: DATABASE_URL's (5432 on Azure, and where it is not set). */
    private int port() {
        try {
            return login.configured().port();
        } catch (ShiftSyncException e) {
            return 5432;
        }
    }

    /** DATABASE_URL's host:port, whose roles a restore never touches; null when it is not set. */
    private String production() {
        try {
            DatabaseUrl configured = login.configured();
            return configured.host() + ":" + configured.port();
        } catch (ShiftSyncException e) {
            return null;
        }
    }

    private static String where(String group) {
        return group == null ? "the source's resource group" : "resource group " + group;
    }

    /**
     * 192 random bits, with the upper case, lower case and digit Azure's password rule asks for;
     * registered for redaction, held in memory only.
     */
    static String throwawayPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String password = "Dr1" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Redaction.register(password);
        return password;
    }
}
