package com.shiftsync.backup.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest MAC's canonical form (version 1, pinned byte for byte) and what it covers. */
class ManifestMacTest {
    /** 32 bytes 0x00..0x1f: the key of the known-answer vector. */
    private static final String KEY_TEXT = Base64.getEncoder().encodeToString(bytes(0));
    private static final ManifestKey KEY = ManifestKey.parse(KEY_TEXT, "shiftsync-manifest-key");
    private static final ManifestKey OTHER = ManifestKey.parse(Base64.getEncoder().encodeToString(bytes(1)), "other");

    private static byte[] bytes(int offset) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i + offset);
        }
        return b;
    }

    private static Manifest manifest() {
        Instant at = Instant.parse("2024-03-20T02:00:00Z");
        return new Manifest("shiftsync_backup_20240320_020000", "shiftsync", Tier.DAILY, at, at.plusSeconds(42), 1234,
                "ab".repeat(32), "15.18", "pg_dump (PostgreSQL) 15.18", Manifest.CUSTOM_FORMAT,
                Map.of("public.users", 60L, "public.shifts", 7L));
    }

    @Test
    @DisplayName("form 1: every member but mac and nulls, keys sorted, no whitespace, UTF-8; the MAC is HMAC-SHA256 of "
            + "'shiftsync-manifest-mac-1\\n' and those bytes (a known-answer vector computed outside Java)")
    void knownAnswer() {
        Manifest signed = ManifestMac.sign(manifest(), KEY);
        assertEquals("{\"database\":\"shiftsync\",\"finishedAt\":\"2024-03-20T02:00:42Z\",\"format\":\"custom\","
                + "\"id\":\"shiftsync_backup_20240320_020000\",\"pgDumpVersion\":\"pg_dump (PostgreSQL) 15.18\","
                + "\"rowCounts\":{\"public.shifts\":7,\"public.users\":60},\"serverVersion\":\"15.18\",\"sha256\":\""
                + "ab".repeat(32) + "\",\"sizeBytes\":1234,\"startedAt\":\"2024-03-20T02:00:00Z\",\"tier\":\"daily\"}",
                new String(ManifestMac.canonical(signed), StandardCharsets.UTF_8));
        assertEquals("hmac-sha256-1:dde2e98697aa5dc0caf4f1259d07d10bf41d3f87247719739a0ca39b67a20b5a", signed.mac());
        assertEquals(ManifestMac.Verdict.AUTHENTIC, ManifestMac.verify(signed, KEY));
    }

    @Test
    @DisplayName("the MAC survives the manifest's own JSON (pretty, any member order) and rejects every change to a field")
    void coversEveryField() throws Exception {
        Manifest signed = ManifestMac.sign(manifest(), KEY);
        Manifest read = Json.read(Json.pretty(signed).getBytes(StandardCharsets.UTF_8), Manifest.class);
        assertEquals(ManifestMac.Verdict.AUTHENTIC, ManifestMac.verify(read, KEY));

        ObjectNode tree = Json.MAPPER.valueToTree(signed);
        List<String> fields = List.of("id", "database", "tier", "startedAt", "finishedAt", "sizeBytes", "sha256",
                "serverVersion", "pgDumpVersion", "format", "rowCounts");
        for (String field : fields) {
            ObjectNode altered = tree.deepCopy();
            switch (field) {
                case "sizeBytes" -> altered.put(field, 1235);
                case "sha256" -> altered.put(field, "cd".repeat(32));
                case "tier" -> altered.put(field, "weekly");
                case "startedAt" -> altered.put(field, "2024-03-19T02:00:00Z");
                case "finishedAt" -> altered.put(field, "2024-03-20T02:00:43Z");
                case "id" -> altered.put(field, "shiftsync_backup_20240320_020001");
                case "rowCounts" -> ((ObjectNode) altered.get(field)).put("public.users", 61);
                default -> altered.put(field, altered.get(field).asText() + "x");
            }
            Manifest m = Json.MAPPER.treeToValue(altered, Manifest.class);
            assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC, ManifestMac.verify(m, KEY), field + " is not covered");
        }
    }

    @Test
    @DisplayName("the client fields and the roles file's record (its SHA-256, the roles) are covered too: a roles "
            + "file swapped with its manifest's digest does not authenticate")
    void coversClientAndRoles() {
        Manifest m = manifest();
        RolesFile roles = RolesFile.of(m.backupId(), "-- roles\n".getBytes(StandardCharsets.UTF_8),
                List.of("shiftsync_user"));
        Manifest signed = ManifestMac.sign(new Manifest(m.id(), m.database(), m.tier(), m.startedAt(), m.finishedAt(),
                m.sizeBytes(), m.sha256(), m.serverVersion(), m.pgDumpVersion(), m.format(), "1.14", 15, null, m.rowCounts(),
                roles, null, null, null), KEY);
        for (String change : List.of("roles.sha256", "roles.roles", "archiveFormatVersion", "pgDumpMajor")) {
            ObjectNode tree = Json.MAPPER.valueToTree(signed);
            switch (change) {
                case "roles.sha256" -> ((ObjectNode) tree.get("roles")).put("sha256", "01".repeat(32));
                case "roles.roles" -> ((ObjectNode) tree.get("roles")).putArray("roles").add("postgres");
                case "archiveFormatVersion" -> tree.put(change, "1.16");
                default -> tree.put(change, 17);
            }
            assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC,
                    ManifestMac.verify(Json.MAPPER.convertValue(tree, Manifest.class), KEY), change + " is not covered");
        }
        assertEquals(ManifestMac.Verdict.AUTHENTIC,
                ManifestMac.verify(Json.MAPPER.convertValue(Json.MAPPER.valueToTree(signed), Manifest.class), KEY));
    }

    @Test
    @DisplayName("an encrypted archive's record (recipients, the dump's size and SHA-256) is covered too")
    void coversEncryption() {
        Manifest m = manifest();
        Manifest encrypted = new Manifest(m.id(), m.database(), m.tier(), m.startedAt(), m.finishedAt(), m.sizeBytes(),
                m.sha256(), m.serverVersion(), m.pgDumpVersion(), m.format(), null, null, null, m.rowCounts(), null,
                new Encryption(Encryption.AGE, List.of("age1recipient"), 1000, "ef".repeat(32)), null, null);
        Manifest signed = ManifestMac.sign(encrypted, KEY);
        ObjectNode tree = Json.MAPPER.valueToTree(signed);
        ((ObjectNode) tree.get("encryption")).put("dumpSha256", "01".repeat(32));
        assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC,
                ManifestMac.verify(Json.MAPPER.convertValue(tree, Manifest.class), KEY));
        assertEquals(ManifestMac.Verdict.AUTHENTIC,
                ManifestMac.verify(Json.MAPPER.convertValue(Json.MAPPER.valueToTree(signed), Manifest.class), KEY));
    }

    @Test
    @DisplayName("a member this version does not know is kept, written back and covered: added to a signed manifest it "
            + "does not authenticate; signed by a newer version, it does and survives a copy")
    void unknownMembersDoNotEscape() throws Exception {
        ObjectNode added = Json.MAPPER.valueToTree(ManifestMac.sign(manifest(), KEY));
        added.put("restoreHint", "use the other archive");
        Manifest withAdded = Json.MAPPER.treeToValue(added, Manifest.class);
        assertEquals("use the other archive", withAdded.otherFields().get("restoreHint").asText());
        assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC, ManifestMac.verify(withAdded, KEY));

        ObjectNode newer = Json.MAPPER.valueToTree(manifest());
        newer.putObject("futureField").put("sha256", "12".repeat(32));
        Manifest fromNewer = ManifestMac.sign(Json.MAPPER.treeToValue(newer, Manifest.class), KEY);
        assertTrue(new String(ManifestMac.canonical(fromNewer), StandardCharsets.UTF_8).contains("\"futureField\":{\"sha256\""));
        Manifest copied = Json.read(Json.pretty(fromNewer).getBytes(StandardCharsets.UTF_8), Manifest.class);
        assertEquals(ManifestMac.Verdict.AUTHENTIC, ManifestMac.verify(copied, KEY));
        assertTrue(Json.pretty(copied).contains("\"futureField\""));
    }

    @Test
    @DisplayName("a member absent or null changes nothing: a field added later leaves older manifests authentic")
    void nullMembersDoNotCount() throws Exception {
        ObjectNode tree = Json.MAPPER.valueToTree(ManifestMac.sign(manifest(), KEY));
        tree.putNull("clientVersion");
        assertEquals(ManifestMac.Verdict.AUTHENTIC,
                ManifestMac.verify(Json.MAPPER.treeToValue(tree, Manifest.class), KEY));
    }

    @Test
    @DisplayName("no MAC is unsigned; a wrong one, one under another key, one of an unknown form or not hex is not authentic")
    void verdicts() {
        Manifest signed = ManifestMac.sign(manifest(), KEY);
        assertEquals(ManifestMac.Verdict.UNSIGNED, ManifestMac.verify(manifest(), KEY));
        assertNull(manifest().mac());
        assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC, ManifestMac.verify(signed, OTHER));
        assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC,
                ManifestMac.verify(signed.withMac(signed.mac().replace("hmac-sha256-1:", "hmac-sha256-2:")), KEY));
        assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC, ManifestMac.verify(signed.withMac("hmac-sha256-1:zz"), KEY));
        assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC,
                ManifestMac.verify(signed.withMac(signed.mac().substring(0, signed.mac().length() - 1) + "0"), KEY));
    }

    @Test
    @DisplayName("after a rotation the secret lists the new key first: it signs, and the old one still authenticates")
    void rotation() {
        ManifestKey rotated = ManifestKey.parse(Base64.getEncoder().encodeToString(bytes(1)) + ", " + KEY_TEXT, "k");
        Manifest old = ManifestMac.sign(manifest(), KEY);
        assertEquals(ManifestMac.Verdict.AUTHENTIC, ManifestMac.verify(old, rotated));
        Manifest fresh = ManifestMac.sign(manifest(), rotated);
        assertEquals(ManifestMac.Verdict.AUTHENTIC, ManifestMac.verify(fresh, OTHER));
        assertEquals(ManifestMac.Verdict.NOT_AUTHENTIC, ManifestMac.verify(fresh, KEY));
    }

    @Test
    @DisplayName("a key shorter than 32 bytes, or not base64, is refused naming MANIFEST_KEY_SECRET and never showing the value")
    void weakKeys() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> ManifestKey.parse(shortKey, "mk"));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertTrue(e.getMessage().contains("MANIFEST_KEY_SECRET") && e.getMessage().contains("'mk'"), e.getMessage());
        assertFalse(e.getMessage().contains(shortKey), e.getMessage());
        assertThrows(ShiftSyncException.class, () -> ManifestKey.parse("not base64 at all!", "mk"));
        assertThrows(ShiftSyncException.class, () -> ManifestKey.parse(" , ", "mk"));
        assertFalse(KEY.toString().contains(KEY_TEXT));
    }
}
