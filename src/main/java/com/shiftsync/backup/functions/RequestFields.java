package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a JSON request body, read leniently so that even a refused request has
 * its parameters in the audit record; {@link #check()} then refuses a body that is not a
 * JSON object of strings, with an example of one that is.
 *
 * @param values  the string fields found (never a nested value)
 * @param problem why the body is not acceptable, or null
 * @param example a body that would be, for the message
 */
record RequestFields(Map<String, String> values, String problem, String example) {
    private static final int MAX_BODY_CHARS = 16 * 1024;

    static RequestFields parse(Optional<String> body, String example) {
        String text = body == null ? "" : body.orElse("");
        if (text.isBlank()) {
            return new RequestFields(Map.of(), "the request body is empty", example);
        }
        if (text.length() > MAX_BODY_CHARS) {
            return new RequestFields(Map.of(), "the request body is longer than " + MAX_BODY_CHARS + " characters",
                    example);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return new RequestFields(Map.of(), "the request body is not JSON", example);
        }
        if (json == null || !json.isObject()) {
            return new RequestFields(Map.of(), "the request body is not a JSON object", example);
        }
        Map<String, String> values = new LinkedHashMap<>();
        String problem = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isTextual()) {
                values.put(field.getKey(), field.getValue().asText());
            } else if (!field.getValue().isNull() && problem == null) {
                problem = "field " + field.getKey() + " must be a string";
                values.put(field.getKey(), field.getValue().toString());
            }
        }
        return new RequestFields(values, problem, example);
    }

    /** Refuses a body that is not a JSON object of strings. */
    RequestFields check() {
        if (problem != null) {
            throw ShiftSyncException.badInput(problem + ": send JSON like " + example);
        }
        return this;
    }

    String get(String name) {
        return values.get(name);
    }
}
