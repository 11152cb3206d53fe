package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store rule held to MANIFEST_KEY_SECRET: which manifests authenticate, which count as made before the key. */
class BackupCatalogTest {
    private static final ManifestKey KEY = ManifestKey.parse(Base64.getEncoder().encodeToString(new byte[32]), "k");
    private static final Instant DAY = Instant.parse("2024-03-20T02:00:00Z");

    private static Manifest manifest(int day) {
        Instant at = DAY.plusSeconds(86_400L * day);
        BackupId id = BackupId.of("shiftsync", at);
        return new Manifest(id.toString(), "shiftsync", Tier.DAILY, at, at.plusSeconds(5), 1000, "ab".repeat(32),
                "15.18", "pg_dump (PostgreSQL) 15.18", Manifest.CUSTOM_FORMAT, Map.of("public.users", 60L));
    }

    private static BackupCatalog catalog(ManifestKey key, Manifest... manifests) {
        List<BackupCatalog.Archive> archives = java.util.Arrays.stream(manifests)
                .map(m -> new BackupCatalog.Archive(m.tier(), m.backupId(), m.sizeBytes(), m.finishedAt())).toList();
        return new BackupCatalog("azure", "Blob container x", List.of(manifests), List.of(), archives, List.of(), null, key);
    }

    @Test
    @DisplayName("unsigned and older than the first authenticated: made before the key, complete; unsigned and newer: "
            + "damaged, not written by this deployment, or altered, never latest")
    void beforeAndAfterTheKey() {
        Manifest old = manifest(0);
        Manifest first = ManifestMac.sign(manifest(1), KEY);
        Manifest planted = manifest(2);
        BackupCatalog c = catalog(KEY, old, first, planted);

        assertEquals(first.id(), c.latest(DAY.plusSeconds(3 * 86_400)).orElseThrow().id());
        assertEquals(List.of(first.id(), old.id()), c.complete().stream().map(Manifest::id).toList());
        BackupCatalog.Entry plantedEntry = c.entry(planted.backupId()).orElseThrow();
        assertEquals(BackupCatalog.Condition.NOT_AUTHENTIC, plantedEntry.condition());
        assertTrue(plantedEntry.reason().endsWith("it has no MAC, yet it is not older than " + first.id()
                + ", the first backup made with the key): not written by this deployment, or altered"),
                plantedEntry.reason());
        assertEquals(BackupCatalog.Authenticity.BEFORE_KEY, c.entry(old.backupId()).orElseThrow().authenticity());
        assertEquals(BackupCatalog.Authenticity.AUTHENTICATED, c.entry(first.backupId()).orElseThrow().authenticity());
        assertEquals("damaged: not written by this deployment, or altered", plantedEntry.condition().mark());
    }

    @Test
    @DisplayName("a manifest whose MAC is wrong is damaged whatever its age; an unsigned one whose startedAt claims to be "
            + "older but whose id is not, is damaged too")
    void wrongMacs() {
        Manifest first = ManifestMac.sign(manifest(1), KEY);
        Manifest tampered = ManifestMac.sign(manifest(0), KEY);
        tampered = new Manifest(tampered.id(), tampered.database(), tampered.tier(), tampered.startedAt(),
                tampered.finishedAt(), tampered.sizeBytes(), "cd".repeat(32), tampered.serverVersion(),
                tampered.pgDumpVersion(), tampered.format(), null, null, null, tampered.rowCounts(), null, null, tampered.mac(), null);
        Manifest newer = manifest(2);
        Manifest backdated = new Manifest(newer.id(), newer.database(), newer.tier(), DAY.minusSeconds(86_400),
                newer.finishedAt(), newer.sizeBytes(), newer.sha256(), newer.serverVersion(), newer.pgDumpVersion(),
                newer.format(), newer.rowCounts());
        BackupCatalog c = catalog(KEY, tampered, first, backdated);
        assertEquals(List.of(first.id()), c.complete().stream().map(Manifest::id).toList());
        assertTrue(c.entry(tampered.backupId()).orElseThrow().reason().contains("its MAC is wrong"));
        assertEquals(BackupCatalog.Condition.NOT_AUTHENTIC, c.entry(backdated.backupId()).orElseThrow().condition());
    }

    @Test
    @DisplayName("a store with no authenticated manifest yet: every unsigned one counts as made before the key")
    void nothingSignedYet() {
        BackupCatalog c = catalog(KEY, manifest(0), manifest(1));
        assertEquals(2, c.complete().size());
        assertTrue(c.entries().stream().allMatch(e -> e.authenticity() == BackupCatalog.Authenticity.BEFORE_KEY));
        assertTrue(c.authenticating());
    }

    @Test
    @DisplayName("without a key nothing is checked: every manifest counts, MACs or not, and the catalog says it did not authenticate")
    void noKey() {
        Manifest signed = ManifestMac.sign(manifest(1), KEY).withMac("hmac-sha256-1:" + "00".repeat(32));
        BackupCatalog c = catalog(null, manifest(0), signed);
        assertEquals(2, c.complete().size());
        assertFalse(c.authenticating());
        assertTrue(c.entries().stream().allMatch(e -> e.authenticity() == BackupCatalog.Authenticity.UNCHECKED));
    }
}
