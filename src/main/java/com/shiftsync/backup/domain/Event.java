package com.shiftsync.backup.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One structured event per job outcome: a single JSON line whose {@code event} field has a
 * stable name ({@code ShiftSync.Backup.Succeeded}, ...), so an alert rule is a simple query:
 * {@code traces | where message has "ShiftSync.Backup.Failed"}. Each job builds its own
 * events next to it; this is only their common form.
 *
 * @param name   the stable event name
 * @param level  how it is logged: INFO for success, WARNING for refusals and alerts, SEVERE for failures
 * @param fields what the event carries, in order
 */
public record Event(String name, Level level, Map<String, Object> fields) {

    /** The log level of an event. */
    public enum Level {
        INFO, WARNING, SEVERE
    }

    public Event {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Event info(String name, Map<String, Object> fields) {
        return new Event(name, Level.INFO, fields);
    }

    public static Event warning(String name, Map<String, Object> fields) {
        return new Event(name, Level.WARNING, fields);
    }

    public static Event severe(String name, Map<String, Object> fields) {
        return new Event(name, Level.SEVERE, fields);
    }

    /** INFO when {@code good}, else SEVERE. */
    public static Event of(boolean good, String goodName, String badName, Map<String, Object> fields) {
        return good ? info(goodName, fields) : severe(badName, fields);
    }

    /**
     * A failure (SEVERE): its code (and the upstream service's code) and one-sentence reason,
     * after whatever identifies the run.
     */
    public static Event failed(String name, Map<String, Object> context, RuntimeException error) {
        Map<String, Object> f = new LinkedHashMap<>(context);
        if (error instanceof ShiftSyncException sse) {
            f.put("code", sse.code().id());
            if (sse.upstreamCode() != null) {
                f.put("upstreamCode", sse.upstreamCode());
            }
        } else {
            f.put("code", "unexpected");
        }
        f.put("reason", Redaction.redact(String.valueOf(error.getMessage())));
        return new Event(name, Level.SEVERE, f);
    }

    /** This event with one more field (e.g. the operationId of work run from a queue). */
    public Event with(String field, Object value) {
        Map<String, Object> f = new LinkedHashMap<>(fields);
        f.put(field, value);
        return new Event(name, level, f);
    }

    /** This event logged at {@code other}. */
    public Event at(Level other) {
        return new Event(name, other, fields);
    }

    /** {"event":"ShiftSync.Backup.Succeeded","id":...}: redacted, one line. */
    public String toJson() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("event", name);
        all.putAll(fields);
        return Redaction.redact(Json.write(all));
    }

    @Override
    public String toString() {
        return toJson();
    }
}
