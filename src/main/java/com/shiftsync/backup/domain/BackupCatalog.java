package com.shiftsync.backup.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one store holds, read in one metadata pass (a listing with sizes, a {@code stat} per
 * file; no archive is read), and the one rule of a <em>complete</em> backup: its manifest is
 * readable and its archive is present with the size the manifest gives. Every reader that
 * picks a backup ({@code latest} in restore, verify and download; the monitor's newest good
 * backup; prune's safety floor; {@code list}'s marks) asks this, so a backup whose archive
 * was deleted behind the tool's back, or whose manifest was truncated, is never chosen, never
 * called good and never counted as the floor. A manifest names its own backup: one found under
 * another backup's name or tier folder (copied or planted there) is damaged, never trusted.
 * A backup that started in the future ({@link #fromTheFuture}) is kept but never {@code latest}.
 *
 * <p>The same rule holds the manifests to MANIFEST_KEY_SECRET ({@link ManifestMac}): with a key,
 * a manifest whose MAC is wrong is damaged, "not written by this deployment, or altered". One
 * without a MAC counts as made before the key existed, and stays usable, only when it is older
 * than the first authenticated manifest of the same store; a newer one is damaged too (its MAC
 * was stripped, or it was planted). Without a key nothing can be checked, and every backup
 * counts as before ({@link #authenticating()} false: status raises {@code manifests-unauthenticated}).
 *
 * @param store      the store's name ("local", "azure")
 * @param location   where it is, for messages
 * @param manifests  every readable manifest
 * @param unreadable every manifest file that could not be read or parsed
 * @param archives   every committed archive, with or without a manifest
 * @param leftovers  partial files of runs that did not finish (local only: Blob keeps no uncommitted data visible)
 * @param records    the names of the records the listing saw beside the backups ({@code <tier>/<id>.<kind>.json}),
 *                   so a reader need not ask for records that do not exist; null when the store did not list them
 * @param key        the key the manifests are held to, or null when MANIFEST_KEY_SECRET is not set
 */
public record BackupCatalog(String store, String location, List<Manifest> manifests,
                            List<UnreadableManifest> unreadable, List<Archive> archives, List<Leftover> leftovers,
                            Set<String> records, ManifestKey key) {

    /**
     * How far ahead of the reader's clock a backup may have started and still count: two machines'
     * clocks differ a little; more is a clock ahead, or a manifest planted to pass for the newest backup.
     */
    public static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(5);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);

    public BackupCatalog {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(location, "location");
        manifests = manifests.stream().sorted(Comparator.comparing(Manifest::backupId)).toList();
        unreadable = unreadable.stream().sorted(Comparator.comparing(UnreadableManifest::id)).toList();
        archives = archives.stream().sorted(Comparator.comparing(Archive::id)).toList();
        leftovers = List.copyOf(leftovers);
        records = records == null ? null : Set.copyOf(records);
    }

    /** What a store holds, read without a manifest key, whose store did not list the records beside its backups. */
    public BackupCatalog(String store, String location, List<Manifest> manifests, List<UnreadableManifest> unreadable,
                         List<Archive> archives, List<Leftover> leftovers) {
        this(store, location, manifests, unreadable, archives, leftovers, null, null);
    }

    /** A store that holds nothing. */
    public static BackupCatalog empty(String store, String location) {
        return new BackupCatalog(store, location, List.of(), List.of(), List.of(), List.of(), Set.of(), null);
    }

    /**
     * Why the manifest read from the file of {@code tier}/{@code id} cannot be trusted, or empty
     * when it names that very backup: a manifest whose {@code id} or {@code tier} differs from
     * its path was copied or planted under another backup's name, and would pass that backup's
     * checks with another archive's size and digest.
     */
    public static Optional<UnreadableManifest> misplaced(Tier tier, BackupId id, Manifest manifest) {
        if (manifest.id().equals(id.toString()) && manifest.tier() == tier) {
            return Optional.empty();
        }
        return Optional.of(new UnreadableManifest(tier, id, "it names " + manifest.tier() + " backup "
                + manifest.id() + ", not the " + tier + " backup " + id + " its file is named for",
                Condition.MANIFEST_MISPLACED));
    }

    /**
     * Whether {@code manifest} started more than {@link #CLOCK_TOLERANCE} after {@code now} (its
     * {@code startedAt} or its id's time): the clock of the machine that made it is ahead, or the
     * manifest was planted. Such a backup is never {@code latest}, never counts for the RPO or the
     * safety floor, and is not deleted for its age.
     */
    public static boolean fromTheFuture(Manifest manifest, Instant now) {
        Instant limit = now.plus(CLOCK_TOLERANCE);
        return manifest.startedAt().isAfter(limit) || manifest.backupId().startedAt().isAfter(limit);
    }

    /**
     * "daily backup x in local folder /y started 2024-01-15 13:00Z, 60 min ahead of this machine's
     * clock: ..." ({@code where} null: without the store).
     */
    public static String fromTheFutureReason(Manifest manifest, String where, Instant now) {
        Instant started = manifest.startedAt().isAfter(manifest.backupId().startedAt()) ? manifest.startedAt()
                : manifest.backupId().startedAt();
        return manifest.tier() + " backup " + manifest.id() + (where == null ? "" : " in " + where) + " started "
                + WHEN.format(started) + ", " + Wording.span(Duration.between(now, started)) + " ahead of this "
                + "machine's clock: the clock of the machine that made it is ahead, or its manifest was planted";
    }

    /** Whether a record of {@code kind} may exist beside the backup: always, when the store did not list its records. */
    public boolean mayHaveRecord(Tier tier, BackupId id, String kind) {
        return records == null || records.contains(tier.folder() + "/" + id.recordName(kind));
    }

    /** Whether the manifests were held to a key (MANIFEST_KEY_SECRET is set). */
    public boolean authenticating() {
        return key != null;
    }

    /**
     * A committed archive as the store lists it.
     *
     * @param lastModified when the store last wrote it: spares archives a backup is still checking
     */
    public record Archive(Tier tier, BackupId id, long sizeBytes, Instant lastModified) {
    }

    /**
     * A manifest file that exists but cannot be read: damage to report, never a missing manifest.
     *
     * @param problem   why, in one line
     * @param condition {@link Condition#MANIFEST_UNREADABLE}, or {@link Condition#MANIFEST_MISPLACED} for a
     *                  manifest that names another backup than its file
     */
    public record UnreadableManifest(Tier tier, BackupId id, String problem, Condition condition) {
        public UnreadableManifest {
            problem = oneLine(problem);
            condition = condition == null ? Condition.MANIFEST_UNREADABLE : condition;
        }

        /** A manifest file that cannot be read or parsed. */
        public UnreadableManifest(Tier tier, BackupId id, String problem) {
            this(tier, id, problem, Condition.MANIFEST_UNREADABLE);
        }
    }

    /**
     * A partial file a run leaves while it writes ({@code .<id>.dump.partial}, a manifest's
     * {@code .tmp}); one whose run died stays until prune removes it.
     *
     * @param name  the file's name in its tier folder
     * @param id    the backup it belonged to, or null when its name does not say
     * @param owner who holds the tier's lock right now ("pid 4242 on host vm1 since ..."), or null when no live run does
     */
    public record Leftover(Tier tier, String name, BackupId id, long sizeBytes, Instant lastModified, String owner) {
        public boolean owned() {
            return owner != null;
        }
    }

    /** What a manifest that does not authenticate is: the words every reader refuses it with. */
    public static final String NOT_AUTHENTIC_WORDS = "not written by this deployment, or altered";

    /** How a manifest stands against MANIFEST_KEY_SECRET. */
    public enum Authenticity {
        /** Its MAC is right under the key. */
        AUTHENTICATED("authenticated"),
        /** No MAC, and older than the store's first authenticated manifest (or the store has none yet). */
        BEFORE_KEY("made before MANIFEST_KEY_SECRET was set"),
        /** No key is configured: nothing was checked. */
        UNCHECKED("not authenticated: MANIFEST_KEY_SECRET is not set"),
        /** A wrong MAC, or none on a manifest newer than an authenticated one: a damaged backup. */
        REFUSED(NOT_AUTHENTIC_WORDS);

        private final String words;

        Authenticity(String words) {
            this.words = words;
        }

        /** What {@code list} and messages say: "authenticated", "made before MANIFEST_KEY_SECRET was set", ... */
        public String words() {
            return words;
        }
    }

    /** How a backup stands. */
    public enum Condition {
        COMPLETE("complete"),
        ARCHIVE_MISSING("damaged: archive missing"),
        ARCHIVE_SIZE_DIFFERS("damaged: archive size differs"),
        MANIFEST_UNREADABLE("damaged: manifest unreadable"),
        /** The manifest names another backup or tier than its file: copied or planted, never trusted. */
        MANIFEST_MISPLACED("damaged: manifest misplaced"),
        NOT_AUTHENTIC("damaged: " + NOT_AUTHENTIC_WORDS);

        private final String mark;

        Condition(String mark) {
            this.mark = mark;
        }

        /** What {@code list} shows: "complete", "damaged: archive missing", ... */
        public String mark() {
            return mark;
        }
    }

    /**
     * One backup (one manifest file) and how it stands.
     *
     * @param manifest  the manifest, or null when it is unreadable
     * @param condition complete or how it is damaged
     * @param reason    null when complete; else a sentence naming the files and sizes
     * @param authenticity how its manifest stands against the key; null when it cannot be read
     */
    public record Entry(Tier tier, BackupId id, Manifest manifest, Condition condition, String reason,
                        Authenticity authenticity) {
        public Entry(Tier tier, BackupId id, Manifest manifest, Condition condition, String reason) {
            this(tier, id, manifest, condition, reason, null);
        }

        public boolean complete() {
            return condition == Condition.COMPLETE;
        }
    }

    /** Every backup, readable or not, newest first. */
    public List<Entry> entries() {
        Map<String, Archive> byKey = new HashMap<>();
        archives.forEach(a -> byKey.put(key(a.tier(), a.id()), a));
        Map<Manifest, ManifestMac.Verdict> verdicts = new IdentityHashMap<>();
        Manifest firstAuthenticated = null;
        if (key != null) {
            for (Manifest m : manifests) {
                ManifestMac.Verdict v = ManifestMac.verify(m, key);
                verdicts.put(m, v);
                if (v == ManifestMac.Verdict.AUTHENTIC
                        && (firstAuthenticated == null || m.backupId().compareTo(firstAuthenticated.backupId()) > 0)) {
                    firstAuthenticated = m;
                }
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (Manifest m : manifests) {
            Archive a = byKey.get(key(m.tier(), m.backupId()));
            Authenticity authenticity = authenticity(m, verdicts.get(m), firstAuthenticated);
            if (authenticity == Authenticity.REFUSED) {
                entries.add(new Entry(m.tier(), m.backupId(), m, Condition.NOT_AUTHENTIC, m.tier() + " backup " + m.id()
                        + " in " + location + " is damaged: its manifest does not authenticate under "
                        + "MANIFEST_KEY_SECRET (" + (verdicts.get(m) == ManifestMac.Verdict.UNSIGNED
                        ? "it has no MAC, yet it is not older than " + firstAuthenticated.id()
                        + ", the first backup made with the key" : "its MAC is wrong") + "): "
                        + NOT_AUTHENTIC_WORDS, authenticity));
            } else if (a == null) {
                entries.add(new Entry(m.tier(), m.backupId(), m, Condition.ARCHIVE_MISSING, m.tier() + " backup "
                        + m.id() + " in " + location + " is damaged: its manifest exists but its archive "
                        + m.backupId().archiveName() + " is missing", authenticity));
            } else if (a.sizeBytes() != m.sizeBytes()) {
                entries.add(new Entry(m.tier(), m.backupId(), m, Condition.ARCHIVE_SIZE_DIFFERS, m.tier() + " backup "
                        + m.id() + " in " + location + " is damaged: its archive is " + a.sizeBytes()
                        + " bytes, its manifest says " + m.sizeBytes(), authenticity));
            } else {
                entries.add(new Entry(m.tier(), m.backupId(), m, Condition.COMPLETE, null, authenticity));
            }
        }
        for (UnreadableManifest u : unreadable) {
            Archive a = byKey.get(key(u.tier(), u.id()));
            String what = u.condition() == Condition.MANIFEST_MISPLACED
                    ? "its manifest is not its own (" + u.problem() + ": copied or planted there)"
                    : "its manifest cannot be read (" + u.problem() + ")";
            entries.add(new Entry(u.tier(), u.id(), null, u.condition(), u.tier() + " backup " + u.id()
                    + " in " + location + " is damaged: " + what
                    + (a == null ? " and its archive is missing"
                    : "; its archive (" + Wording.bytes(a.sizeBytes()) + ") is kept and can be restored by hand")));
        }
        entries.sort(Comparator.comparing(Entry::id));
        return entries;
    }

    /**
     * The rule for one manifest: authenticated by the key; without a MAC, made before the key
     * when both its id and its {@code startedAt} are older than the store's first authenticated
     * manifest (so it can never be the newest, nor the youngest for the RPO, while one exists);
     * everything else refused.
     */
    private Authenticity authenticity(Manifest m, ManifestMac.Verdict verdict, Manifest firstAuthenticated) {
        if (key == null) {
            return Authenticity.UNCHECKED;
        }
        return switch (verdict) {
            case AUTHENTIC -> Authenticity.AUTHENTICATED;
            case NOT_AUTHENTIC -> Authenticity.REFUSED;
            case UNSIGNED -> firstAuthenticated == null
                    || m.backupId().compareTo(firstAuthenticated.backupId()) > 0
                    && m.startedAt().isBefore(firstAuthenticated.startedAt())
                    ? Authenticity.BEFORE_KEY : Authenticity.REFUSED;
        };
    }

    /** The complete backups, newest first. */
    public List<Manifest> complete() {
        return entries().stream().filter(Entry::complete).map(Entry::manifest).toList();
    }

    /** The newest complete backup, of any tier, that did not start in the future as of {@code now}. */
    public Optional<Manifest> latest(Instant now) {
        return complete().stream().filter(m -> !fromTheFuture(m, now)).findFirst();
    }

    /** The complete backups that started in the future as of {@code now}, newest first: never {@code latest}. */
    public List<Manifest> fromTheFuture(Instant now) {
        return complete().stream().filter(m -> fromTheFuture(m, now)).toList();
    }

    /** Ids of the complete backups. */
    public Set<String> completeIds() {
        Set<String> ids = new HashSet<>();
        complete().forEach(m -> ids.add(m.id()));
        return ids;
    }

    /** The backup of {@code id} (any tier), readable or not; a complete one first, should a copy elsewhere be damaged. */
    public Optional<Entry> entry(BackupId id) {
        return entries().stream().filter(e -> e.id().equals(id)).min(Comparator.comparing(e -> !e.complete()));
    }

    /** Backups that are not complete, newest first. */
    public List<Entry> damaged() {
        return entries().stream().filter(e -> !e.complete()).toList();
    }

    /** Complete or damaged backups newer than {@code than}: what a reader skipped to reach it. */
    public List<Entry> damagedNewerThan(BackupId than) {
        return damaged().stream().filter(e -> e.id().compareTo(than) < 0).toList();
    }

    /** Archives with no manifest file at all (neither readable nor unreadable): no backup, leftovers of a crash. */
    public List<Archive> orphans() {
        Set<String> manifested = new HashSet<>();
        manifests.forEach(m -> manifested.add(key(m.tier(), m.backupId())));
        unreadable.forEach(u -> manifested.add(key(u.tier(), u.id())));
        return archives.stream().filter(a -> !manifested.contains(key(a.tier(), a.id()))).toList();
    }

    private static String key(Tier tier, BackupId id) {
        return tier.folder() + "/" + id;
    }

    /** The first line of a parser's message, without its echo of the input: one line in every log. */
    static String oneLine(String text) {
        if (text == null || text.isBlank()) {
            return "unreadable";
        }
        String first = text.strip();
        int cut = first.indexOf('\n');
        if (cut >= 0) {
            first = first.substring(0, cut);
        }
        int source = first.indexOf(" (start marker at [Source");
        if (source >= 0) {
            first = first.substring(0, source);
        }
        return first.strip();
    }
}
