package com.shiftsync.backup.config;

import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.prune.HoldJob;
import com.shiftsync.backup.prune.PruneJob;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.verify.OffsiteCheckJob;
import com.shiftsync.backup.verify.VerifyJob;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The wiring of what makes and keeps dumps: backups to the local folder and Blob, restores of a
 * dump, the restore test, the off-site check, retention and legal holds. Each job is built on
 * first use over the app's {@link Adapters} and {@link BackupStores}.
 */
public final class BackupJobs {
    private final Adapters adapters;
    private final BackupStores stores;
    private final Clock clock;
    private final Supplier<RetentionSettings> retention;
    private final Supplier<DumpSettings> dump;
    private final Supplier<BackupJob> toLocal;
    private final Supplier<BackupJob> toAzure;
    private final Supplier<BackupJob> toLocalAndAzure;
    private final Supplier<RestoreJob> restoreJob;

    BackupJobs(Adapters a, BackupStores stores, Clock clock) {
        this.adapters = a;
        this.stores = stores;
        this.clock = clock;
        this.retention = Once.of(() -> RetentionSettings.from(a.settings, a.timeout()));
        this.dump = Once.of(() -> DumpSettings.from(a.settings, Runtime.getRuntime().availableProcessors()));
        this.toLocal = Once.of(() -> backupJob(List.of(stores.local())));
        this.toAzure = Once.of(() -> backupJob(List.of(stores.azure())));
        this.toLocalAndAzure = Once.of(() -> backupJob(List.of(stores.local(), stores.azure())));
        this.restoreJob = Once.of(() -> new RestoreJob(a.database, a.dumpTool, a.serverRoles,
                Path.of(System.getProperty("java.io.tmpdir"), "shiftsync-restore"), clock, a.keys.decryption(),
                stores.witness(), dump.get().restoreJobs()));
    }

    /** The CLI's backup without --upload. */
    public BackupJob toLocal() {
        return toLocal.get();
    }

    /** The timers' and the queue worker's backup: straight to Blob (a Function App has no lasting disk). */
    public BackupJob toAzure() {
        return toAzure.get();
    }

    /** The CLI's {@code backup --upload}. */
    public BackupJob toLocalAndAzure() {
        return toLocalAndAzure.get();
    }

    public RestoreJob restoreJob() {
        return restoreJob.get();
    }

    /**
     * The restore test, into a sandbox on DATABASE_URL's server (VERIFY_RESTORE_JOBS is no longer
     * read: the test restores in one transaction as a throwaway role, whatever the size).
     */
    public VerifyJob verifyJob() {
        return new VerifyJob(adapters.login, adapters.database, adapters.dumpTool, restoreJob(), clock)
                .witnessedBy(stores.witness());
    }

    public OffsiteCheckJob offsiteCheckJob() {
        return new OffsiteCheckJob(clock, stores.witness());
    }

    /** Legal holds on Blob backups (hold, release). */
    public HoldJob holdJob() {
        return new HoldJob(stores.azure());
    }

    /** Every retention rule: the local folder, and Blob and the uploads sweep when storage is configured. */
    public PruneJob pruneJob() {
        RetentionSettings rules = retention.get();
        List<PruneJob.Target> targets = new ArrayList<>(List.of(new PruneJob.Target(stores.local(), rules.local())));
        PruneJob.UploadsTtl uploads = null;
        if (stores.hasAzure()) {
            targets.add(new PruneJob.Target(stores.azure(), rules.azure()));
            uploads = new PruneJob.UploadsTtl(adapters.uploadStore(), rules.uploadsTtl());
        }
        return new PruneJob(targets, uploads, rules.orphanGrace(), clock);
    }

    /** What {@code backup [--keep-days N]} prunes after its backup: the local folder's backups of {@code tier}. */
    public PruneJob localPruneJob(Tier tier, Integer keepDays) {
        RetentionSettings rules = retention.get();
        return new PruneJob(List.of(new PruneJob.Target(stores.local(), rules.localKeeping(tier, keepDays),
                Set.of(tier))), null, rules.orphanGrace(), clock);
    }

    private BackupJob backupJob(List<BackupStore> targets) {
        return new BackupJob(adapters.login, adapters.database, adapters.dumpTool, targets, clock, adapters.timeout(),
                dump.get().compression(), adapters.keys.cipher(), adapters.keys::manifestKey);
    }
}
