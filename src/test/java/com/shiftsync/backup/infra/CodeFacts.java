package com.shiftsync.backup.infra;

import com.shiftsync.backup.config.Setting;
import com.shiftsync.backup.domain.Tier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What infra must provide, read from the code itself rather than listed by hand, so that a
 * setting, container, queue, tier or event another change adds makes the infra tests fail
 * until infra/ has it too:
 * <ul>
 *   <li>settings: every {@link Setting} that is not {@code commandLineOnly()};</li>
 *   <li>containers: the default of every setting named {@code *_CONTAINER}, and the container
 *       of every Blob binding;</li>
 *   <li>queues: the queue of every Queue trigger or output binding, and the string constants
 *       of the port types named {@code *Queue} (the queues the app sends to);</li>
 *   <li>tiers: {@link Tier#folder()} of every tier (the backup container's prefixes);</li>
 *   <li>events: the {@code ShiftSync.*} names the code defines (string constants, each job's own).</li>
 * </ul>
 * The settings infra must not set are listed here too, each with its reason.
 */
final class CodeFacts {
    private static final Path CLASSES = Path.of("target", "classes");
    private static final String ROOT_PACKAGE = "com.shiftsync.backup";
    private static final String ANNOTATIONS = "com.microsoft.azure.functions.annotation.";

    /**
     * Settings App Service itself puts into the running app. Infra must never set them:
     * IDENTITY_ENDPOINT and IDENTITY_HEADER are the managed identity's local endpoint and its
     * per-instance secret (a value set by hand would break the identity, and be a secret in
     * the template); WEBSITE_AUTH_ENABLED says App Service Authentication is on, and the app
     * trusts X-MS-CLIENT-PRINCIPAL only then, so setting it by hand would let any caller
     * claim to be an admin.
     */
    static final Map<String, String> PLATFORM_PROVIDED = Map.of(
            "IDENTITY_ENDPOINT", "set by App Service in every app with a managed identity",
            "IDENTITY_HEADER", "set by App Service; a per-instance secret of the managed identity",
            "WEBSITE_AUTH_ENABLED", "set by App Service when Authentication (Easy Auth) is on; by hand it would make "
                    + "the app trust a forgeable X-MS-CLIENT-PRINCIPAL header");

    /**
     * Settings for running outside Azure with a service principal (a developer's machine, a
     * VM without a managed identity). In Azure the app uses its managed identity, and a
     * client secret in app settings would be exactly the kind of literal secret infra must
     * not hold. (AZURE_CLIENT_ID is not exempt: infra sets it empty, meaning "the
     * system-assigned identity", and a user-assigned identity would put its client id there.)
     */
    static final Map<String, String> LOCAL_ONLY = Map.of(
            "AZURE_TENANT_ID", "tenant of a service principal for local runs; the managed identity needs none",
            "AZURE_CLIENT_SECRET", "service principal secret for local runs; in Azure it would be a literal secret");

    /**
     * Settings the code no longer reads, kept in {@link Setting} so README and the setting's
     * meaning say so: infra and local.settings.json.example must not set them, or an operator
     * would think they still do something.
     */
    static final Map<String, String> DEPRECATED = Map.of(
            "VERIFY_RESTORE_JOBS", "the restore test restores in one transaction as a throwaway role, whatever the size");

    private CodeFacts() {
    }

    /** Every setting the code reads that is a Function App setting. */
    static Set<String> functionAppSettings() {
        Set<String> names = new TreeSet<>();
        for (Setting s : Setting.values()) {
            if (!s.commandLineOnly() && !DEPRECATED.containsKey(s.name())) {
                names.add(s.name());
            }
        }
        return names;
    }

    /** Every setting infra must set: the Function App's, less the platform's and the local-only ones. */
    static Set<String> infraSettings() {
        Set<String> names = new TreeSet<>(functionAppSettings());
        names.removeAll(PLATFORM_PROVIDED.keySet());
        names.removeAll(LOCAL_ONLY.keySet());
        return names;
    }

    static Set<String> exempt() {
        Set<String> names = new TreeSet<>(PLATFORM_PROVIDED.keySet());
        names.addAll(LOCAL_ONLY.keySet());
        names.addAll(DEPRECATED.keySet());
        return names;
    }

    /** Setting name to container, for every setting that names a container. */
    static Map<String, String> containerSettings() {
        Map<String, String> containers = new TreeMap<>();
        for (Setting s : Setting.values()) {
            if (s.name().endsWith("_CONTAINER")) {
                if (s.defaultValue() == null) {
                    throw new AssertionError(s.name() + " names a container but has no default: infra cannot know it");
                }
                containers.put(s.name(), s.defaultValue());
            }
        }
        return containers;
    }

    /** Every container the code uses: the *_CONTAINER settings' defaults and Blob bindings' containers. */
    static Set<String> containers() {
        Set<String> containers = new TreeSet<>(containerSettings().values());
        for (Binding b : bindings()) {
            if (b.kind().startsWith("Blob")) {
                containers.add(b.target().split("/", 2)[0]);
            }
        }
        return containers;
    }

    /** Every queue the code uses: Queue bindings' queues and the constants of port types named *Queue. */
    static Set<String> queues() {
        Set<String> queues = new TreeSet<>();
        for (Binding b : bindings()) {
            if (b.kind().startsWith("Queue")) {
                queues.add(b.target());
            }
        }
        for (Class<?> type : classes()) {
            if (type.getPackageName().equals(ROOT_PACKAGE + ".port") && type.getSimpleName().endsWith("Queue")) {
                for (Field f : type.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                        queues.add((String) get(f));
                    }
                }
            }
        }
        return queues;
    }

    /** The connection names Queue and Blob bindings use (app settings prefixes). */
    static Set<String> bindingConnections() {
        Set<String> names = new TreeSet<>();
        for (Binding b : bindings()) {
            if (!b.connection().isEmpty()) {
                names.add(b.connection());
            }
        }
        return names;
    }

    static List<String> tierFolders() {
        return Arrays.stream(Tier.values()).map(Tier::folder).toList();
    }

    /** Every ShiftSync.* event name the code defines: the string constants of every class. */
    static Set<String> events() {
        Set<String> events = new TreeSet<>();
        for (Class<?> type : classes()) {
            for (Field f : type.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                    String value = (String) get(f);
                    if (value != null && value.startsWith("ShiftSync.")) {
                        events.add(value);
                    }
                }
            }
        }
        return events;
    }

    /** A storage binding on a function parameter: its annotation, queue or blob path, connection. */
    record Binding(String function, String kind, String target, String connection) {
    }

    static List<Binding> bindings() {
        List<Binding> bindings = new ArrayList<>();
        for (Class<?> type : classes()) {
            for (Method method : declaredMethods(type)) {
                for (Parameter p : method.getParameters()) {
                    for (Annotation a : p.getAnnotations()) {
                        String name = a.annotationType().getName();
                        if (!name.startsWith(ANNOTATIONS)) {
                            continue;
                        }
                        String kind = name.substring(ANNOTATIONS.length());
                        if (kind.startsWith("Queue")) {
                            bindings.add(new Binding(method.getName(), kind, call(a, "queueName"), call(a, "connection")));
                        } else if (kind.startsWith("Blob")) {
                            bindings.add(new Binding(method.getName(), kind, call(a, "path"), call(a, "connection")));
                        }
                    }
                }
            }
        }
        return bindings;
    }

    /** Every class compiled from src/main. */
    static List<Class<?>> classes() {
        Path root = CLASSES.resolve(ROOT_PACKAGE.replace('.', '/'));
        try (Stream<Path> files = Files.walk(root)) {
            List<Class<?>> classes = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = CLASSES.relativize(file).toString().replace('/', '.').replace('\\', '.');
                name = name.substring(0, name.length() - ".class".length());
                try {
                    classes.add(Class.forName(name, false, CodeFacts.class.getClassLoader()));
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new AssertionError("cannot load " + name + ": " + e, e);
                }
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Method[] declaredMethods(Class<?> type) {
        try {
            return type.getDeclaredMethods();
        } catch (LinkageError e) {
            throw new AssertionError("cannot inspect " + type.getName() + ": " + e, e);
        }
    }

    private static String call(Annotation a, String attribute) {
        try {
            return String.valueOf(a.annotationType().getMethod(attribute).invoke(a));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(a + " has no " + attribute, e);
        }
    }

    private static Object get(Field f) {
        try {
            f.setAccessible(true);
            return f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
