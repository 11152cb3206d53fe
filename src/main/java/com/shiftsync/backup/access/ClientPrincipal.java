package com.shiftsync.backup.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the caller from App Service Authentication (Easy Auth), which signs the caller in
 * and passes them on as {@code X-MS-CLIENT-PRINCIPAL}: base64 of
 * {@code {"auth_typ", "name_typ", "role_typ", "claims": [{"typ", "val"}]}}. App roles are
 * the claims of type {@code roles} or of the principal's own {@code role_typ}. Header
 * names are matched without regard to case, as HTTP wants. Whether to trust the header
 * at all is {@link AdminAccess}'s decision, not this class's.
 */
public final class ClientPrincipal {
    public static final String HEADER = "X-MS-CLIENT-PRINCIPAL";
    static final String ID_HEADER = "X-MS-CLIENT-PRINCIPAL-ID";
    static final String NAME_HEADER = "X-MS-CLIENT-PRINCIPAL-NAME";
    private static final int MAX_HEADER_CHARS = 64 * 1024;
    private static final List<String> ID_CLAIMS = List.of(
            "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid",
            "appid", "azp",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", "sub");
    private static final List<String> NAME_CLAIMS = List.of("preferred_username", "name",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "appid");

    private ClientPrincipal() {
    }

    /** The header's value, whatever the case of its name. */
    public static Optional<String> header(Map<String, String> headers, String name) {
        if (headers == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null
                    && !e.getValue().isBlank()) {
                return Optional.of(e.getValue().trim());
            }
        }
        return Optional.empty();
    }

    /** The caller the headers describe; empty when there is no principal header. */
    public static Optional<Caller> from(Map<String, String> headers) {
        Optional<String> encoded = header(headers, HEADER);
        if (encoded.isEmpty()) {
            return Optional.empty();
        }
        JsonNode principal = decode(encoded.get());
        String nameType = text(principal, "name_typ");
        String roleType = text(principal, "role_typ");
        List<String[]> claims = new ArrayList<>();
        JsonNode list = principal.path("claims");
        if (list.isArray()) {
            for (JsonNode c : list) {
                String typ = text(c, "typ");
                String val = text(c, "val");
                if (typ != null && val != null) {
                    claims.add(new String[] {typ, val});
                }
            }
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String[] c : claims) {
            if (c[0].equals("roles") || (roleType != null && c[0].equals(roleType))) {
                roles.add(c[1]);
            }
        }
        String id = first(claims, ID_CLAIMS).orElseGet(() -> header(headers, ID_HEADER).orElse(null));
        List<String> nameClaims = new ArrayList<>();
        if (nameType != null) {
            nameClaims.add(nameType);
        }
        nameClaims.addAll(NAME_CLAIMS);
        String name = first(claims, nameClaims).orElseGet(() -> header(headers, NAME_HEADER).orElse(id));
        return Optional.of(new Caller(id, name, Caller.EASY_AUTH, roles));
    }

    private static JsonNode decode(String value) {
        if (value.length() > MAX_HEADER_CHARS) {
            throw unreadable("it is longer than " + MAX_HEADER_CHARS + " characters");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            try {
                bytes = Base64.getUrlDecoder().decode(value);
            } catch (IllegalArgumentException notUrlSafeEither) {
                throw unreadable("it is not base64");
            }
        }
        try {
            JsonNode node = Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw unreadable("it is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw unreadable("it is not JSON");
        }
    }

    private static ShiftSyncException unreadable(String why) {
        return new ShiftSyncException(ErrorCode.UNAUTHENTICATED, "the " + HEADER + " header cannot be read ("
                + why + "); call through App Service Authentication, which sets it");
    }

    private static Optional<String> first(List<String[]> claims, List<String> types) {
        for (String type : types) {
            for (String[] c : claims) {
                if (c[0].equals(type) && !c[1].isBlank()) {
                    return Optional.of(c[1]);
                }
            }
        }
        return Optional.empty();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }
}
