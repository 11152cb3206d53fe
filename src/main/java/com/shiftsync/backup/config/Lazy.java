package com.shiftsync.backup.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

/**
 * A port that is built on its first call: jobs receive the object they use, and a command
 * that never calls Resource Manager (or the queue, or Key Vault) never builds it, so its
 * settings are read, and refused by name, only by what needs them.
 */
final class Lazy {
    private Lazy() {
    }

    static <T> T of(Class<T> port, Supplier<? extends T> build) {
        Supplier<? extends T> once = Once.of(build);
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> port.getSimpleName() + " (built on first use)";
                };
            }
            try {
                return method.invoke(once.get(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
