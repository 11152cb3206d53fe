package com.shiftsync.backup.audit;

import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The append-only audit log as a second witness of what each backup committed
 * ({@value AuditActions#BACKUP_COMMITTED}: id, SHA-256, size, whether its manifest carried a MAC).
 * The manifest beside the archive can be rewritten by whoever writes the container; the log is
 * append-only (and locked, see README). A manifest that contradicts its record was altered: a
 * different SHA-256 or size, or no MAC where the backup was committed with one (stripped, to
 * pass as made before MANIFEST_KEY_SECRET was set). A backup without a record (made before
 * the record existed, or the day's log cannot be read) is judged by its manifest alone.
 */
public final class BackupWitness {
    /** A backup's record is on the day it started or, for a long run, the day after. */
    private static final int DAYS = 2;
    private static final Logger LOG = Logger.getLogger(BackupWitness.class.getName());

    private final Function<LocalDate, List<AuditRecord>> days;

    /** @param days the audit records of one UTC day (the audit log's read) */
    public BackupWitness(Function<LocalDate, List<AuditRecord>> days) {
        this.days = days;
    }

    /** A witness with nothing to say: for tests and embedding without an audit log. */
    public static BackupWitness none() {
        return new BackupWitness(day -> List.of());
    }

    /** The parameters of {@value AuditActions#BACKUP_COMMITTED} for {@code m}, committed to {@code stores}. */
    public static Map<String, String> committed(Manifest m, List<String> stores) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("backup", m.id());
        p.put("tier", m.tier().folder());
        p.put("sha256", m.sha256());
        p.put("sizeBytes", Long.toString(m.sizeBytes()));
        p.put("stores", String.join(",", stores));
        p.put("manifest", m.mac() == null ? "unauthenticated" : "authenticated");
        p.put("encryption", m.encrypted() ? m.encryption().format() : "none");
        return p;
    }

    /**
     * Why {@code m} cannot be what was committed, in words ending with
     * {@value BackupCatalog#NOT_AUTHENTIC_WORDS}; empty when its record agrees or there is none.
     */
    public Optional<String> contradiction(Manifest m) {
        Optional<Map<String, String>> record = record(m.backupId());
        if (record.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> r = record.get();
        String why = null;
        if (!m.sha256().equals(r.get("sha256")) || !Long.toString(m.sizeBytes()).equals(r.get("sizeBytes"))) {
            why = "the audit log recorded it committed as " + r.get("sizeBytes") + " bytes with SHA-256 "
                    + r.get("sha256") + ", its manifest says " + m.sizeBytes() + " bytes, " + m.sha256();
        } else if (m.mac() == null && "authenticated".equals(r.get("manifest"))) {
            why = "the audit log recorded it committed with an authenticated manifest, and its manifest has no MAC";
        }
        return Optional.ofNullable(why).map(w -> m.tier() + " backup " + m.id() + " is damaged: " + w + ": "
                + BackupCatalog.NOT_AUTHENTIC_WORDS);
    }

    private Optional<Map<String, String>> record(BackupId id) {
        LocalDate first = LocalDate.ofInstant(id.startedAt(), ZoneOffset.UTC);
        for (int i = 0; i < DAYS; i++) {
            List<AuditRecord> records;
            try {
                records = days.apply(first.plusDays(i));
            } catch (RuntimeException e) {
                LOG.warning("could not read the audit log of " + first.plusDays(i) + " to check backup " + id
                        + " against its record: " + Redaction.redact(ShiftSyncException.wrap(e).getMessage()));
                continue;
            }
            for (AuditRecord r : records) {
                if (AuditActions.BACKUP_COMMITTED.equals(r.action()) && id.toString().equals(r.parameters().get("backup"))) {
                    return Optional.of(r.parameters());
                }
            }
        }
        return Optional.empty();
    }
}
