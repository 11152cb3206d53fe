package com.shiftsync.backup.domain;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL connection in the libpq URI form the guide uses
 * ({@code postgresql://user:pass@host:port/db?sslmode=require}). The password is kept
 * apart: {@link #toString()} masks it and {@link #withoutPassword()} drops it, so the
 * URL can go on a command line or in a log while the password travels only through a
 * child's environment.
 *
 * @param user     the role, or the OS user when the URL names none
 * @param password the password, or null
 * @param host     host name, IP address or a Unix socket folder
 * @param port     TCP port
 * @param database database name
 * @param params   query parameters (sslmode, connect_timeout, ...)
 */
public record DatabaseUrl(String user, String password, String host, int port, String database,
                          Map<String, String> params) {
    private static final Pattern URI = Pattern.compile(
            "^(postgres(?:ql)?)://(?:([^:@/]*)(?::([^@/]*))?@)?(\\[[^\\]]+\\]|[^:/?]*)(?::(\\d+))?(?:/([^?]*))?(?:\\?(.*))?$");

    public DatabaseUrl {
        if (host == null || host.isBlank()) {
            throw ShiftSyncException.badInput("DATABASE_URL names no host");
        }
        if (host.contains(",")) {
            throw ShiftSyncException.badInput("DATABASE_URL names several hosts; give the one primary to back up");
        }
        if (port < 1 || port > 65535) {
            throw ShiftSyncException.badInput("DATABASE_URL port " + port + " is out of range");
        }
        if (database == null || database.isBlank()) {
            throw ShiftSyncException.badInput("DATABASE_URL names no database: add /<database> after the host");
        }
        if (password != null && password.isEmpty()) {
            password = null;
        }
        if (password != null) {
            Redaction.register(password);
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    }

    /** DATABASE_URL's text; refusals name DATABASE_URL. */
    public static DatabaseUrl parse(String text) {
        return parse(text, "DATABASE_URL");
    }

    /**
     * A URL given as {@code name} (the setting or option it came from, e.g. {@code --target-url}):
     * every refusal names {@code name}, so a mistake is looked for where it was made.
     */
    public static DatabaseUrl parse(String text, String name) {
        try {
            return parseUrl(text);
        } catch (ShiftSyncException e) {
            if (name.equals("DATABASE_URL") || e.code() != ErrorCode.BAD_INPUT) {
                throw e;
            }
            throw ShiftSyncException.badInput(e.getMessage().replace("DATABASE_URL", name));
        }
    }

    private static DatabaseUrl parseUrl(String text) {
        if (text == null || text.isBlank()) {
            throw ShiftSyncException.badInput("DATABASE_URL is not set: give postgresql://user:pass@host:port/db");
        }
        Matcher m = URI.matcher(text.trim());
        if (!m.matches()) {
            throw ShiftSyncException.badInput("DATABASE_URL '" + Redaction.redact(text)
                    + "' is not a postgresql:// URL: give postgresql://user:pass@host:port/db");
        }
        String password = m.group(3) == null ? null : decode(m.group(3));
        if (password != null) {
            Redaction.register(password);
        }
        String host = decode(m.group(4));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (m.group(7) != null && !m.group(7).isEmpty()) {
            for (String pair : m.group(7).split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw ShiftSyncException.badInput("DATABASE_URL has a malformed parameter '" + pair + "'");
                }
                params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        String pwInParams = params.remove("password");
        if (password == null && pwInParams != null) {
            password = pwInParams;
            Redaction.register(password);
        }
        String user = m.group(2) == null || m.group(2).isEmpty()
                ? params.getOrDefault("user", System.getProperty("user.name"))
                : decode(m.group(2));
        params.remove("user");
        int port = m.group(5) == null ? 5432 : m.group(5).length() > 5 ? 0 : Integer.parseInt(m.group(5));
        String database = m.group(6) == null ? "" : decode(m.group(6));
        return new DatabaseUrl(user, password, host, port, database, params);
    }

    public Optional<String> passwordIfAny() {
        return Optional.ofNullable(password);
    }

    public DatabaseUrl withPassword(String newPassword) {
        return new DatabaseUrl(user, newPassword, host, port, database, params);
    }

    public DatabaseUrl withoutPassword() {
        return withPassword(null);
    }

    /** The same server and database as another role: {@code newUser} with {@code newPassword}. */
    public DatabaseUrl withLogin(String newUser, String newPassword) {
        return new DatabaseUrl(newUser, newPassword, host, port, database, params);
    }

    /** The same login and database on another server: a restored copy of this one, say. */
    public DatabaseUrl withHost(String newHost) {
        return new DatabaseUrl(user, password, newHost, port, database, params);
    }

    public DatabaseUrl withDatabase(String newDatabase) {
        return new DatabaseUrl(user, password, host, port, newDatabase, params);
    }

    /** The same connection with one query parameter set (sslmode, sslrootcert, ...). */
    public DatabaseUrl withParam(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(params);
        all.put(name, value);
        return new DatabaseUrl(user, password, host, port, database, all);
    }

    /** True for 127.0.0.0/8, ::1, localhost and Unix sockets: the only hosts that may go without TLS. */
    public boolean isLoopback() {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("/") || h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    /**
     * sslmode as given, else {@code require} for anything that leaves the machine:
     * a password must not cross a network in clear text.
     */
    public String sslMode() {
        String given = params.get("sslmode");
        if (given != null) {
            return given;
        }
        return isLoopback() ? "prefer" : "require";
    }

    /** The libpq URI without the password, safe for a command line; sslmode made explicit. */
    public String toLibpqUri() {
        Map<String, String> all = new LinkedHashMap<>(params);
        all.put("sslmode", sslMode());
        return uri(all);
    }

    private String uri(Map<String, String> all) {
        StringBuilder sb = new StringBuilder("postgresql://").append(encode(user)).append('@');
        sb.append(host.startsWith("/") ? encode(host) : host.contains(":") ? "[" + host + "]" : host);
        sb.append(':').append(port).append('/').append(encode(database));
        String sep = "?";
        for (Map.Entry<String, String> e : all.entrySet()) {
            sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = "&";
        }
        return sb.toString();
    }

    /** The JDBC URL (without user and password, which go in connection properties). */
    public String toJdbcUrl() {
        StringBuilder sb = new StringBuilder("jdbc:postgresql://");
        if (host.startsWith("/")) {
            throw ShiftSyncException.badInput("DATABASE_URL names a Unix socket (" + host
                    + "); give a TCP host and port");
        }
        sb.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append('/')
                .append(encode(database));
        sb.append("?sslmode=").append(encode(sslMode()));
        if (params.containsKey("sslrootcert")) {
            sb.append("&sslrootcert=").append(encode(params.get("sslrootcert")));
        }
        String timeout = params.getOrDefault("connect_timeout", "10");
        sb.append("&connectTimeout=").append(encode(timeout));
        sb.append("&ApplicationName=shiftsync-backup");
        return sb.toString();
    }

    /** postgresql://user:*****@host:port/db with the parameters given — for messages. */
    @Override
    public String toString() {
        String uri = uri(params);
        return password == null ? uri : uri.replaceFirst("@", ":" + Redaction.MASK + "@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
