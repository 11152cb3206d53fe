package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Protection;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where backups live: a local folder or a Blob container. Every job talks to this and
 * nothing else about storage; every implementation passes one contract test.
 *
 * <p>Rules every store keeps: an archive becomes visible under its name only when
 * {@link ArchiveWriter#commit()} succeeds, and never replaces an existing one; a manifest
 * is written whole or not at all, and never replaces an existing one; a backup exists
 * when its manifest exists. A side file (the roles file) is written whole or not at all, before the
 * manifest, never replaces one, and is deleted with its backup, before its archive.
 *
 * <p>A store that can refuse deletes (Blob Storage with version-level immutability) protects
 * every blob of a backup except its records ({@code <id>.<kind>.json}, which stay writable):
 * the archive and any side file when the manifest is written, then the manifest itself, each
 * until its retention ends ({@link com.shiftsync.backup.domain.RetentionLock}). What it has not
 * committed, it never protects, so a failed backup leaves nothing undeletable. Its deletes of
 * something protected fail with {@link ErrorCode#PROTECTED}.
 */
public interface BackupStore {

    /** "local" or "azure": the name of this store on the command line and in reports. */
    String name();

    /** Where this store is, for messages: "local folder /var/backups/shiftsync". */
    String describe();

    /**
     * Single flight per tier: the returned lease is held until closed.
     *
     * @throws com.shiftsync.backup.domain.ShiftSyncException with code IN_PROGRESS when another run holds it
     */
    Lease lock(Tier tier);

    /** Starts a new archive; nothing is visible until {@link ArchiveWriter#commit()}. */
    ArchiveWriter createArchive(Tier tier, BackupId id);

    /** Reads a committed archive (whether or not its manifest exists yet). */
    InputStream openArchive(Tier tier, BackupId id);

    /**
     * Writes a manifest atomically; refuses to replace an existing one. A store that keeps
     * backups immutable first protects the backup's archive and side files, then writes the
     * manifest already protected: the backup exists protected or not at all.
     */
    void putManifest(Manifest manifest);

    /** Every readable manifest, newest first; empty, never null. Whether each backup is complete: {@link #catalog()}. */
    List<Manifest> list();

    /**
     * Everything the store holds, in one metadata pass (a listing with sizes; no archive is
     * read): readable and unreadable manifests, archives, partial files of unfinished runs.
     * Cheap enough for every monitor run.
     */
    BackupCatalog catalog();

    default Optional<Manifest> find(String id) {
        return list().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** The archive as a local file, where the store keeps one (so a restore need not copy it). */
    default Optional<Path> archiveFile(Tier tier, BackupId id) {
        return Optional.empty();
    }

    /**
     * The newest <em>complete</em> backup (manifest readable, archive present with its size), of
     * any tier, by this machine's clock (a backup dated in the future is never latest); jobs
     * ask {@link BackupCatalog#latest(java.time.Instant)} with their own clock.
     */
    default Optional<Manifest> latest() {
        return catalog().latest(java.time.Instant.now());
    }

    /** Whether a manifest or an archive of {@code id} exists, in any tier. */
    boolean contains(BackupId id);

    /** Every archive, with or without a manifest (crashed runs leave orphans); empty, never null. */
    List<StoredArchive> listArchives();

    /** Deletes a manifest: from now on the backup does not exist. Absent is fine. */
    void deleteManifest(Tier tier, BackupId id);

    /** Deletes an archive. Absent is fine. */
    void deleteArchive(Tier tier, BackupId id);

    /**
     * Writes a small file that belongs to a backup beside its archive, {@code <id>.<kind>} (kind
     * {@link com.shiftsync.backup.domain.RolesScript#KIND} for the roles file), whole or not at all;
     * refuses to replace an existing one, as for archives and manifests. The manifest covers it
     * (its size and SHA-256), so it is written before the manifest.
     */
    void putSideFile(Tier tier, BackupId id, String kind, byte[] content);

    /** A side file of a backup, if written. */
    Optional<byte[]> getSideFile(Tier tier, BackupId id, String kind);

    /** Deletes every side file of a backup (not its manifest, archive or records). Absent is fine. */
    void deleteSideFiles(Tier tier, BackupId id);

    /**
     * Writes (or replaces) a small JSON record kept next to a backup, {@code <id>.<kind>.json},
     * e.g. kind "verification" for the result of a restore test.
     */
    void putRecord(Tier tier, BackupId id, String kind, String json);

    /** A record of a backup, if written. */
    Optional<String> getRecord(Tier tier, BackupId id, String kind);

    /** Deletes every record of a backup (not its manifest or archive). */
    void deleteRecords(Tier tier, BackupId id);

    /** Deletes one record of a backup. Absent is fine. */
    void deleteRecord(Tier tier, BackupId id, String kind);

    /**
     * What keeps each backup from deletion (retention policies, legal holds), one entry per
     * backup that has any blob; empty for a store that keeps nothing immutable (a local folder,
     * a Blob container without version-level immutability), never null.
     */
    default List<Protection> protections() {
        return List.of();
    }

    /**
     * Makes every blob of the backup except its records undeletable until at least {@code until};
     * never shortens a protection. Nothing to do where the store keeps nothing immutable.
     */
    default void protect(Tier tier, BackupId id, Instant until) {
    }

    /**
     * Puts a legal hold on every blob of the backup except its records ({@code hold} true), or
     * lifts it: a held backup cannot be deleted by anyone until the hold is lifted.
     *
     * @throws ShiftSyncException BAD_INPUT where the store keeps no holds, NOT_FOUND when it holds no such backup
     */
    default void setLegalHold(Tier tier, BackupId id, boolean hold) {
        throw new ShiftSyncException(ErrorCode.BAD_INPUT, describe() + " keeps no legal holds: they exist in Blob "
                + "Storage with version-level immutability only (use --source azure)");
    }

    /**
     * Deletes a partial file of a run that did not finish ({@link BackupCatalog#leftovers()}),
     * by its name in the tier's folder. Absent is fine; a name that is not a leftover's is refused.
     */
    void deleteLeftover(Tier tier, String name);
}
