package com.shiftsync.backup.domain;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that masks secrets in text bound for a log line, an error message, a
 * manifest or an audit record. It knows the shapes secrets take (URL passwords,
 * connection-string keys, bearer tokens, SAS signatures) and every secret value the
 * process has been given ({@link #register}), so a password is masked even where it
 * appears in a shape we did not foresee.
 */
public final class Redaction {
    public static final String MASK = "*****";

    private static final Set<String> KNOWN_SECRETS = ConcurrentHashMap.newKeySet();

    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^:/?#@\\s]*:)([^@/?#\\s]+)(@)");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b(AccountKey|SharedAccessKey|SharedAccessSignature|password|pwd|client_secret|"
                    + "access_token|refresh_token|sig|PGPASSWORD|secret)(\\s*[=:]\\s*\"?)([^;&\\s\"',}]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(Bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern JSON_SECRET = Pattern.compile(
            "(?i)(\"(?:password|access_token|refresh_token|client_secret|value|accountKey)\"\\s*:\\s*\")([^\"]*)(\")");

    private Redaction() {
    }

    /** Remember a secret value so every later redaction masks it wherever it appears. */
    public static void register(String secret) {
        if (secret != null && secret.length() >= 4) {
            KNOWN_SECRETS.add(secret);
        }
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : KNOWN_SECRETS) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        out = URL_PASSWORD.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        out = KEY_VALUE.matcher(out).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
        out = BEARER.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        out = JSON_SECRET.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        return out;
    }
}
