package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.DrillPolicy;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ServerTrust;
import com.shiftsync.backup.monitor.ClientWatch;
import com.shiftsync.backup.operations.Reminders;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SecretWriter;
import com.shiftsync.backup.recovery.DrillJob;
import com.shiftsync.backup.recovery.DrillSweeper;
import com.shiftsync.backup.recovery.DumpDrill;
import com.shiftsync.backup.recovery.RecoveryPlanner;
import com.shiftsync.backup.restore.CutoverJob;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.RestoredServers;
import com.shiftsync.backup.restore.ServerCompletion;
import com.shiftsync.backup.restore.ServerRestoreJob;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The wiring of recovery: point-in-time and geo-restores of POSTGRES_SERVER_NAME with their
 * completion, the recovery plan, the cutover, and recovery drills (point-in-time and dump) with
 * their sweeper. Each
 * job is built once, on first use, over the app's {@link Adapters}; Resource Manager is
 * built only when a job first calls it.
 */
public final class RecoveryJobs {
    private final Supplier<ServerRestoreJob> serverRestoreJob;
    private final Supplier<RecoveryPlanner> planner;
    private final Supplier<CutoverJob> cutoverJob;
    private final Supplier<DrillPolicy> drillPolicy;
    private final Supplier<DrillJob> drillJob;
    private final Supplier<DrillSweeper> drillSweeper;
    private final boolean sourceConfigured;

    /** @param restoreJob restores a dump (a dump drill's restore into its empty server) */
    RecoveryJobs(Adapters a, Clock clock, List<BackupStore> stores, Reminders reminders,
                 Supplier<RestoreJob> restoreJob) {
        Settings settings = a.settings;
        String source = a.text(Setting.POSTGRES_SERVER_NAME);
        this.sourceConfigured = source != null;
        Supplier<ServerRestoreRequest.TargetNetwork> geoNetwork = () -> ServerRestoreRequest.TargetNetwork.of(
                a.text(Setting.GEO_RESTORE_SUBNET_ID), a.text(Setting.GEO_RESTORE_PRIVATE_DNS_ZONE_ID));
        this.drillPolicy = Once.of(() -> DrillSettings.from(settings));
        Supplier<ServerTrust> trust = Once.of(() -> ServerTrustSettings.from(settings));
        Supplier<RestoredServers> servers = Once.of(() -> new RestoredServers(a.serverAdmin, source,
                a.text(Setting.RESTORE_RESOURCE_GROUP), drillPolicy.get().resourceGroup()));
        Supplier<ServerCompletion> completion = Once.of(() -> new ServerCompletion(a.serverAdmin, servers.get(),
                a.login, settings.isSet(Setting.DATABASE_URL), a.database, stores, trust.get(), reminders.policy(),
                clock));
        this.serverRestoreJob = Once.of(() -> new ServerRestoreJob(a.serverAdmin, a.operationStore.get(),
                completion.get(), servers.get(), reminders, clock, geoNetwork.get()));
        this.planner = Once.of(() -> new RecoveryPlanner(a.serverAdmin, a.operationStore.get(), stores, clock,
                source, geoNetwork.get(), settings.isSet(Setting.CUTOVER_SECRET_NAME),
                new ClientWatch(a.login, a.database, a.dumpTool)));
        this.cutoverJob = Once.of(() -> new CutoverJob(a.operationStore.get(),
                Lazy.of(SecretWriter.class, a.azure::secretWriter), servers.get(), trust.get(),
                a.text(Setting.CUTOVER_SECRET_NAME), a.text(Setting.DATABASE_PASSWORD_SECRET), clock));
        this.drillJob = Once.of(() -> new DrillJob(a.serverAdmin, a.operationStore.get(), serverRestoreJob.get(),
                new DumpDrill(a.serverAdmin, servers.get(), completion.get(), restoreJob.get(), stores, a.login,
                        trust.get(), reminders.policy(), clock),
                servers.get(), drillPolicy.get(), settings.integer(Setting.RTO_TARGET_MINUTES, 1), reminders, clock));
        this.drillSweeper = Once.of(() -> new DrillSweeper(a.serverAdmin, a.operationStore.get(), drillPolicy.get(),
                settings.required(Setting.POSTGRES_SERVER_NAME, "the drill sweeper deletes only servers named after "
                        + "the source Flexible Server"), reminders.policy(), clock));
    }

    /** Point-in-time and geo-restores of POSTGRES_SERVER_NAME. */
    public ServerRestoreJob serverRestoreJob() {
        return serverRestoreJob.get();
    }

    /** Which way to recover, and what each way loses; reads only. */
    public RecoveryPlanner planner() {
        return planner.get();
    }

    /** Points ShiftSync at a verified restored server (CUTOVER_SECRET_NAME in Key Vault). */
    public CutoverJob cutoverJob() {
        return cutoverJob.get();
    }

    /** DRILL_* settings, checked. */
    public DrillPolicy drillPolicy() {
        return drillPolicy.get();
    }

    /** Recovery drills: a point-in-time restore into a temporary server, verified, measured, deleted. */
    public DrillJob drillJob() {
        return drillJob.get();
    }

    /** Deletes drill servers left behind (the retentionPrune timer). */
    public DrillSweeper drillSweeper() {
        return drillSweeper.get();
    }

    /**
     * The retentionPrune timer's sweep of drill servers left behind; empty, doing nothing,
     * when no source server is configured (no restore or drill can have made one).
     */
    public Optional<DrillSweeper.Sweep> sweepDrillServers(Reporter reporter) {
        return sourceConfigured ? Optional.of(drillSweeper().sweep(reporter)) : Optional.empty();
    }
}
