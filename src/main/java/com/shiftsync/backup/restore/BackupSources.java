package com.shiftsync.backup.restore;

import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The one rule of every command that reads backups (restore, verify, download, list, status):
 * every configured store is read (the local folder first, then Blob Storage), a backup is
 * taken only where it is <em>complete</em> ({@link BackupCatalog}), {@code latest} is the
 * newest complete backup in any of them that did not start in the future (the local copy when
 * both hold it: no download), and the caller is told which store was used. {@code --source}
 * narrows the search to one store; when that finds nothing, the message says what the other
 * stores hold. A backup whose manifest contradicts the audit log's record of its commit
 * ({@link BackupWitness}) is passed over like a damaged one.
 *
 * @param searched the stores read, in order of preference
 * @param others   stores configured but left out by {@code --source} (named in messages only)
 * @param witness  the audit log's records of committed backups, each chosen manifest is held to
 */
public record BackupSources(List<BackupStore> searched, List<BackupStore> others, BackupWitness witness) {
    private static final Logger LOG = Logger.getLogger(BackupSources.class.getName());

    public BackupSources {
        searched = List.copyOf(searched);
        others = List.copyOf(others);
        witness = witness == null ? BackupWitness.none() : witness;
        if (searched.isEmpty()) {
            throw new IllegalArgumentException("a backup is read from at least one store");
        }
    }

    public BackupSources(List<BackupStore> searched, List<BackupStore> others) {
        this(searched, others, BackupWitness.none());
    }

    /** These stores, each chosen backup held to {@code witness}. */
    public BackupSources witnessedBy(BackupWitness witness) {
        return new BackupSources(searched, others, witness);
    }

    /** Only {@code store}. */
    public static BackupSources of(BackupStore store) {
        return new BackupSources(List.of(store), List.of());
    }

    /**
     * The stores a command reads: all of {@code configured} (in order), or only the one named
     * {@code source} ("local", "azure") when given.
     */
    public static BackupSources of(List<BackupStore> configured, String source) {
        if (source == null || source.isBlank()) {
            return new BackupSources(configured, List.of());
        }
        List<BackupStore> chosen = configured.stream().filter(s -> s.name().equals(source.trim())).toList();
        if (chosen.isEmpty()) {
            throw ShiftSyncException.badInput("--source " + source + " is not a configured store: use "
                    + String.join(" or ", configured.stream().map(BackupStore::name).toList()));
        }
        return new BackupSources(chosen, configured.stream().filter(s -> !chosen.contains(s)).toList());
    }

    /** "local folder /var/backups/shiftsync and Blob container shiftsync-backups". */
    public String describe() {
        return String.join(" and ", searched.stream().map(BackupStore::describe).toList());
    }

    /** The searched store called {@code name} ("local", "azure"). */
    public Optional<BackupStore> store(String name) {
        return searched.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * A backup chosen for reading.
     *
     * @param store    where it is complete (the store used)
     * @param manifest its manifest
     * @param skipped  newer backups passed over because they are damaged, one sentence each
     */
    public record Chosen(BackupStore store, Manifest manifest, List<String> skipped) {
        public Chosen {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(manifest, "manifest");
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * The backup {@code backup} names ("latest" or an id) where it is complete. Damaged
     * backups passed over, and for {@code latest} backups dated after {@code now}
     * ({@link BackupCatalog#fromTheFuture}), are logged as warnings and listed in the answer.
     *
     * @param now the caller's clock: what "in the future" means
     * @throws ShiftSyncException BAD_INPUT (no name, a malformed id), NOT_FOUND (no such
     *                            backup, or no complete one), JOB_FAILED (the backup exists but is
     *                            damaged in every store that holds it)
     */
    public Chosen choose(String backup, Instant now) {
        if (backup == null || backup.isBlank()) {
            throw ShiftSyncException.badInput("name a backup: an id such as shiftsync_backup_20240115_020000, or latest");
        }
        boolean latest = backup.trim().equalsIgnoreCase("latest");
        BackupId id = latest ? null : BackupId.parse(backup);
        // a store that cannot be read (Blob Storage down) leaves the others to search: its backups are not lost
        List<BackupCatalog> catalogs = new ArrayList<>();
        List<BackupStore> readable = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        RuntimeException first = null;
        for (BackupStore store : searched) {
            try {
                catalogs.add(store.catalog());
                readable.add(store);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
                unreachable.add(ShiftSyncException.wrap(e).getMessage());
            }
        }
        if (readable.isEmpty()) {
            throw first;
        }
        BackupSources reachable = new BackupSources(readable, others, witness);
        Chosen chosen;
        try {
            chosen = reachable.witnessed(catalogs, id, now);
        } catch (ShiftSyncException e) {
            if (unreachable.isEmpty()) {
                throw e;
            }
            throw new ShiftSyncException(e.code(), e.getMessage() + "; not searched: " + String.join("; ", unreachable),
                    e.upstreamCode(), e);
        }
        List<String> notes = new ArrayList<>(chosen.skipped());
        catalogs.get(readable.indexOf(chosen.store())).entry(chosen.manifest().backupId())
                .filter(e -> e.authenticity() == BackupCatalog.Authenticity.BEFORE_KEY)
                .ifPresent(e -> notes.add(e.tier() + " backup " + e.id() + " was made before MANIFEST_KEY_SECRET was "
                        + "set: its manifest carries no MAC, and it is older than every authenticated backup in "
                        + chosen.store().describe() + ", so it is used unauthenticated"));
        unreachable.forEach(u -> notes.add(u + "; only " + reachable.describe() + " was searched"));
        notes.forEach(LOG::warning);
        return new Chosen(chosen.store(), chosen.manifest(), notes);
    }

    /**
     * The backup {@code id} names (null: latest) whose manifest the witness does not contradict:
     * a contradicted copy is passed over like a damaged one (latest takes the next), and named.
     */
    private Chosen witnessed(List<BackupCatalog> catalogs, BackupId id, Instant now) {
        Map<String, String> refused = new LinkedHashMap<>();
        while (true) {
            Chosen chosen = id == null ? latest(catalogs, refused, now) : byId(catalogs, id, refused);
            Optional<String> why = witness.contradiction(chosen.manifest());
            if (why.isEmpty()) {
                return chosen;
            }
            refused.put(chosen.store().name() + "/" + chosen.manifest().id(), why.get() + " (in "
                    + chosen.store().describe() + ")");
        }
    }

    private static boolean refused(Map<String, String> refused, BackupStore store, Manifest m) {
        return refused.containsKey(store.name() + "/" + m.id());
    }

    private Chosen latest(List<BackupCatalog> catalogs, Map<String, String> refused, Instant now) {
        BackupStore best = null;
        Manifest newest = null;
        for (int i = 0; i < catalogs.size(); i++) {
            BackupStore store = searched.get(i);
            Optional<Manifest> m = catalogs.get(i).complete().stream()
                    .filter(c -> !BackupCatalog.fromTheFuture(c, now) && !refused(refused, store, c)).findFirst();
            if (m.isPresent() && (newest == null || m.get().backupId().compareTo(newest.backupId()) < 0)) {
                newest = m.get();
                best = store;
            }
        }
        List<String> damaged = new ArrayList<>();
        for (BackupCatalog c : catalogs) {
            List<BackupCatalog.Entry> newer = newest == null ? c.damaged() : c.damagedNewerThan(newest.backupId());
            newer.forEach(e -> damaged.add(e.reason()));
            c.fromTheFuture(now).forEach(f -> damaged.add(BackupCatalog.fromTheFutureReason(f, c.location(), now)
                    + ", so it is not latest"));
        }
        damaged.addAll(refused.values());
        if (newest == null) {
            // nothing at all is a wrong place to look; only damaged backups is a failure to report
            throw new ShiftSyncException(damaged.isEmpty() ? ErrorCode.NOT_FOUND : ErrorCode.JOB_FAILED,
                    "there is no complete backup in " + describe()
                    + (damaged.isEmpty() ? "" : " (" + String.join("; ", damaged) + ")") + elsewhere());
        }
        Manifest picked = newest;
        return new Chosen(best, newest, damaged.stream().map(d -> d + "; using " + picked.id()
                + " instead, the newest complete backup").toList());
    }

    private Chosen byId(List<BackupCatalog> catalogs, BackupId id, Map<String, String> refused) {
        List<String> damaged = new ArrayList<>();
        for (int i = 0; i < catalogs.size(); i++) {
            Optional<BackupCatalog.Entry> e = catalogs.get(i).entry(id);
            if (e.isPresent() && e.get().complete() && !refused(refused, searched.get(i), e.get().manifest())) {
                return new Chosen(searched.get(i), e.get().manifest(), List.of());
            }
            e.filter(d -> !d.complete()).ifPresent(d -> damaged.add(d.reason()));
        }
        damaged.addAll(refused.values());
        if (!damaged.isEmpty()) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "backup " + id + " cannot be read: "
                    + String.join("; ", damaged) + elsewhere());
        }
        throw new ShiftSyncException(ErrorCode.NOT_FOUND, "backup " + id + " does not exist in " + describe()
                + elsewhere());
    }

    /** What the stores left out by --source hold: "; Blob container x has 3 complete backups (newest ...): use --source azure". */
    private String elsewhere() {
        StringBuilder s = new StringBuilder();
        for (BackupStore other : others) {
            try {
                List<Manifest> complete = other.catalog().complete();
                if (!complete.isEmpty()) {
                    s.append("; ").append(other.describe()).append(" has ").append(complete.size())
                            .append(complete.size() == 1 ? " complete backup" : " complete backups")
                            .append(" (newest ").append(complete.get(0).id()).append("): use --source ")
                            .append(other.name());
                }
            } catch (RuntimeException e) {
                // a hint only: the answer stands without it
            }
        }
        return s.toString();
    }
}
