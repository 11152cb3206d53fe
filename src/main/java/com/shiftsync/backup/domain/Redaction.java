package com.shiftsync.backup.domain;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that masks secrets in text bound for a log line, an error message, a
 * manifest or an audit record. It knows the shapes secrets take (URL passwords,
 * connection-string keys, bearer tokens, JWTs, SAS signatures, age identities) and every secret value the
 * process has been given ({@link #register}): the database password from DATABASE_URL or
 * Key Vault, Microsoft Entra tokens, client secrets, storage account keys. So a secret is
 * masked even where it appears in a shape we did not foresee.
 */
public final class Redaction {
    public static final String MASK = "*****";

    /**
     * How many registered values are remembered. A long-lived Functions host registers a
     * fresh token now and then; the oldest (long expired) are forgotten first, and the
     * shapes below still mask tokens and keys whatever their value.
     */
    static final int MAX_KNOWN = 512;

    private static final Set<String> KNOWN_SECRETS = new LinkedHashSet<>();
    private static volatile List<String> knownLongestFirst = List.of();

    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^:/?#@\\s]*:)([^@/?#\\s]+)(@)");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b(AccountKey|SharedAccessKey|SharedAccessSignature|password|pwd|client_secret|"
                    + "access_token|refresh_token|sig|PGPASSWORD|secret)(\\s*[=:]\\s*\"?)([^;&\\s\"',}]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(Bearer\\s+)[A-Za-z0-9._~+/=-]+");
    /** Microsoft Entra access tokens are JWTs: base64url header (always "eyJ..."), payload, signature. */
    private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    /** age identities (the private half of BACKUP_ENCRYPTION_RECIPIENTS' keys): Bech32, upper case. */
    private static final Pattern AGE_IDENTITY = Pattern.compile("AGE-SECRET-KEY-1[0-9A-Z]{20,}");
    private static final Pattern JSON_SECRET = Pattern.compile(
            "(?i)(\"(?:password|access_token|refresh_token|client_secret|value|accountKey)\"\\s*:\\s*\")([^\"]*)(\")");

    private Redaction() {
    }

    /** Remember a secret value so every later redaction masks it wherever it appears. */
    public static void register(String secret) {
        if (secret == null || secret.length() < 4) {
            return;
        }
        synchronized (KNOWN_SECRETS) {
            if (KNOWN_SECRETS.remove(secret) || KNOWN_SECRETS.size() < MAX_KNOWN) {
                KNOWN_SECRETS.add(secret);
            } else {
                KNOWN_SECRETS.remove(KNOWN_SECRETS.iterator().next());
                KNOWN_SECRETS.add(secret);
            }
            // longest first, so a secret that contains another is masked whole
            knownLongestFirst = KNOWN_SECRETS.stream()
                    .sorted((a, b) -> Integer.compare(b.length(), a.length())).toList();
        }
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : knownLongestFirst) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        out = URL_PASSWORD.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        out = KEY_VALUE.matcher(out).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
        out = BEARER.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        out = JWT.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
        out = AGE_IDENTITY.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
        out = JSON_SECRET.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        return out;
    }

    /**
     * A copy of {@code error}'s cause chain that is safe to hand to a logger or a host that
     * prints whole stack traces (the Functions host does): every message redacted, class
     * names and stack frames kept. {@link ShiftSyncException}s in the chain keep their type.
     */
    public static Throwable scrub(Throwable error) {
        return scrub(error, new IdentityHashMap<>());
    }

    private static Throwable scrub(Throwable error, Map<Throwable, Throwable> done) {
        if (error == null) {
            return null;
        }
        Throwable seen = done.get(error);
        if (seen != null) {
            return seen;
        }
        Deque<Throwable> chain = new ArrayDeque<>();
        for (Throwable t = error; t != null && !done.containsKey(t) && !chain.contains(t); t = t.getCause()) {
            chain.push(t);
        }
        Throwable below = chain.isEmpty() ? null : done.get(chain.peek().getCause());
        Throwable copy = null;
        while (!chain.isEmpty()) {
            Throwable original = chain.pop();
            copy = original instanceof ShiftSyncException sse
                    ? new ShiftSyncException(sse.code(), sse.getMessage(), sse.upstreamCode(), below)
                    : new RedactedThrowable(original instanceof RedactedThrowable r ? r.originalClass()
                            : original.getClass().getName(), redact(original.getMessage()), below);
            copy.setStackTrace(original.getStackTrace());
            done.put(original, copy);
            below = copy;
        }
        return copy;
    }

    /** Stands in for an exception whose message was redacted; prints like the original. */
    static final class RedactedThrowable extends RuntimeException {
        private final String originalClass;

        RedactedThrowable(String originalClass, String message, Throwable cause) {
            super(message, cause, false, true);
            this.originalClass = originalClass;
        }

        String originalClass() {
            return originalClass;
        }

        @Override
        public String toString() {
            String message = getMessage();
            return message == null ? originalClass : originalClass + ": " + message;
        }
    }
}
