package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of a JSON request body, read leniently so that even a refused request has
 * its parameters in the audit record; {@link #check()} then refuses a body that is not a
 * JSON object of strings (and booleans, for confirmations), with an example of one that is.
 *
 * @param values   the string and boolean fields found (never a nested value), booleans as "true"/"false"
 * @param booleans the names of the fields that were JSON booleans
 * @param problem  why the body is not acceptable, or null
 * @param example  a body that would be, for the message
 */
record RequestFields(Map<String, String> values, Set<String> booleans, String problem, String example) {
    private static final int MAX_BODY_CHARS = 16 * 1024;

    static RequestFields parse(Optional<String> body, String example) {
        String text = body == null ? "" : body.orElse("");
        if (text.isBlank()) {
            return new RequestFields(Map.of(), Set.of(), "the request body is empty", example);
        }
        if (text.length() > MAX_BODY_CHARS) {
            return new RequestFields(Map.of(), Set.of(), "the request body is longer than " + MAX_BODY_CHARS
                    + " characters", example);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return new RequestFields(Map.of(), Set.of(), "the request body is not JSON", example);
        }
        if (json == null || !json.isObject()) {
            return new RequestFields(Map.of(), Set.of(), "the request body is not a JSON object", example);
        }
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> booleans = new LinkedHashSet<>();
        String problem = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isTextual()) {
                values.put(field.getKey(), field.getValue().asText());
            } else if (field.getValue().isBoolean()) {
                values.put(field.getKey(), field.getValue().asText());
                booleans.add(field.getKey());
            } else if (!field.getValue().isNull() && problem == null) {
                problem = "field " + field.getKey() + " must be a string";
                values.put(field.getKey(), field.getValue().toString());
            }
        }
        return new RequestFields(values, Set.copyOf(booleans), problem, example);
    }

    /** No body at all is fine (nothing to say); anything else is read as {@link #parse} reads it. */
    static RequestFields parseOptional(Optional<String> body, String example) {
        String text = body == null ? "" : body.orElse("");
        if (text.isBlank()) {
            return new RequestFields(Map.of(), Set.of(), null, example);
        }
        return parse(body, example);
    }

    /** Refuses a body that is not a JSON object of strings. */
    RequestFields check() {
        if (problem != null) {
            throw ShiftSyncException.badInput(problem + ": send JSON like " + example);
        }
        return this;
    }

    /**
     * Refuses a field this request does not know, so that a misspelt confirmation is an
     * error rather than silently ignored.
     */
    RequestFields allowOnly(Collection<String> known) {
        check();
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw ShiftSyncException.badInput("unknown field " + name + ": this request takes "
                        + String.join(", ", new TreeSet<>(known)) + "; send JSON like " + example);
            }
        }
        return this;
    }

    /** A confirmation: true only when the field is the JSON boolean true; absent is false. */
    boolean flag(String name) {
        String value = values.get(name);
        if (value == null) {
            return false;
        }
        if (!booleans.contains(name)) {
            throw ShiftSyncException.badInput("field " + name + " must be true or false (a JSON boolean, "
                    + "not a string)");
        }
        return Boolean.parseBoolean(value);
    }

    /** A text field; a JSON boolean where text is wanted is refused. */
    String get(String name) {
        if (booleans.contains(name)) {
            throw ShiftSyncException.badInput("field " + name + " must be a string: send JSON like " + example);
        }
        return values.get(name);
    }
}
