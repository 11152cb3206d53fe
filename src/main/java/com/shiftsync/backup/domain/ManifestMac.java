package com.shiftsync.backup.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * What makes a manifest tamper-evident: an HMAC-SHA256 over all of it, under a key the
 * storage account does not hold ({@link ManifestKey}). Whoever can write the backup container
 * can replace an archive and its manifest together, size and SHA-256 included; without the
 * key they cannot make the MAC, so the backup reads as "not written by this deployment, or
 * altered" ({@link BackupCatalog}).
 *
 * <p>Form {@value #FORM}, the only one so far, fixed so that a later version can still check it:
 * the manifest as a JSON object with every member except {@code mac} and except those whose
 * value is null (so a field added later, absent from older manifests, changes nothing), object
 * members sorted by name as Java compares strings (UTF-16 code units, the order of RFC 8785)
 * at every depth, arrays in order, no whitespace, UTF-8. The MAC is HMAC-SHA256 of
 * the label {@code shiftsync-manifest-mac-1} and a newline, followed by those bytes, written as {@code "hmac-sha256-1:"} and 64
 * lowercase hex digits. Members this version does not know are part of the object
 * ({@link Manifest#otherFields()}), so they are covered too. A MAC of another form is not one
 * this version can check, and counts as not authenticating.
 */
public final class ManifestMac {
    /** The form's name, the prefix of every MAC of this form. */
    public static final String FORM = "hmac-sha256-1";
    private static final byte[] LABEL = "shiftsync-manifest-mac-1\n".getBytes(StandardCharsets.UTF_8);
    private static final String MAC_FIELD = "mac";

    private ManifestMac() {
    }

    /** How a manifest stands against the key. */
    public enum Verdict {
        /** Its MAC is right under one of the keys. */
        AUTHENTIC,
        /** It carries no MAC: written without a key (or the MAC was stripped). */
        UNSIGNED,
        /** It carries a MAC that is wrong under every key, or of a form this version does not know. */
        NOT_AUTHENTIC
    }

    /** {@code manifest} with its MAC under {@code key}'s signing key (any MAC it had is replaced). */
    public static Manifest sign(Manifest manifest, ManifestKey key) {
        return manifest.withMac(FORM + ":" + HexFormat.of().formatHex(mac(key.signing(), canonical(manifest))));
    }

    /** Whether {@code manifest}'s MAC is right under {@code key}, compared in constant time. */
    public static Verdict verify(Manifest manifest, ManifestKey key) {
        String mac = manifest.mac();
        if (mac == null || mac.isBlank()) {
            return Verdict.UNSIGNED;
        }
        if (!mac.startsWith(FORM + ":")) {
            return Verdict.NOT_AUTHENTIC;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(mac.substring(FORM.length() + 1));
        } catch (IllegalArgumentException e) {
            return Verdict.NOT_AUTHENTIC;
        }
        byte[] content = canonical(manifest);
        for (byte[] k : key.verifying()) {
            if (MessageDigest.isEqual(given, mac(k, content))) {
                return Verdict.AUTHENTIC;
            }
        }
        return Verdict.NOT_AUTHENTIC;
    }

    /** The bytes form {@value #FORM} authenticates: the manifest as its JSON, canonical, without its MAC. */
    static byte[] canonical(Manifest manifest) {
        return canonical(Json.MAPPER.valueToTree(manifest));
    }

    /** Form {@value #FORM} of a manifest's JSON object. */
    static byte[] canonical(JsonNode manifest) {
        if (!manifest.isObject()) {
            throw new IllegalArgumentException("a manifest is a JSON object");
        }
        ObjectNode without = ((ObjectNode) manifest).deepCopy();
        without.remove(MAC_FIELD);
        try {
            return Json.MAPPER.writeValueAsBytes(sorted(without));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a manifest's canonical form", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String name : names) {
                JsonNode value = node.get(name);
                if (value != null && !value.isNull()) {
                    out.set(name, sorted(value));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                out.add(sorted(it.next()));
            }
            return out;
        }
        return node;
    }

    private static byte[] mac(byte[] key, byte[] content) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(LABEL);
            return hmac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }
}
