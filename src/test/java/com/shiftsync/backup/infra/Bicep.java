package com.shiftsync.backup.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Just enough of a Bicep reader for the infra tests, since no Bicep compiler can run here:
 * comments stripped, parameters with their defaults and decorators, the entries of an object
 * or array variable, resource declarations, and the few value expressions infra uses for app
 * settings resolved to text. It reads the layout infra/ keeps on purpose (one entry a line);
 * anything it cannot read makes a test fail, never pass.
 */
final class Bicep {
    static final Path INFRA = Path.of("infra");
    static final Path MAIN = INFRA.resolve("main.bicep");

    private static final Pattern PARAM = Pattern.compile("^param\\s+(\\w+)\\s+(\\w+)(?:\\s*=\\s*(.+))?$");
    private static final Pattern RESOURCE = Pattern.compile(
            "^resource\\s+(\\w+)\\s+'([^'@]+)@([^']+)'(\\s+existing)?", Pattern.MULTILINE);
    private static final Pattern STRING_LITERAL = Pattern.compile("^'((?:[^'\\\\]|\\\\.)*)'$");

    private final Path file;
    private final String code;

    private Bicep(Path file, String code) {
        this.file = file;
        this.code = code;
    }

    static Bicep read(Path file) {
        try {
            return new Bicep(file, stripComments(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Bicep main() {
        return read(MAIN);
    }

    /** Every .bicep file under infra/. */
    static List<Path> files() {
        try (Stream<Path> all = Files.walk(INFRA)) {
            return all.filter(p -> p.toString().endsWith(".bicep")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    /** The file without comments (string contents kept). */
    String code() {
        return code;
    }

    /** A parameter: its type, its default expression (or null), and its decorators. */
    record Param(String name, String type, String defaultValue, List<String> decorators) {
        boolean secure() {
            return decorators.stream().anyMatch(d -> d.startsWith("@secure("));
        }
    }

    Map<String, Param> params() {
        Map<String, Param> params = new LinkedHashMap<>();
        List<String> decorators = new ArrayList<>();
        String[] lines = code.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("@")) {
                StringBuilder decorator = new StringBuilder(line);
                int depth = depth(line);
                while (depth > 0 && i + 1 < lines.length) {
                    String next = lines[++i].strip();
                    decorator.append(' ').append(next);
                    depth += depth(next);
                }
                decorators.add(decorator.toString());
                continue;
            }
            Matcher m = PARAM.matcher(line);
            if (m.matches()) {
                params.put(m.group(1), new Param(m.group(1), m.group(2), m.group(3), List.copyOf(decorators)));
            }
            if (!line.isEmpty()) {
                decorators.clear();
            }
        }
        return params;
    }

    /**
     * The entries of {@code var name = { ... }}: key to the value's expression, one entry a
     * line (nested objects and arrays are kept as their first line).
     */
    Map<String, String> objectVariable(String name) {
        List<String> body = block("var " + name + " = {");
        Map<String, String> entries = new LinkedHashMap<>();
        int depth = 0;
        for (String raw : body) {
            String line = raw.strip();
            if (depth == 0 && !line.isEmpty()) {
                int colon = keyEnd(line);
                if (colon < 0) {
                    throw new AssertionError(file + ": cannot read entry '" + line + "' of var " + name);
                }
                String key = line.substring(0, colon).strip();
                if (key.startsWith("'") && key.endsWith("'")) {
                    key = key.substring(1, key.length() - 1);
                }
                entries.put(key, line.substring(colon + 1).strip());
            }
            depth += depth(line);
        }
        return entries;
    }

    /** The items of {@code var name = [ ... ]}, one a line, as expressions. */
    List<String> arrayVariable(String name) {
        return block("var " + name + " = [").stream().map(String::strip).filter(s -> !s.isEmpty())
                .toList();
    }

    /** type@apiVersion of every resource declared (new or existing). */
    record Resource(String symbol, String type, String apiVersion, boolean existing) {
    }

    List<Resource> resources() {
        List<Resource> resources = new ArrayList<>();
        Matcher m = RESOURCE.matcher(code);
        while (m.find()) {
            resources.add(new Resource(m.group(1), m.group(2), m.group(3), m.group(4) != null));
        }
        return resources;
    }

    /** {@code text} with every run of white space made one space, for comparing layouts. */
    static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }

    /** The body of the resource declared as {@code symbol}, up to its closing brace. */
    String resourceBody(String symbol) {
        int start = code.indexOf("\nresource " + symbol + " ");
        if (start < 0) {
            throw new AssertionError(file + " declares no resource " + symbol);
        }
        int open = code.indexOf('{', code.indexOf('=', start));
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return code.substring(open, i + 1);
                }
            }
        }
        throw new AssertionError(file + ": resource " + symbol + " never closes");
    }

    /**
     * What an app setting's value is, when infra says it plainly: a string literal, a
     * parameter with a literal default, {@code string(param)}, or {@code x ?? 'literal'}.
     * Empty when the value is only known at deployment (an output, an interpolation).
     */
    Optional<String> resolve(String expression) {
        String e = expression.strip();
        Matcher literal = STRING_LITERAL.matcher(e);
        if (literal.matches() && !literal.group(1).contains("${")) {
            return Optional.of(unescape(literal.group(1)));
        }
        if (e.matches("-?\\d+|true|false")) {
            return Optional.of(e);
        }
        int coalesce = e.lastIndexOf("??");
        if (coalesce >= 0) {
            return resolve(e.substring(coalesce + 2));
        }
        Matcher string = Pattern.compile("^string\\((\\w+)\\)$").matcher(e);
        if (string.matches()) {
            Param p = params().get(string.group(1));
            return p == null || p.defaultValue() == null ? Optional.empty() : Optional.of(p.defaultValue().strip());
        }
        if (e.matches("\\w+")) {
            Param p = params().get(e);
            if (p != null && p.defaultValue() != null) {
                return resolve(p.defaultValue());
            }
        }
        return Optional.empty();
    }

    /** A string parameter's default, which must be a literal. */
    String defaultOf(String param) {
        Param p = params().get(param);
        if (p == null || p.defaultValue() == null) {
            throw new AssertionError(file + ": param " + param + " has no default");
        }
        return resolve(p.defaultValue()).orElseThrow(() -> new AssertionError(
                file + ": the default of param " + param + " is not a literal: " + p.defaultValue()));
    }

    private List<String> block(String opening) {
        int start = code.indexOf(opening);
        if (start < 0) {
            throw new AssertionError(file + " has no '" + opening + "'");
        }
        String[] rest = code.substring(start + opening.length()).split("\n", -1);
        List<String> lines = new ArrayList<>();
        int depth = 1 + depth(rest[0]);
        for (int k = 1; k < rest.length && depth > 0; k++) {
            int after = depth + depth(rest[k]);
            if (after <= 0) {
                return lines;
            }
            lines.add(rest[k]);
            depth = after;
        }
        if (depth > 0) {
            throw new AssertionError(file + ": '" + opening + "' never closes");
        }
        return lines;
    }

    /** Where the key of "key: value" ends, outside quotes; -1 when there is none. */
    private static int keyEnd(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == ':' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static int depth(String line) {
        String outside = line.replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''");
        return count(outside, '{') + count(outside, '[') + count(outside, '(')
                - count(outside, '}') - count(outside, ']') - count(outside, ')');
    }

    private static int count(String s, char c) {
        String outside = s.replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''");
        int n = 0;
        for (int i = 0; i < outside.length(); i++) {
            if (outside.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    private static String unescape(String s) {
        return s.replace("\\'", "'").replace("\\\\", "\\");
    }

    /** Removes // and /* *&#47; comments outside string literals ('...' and '''...'''). */
    static String stripComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            if (source.startsWith("'''", i)) {
                int end = source.indexOf("'''", i + 3);
                end = end < 0 ? n : end + 3;
                out.append(source, i, end);
                i = end;
            } else if (source.charAt(i) == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != '\'' && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j + 1, n);
                out.append(source, i, j);
                i = j;
            } else if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                out.append(source.charAt(i));
                i++;
            }
        }
        return out.toString();
    }
}
