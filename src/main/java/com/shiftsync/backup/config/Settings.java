package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.ShiftSyncException;

import java.util.Map;
import java.util.Optional;

/**
 * Typed, checked access to {@link Setting}s. A bad value is refused with a message that
 * names the setting, at start-up of the job that needs it.
 */
public final class Settings {
    private final Map<String, String> env;

    public Settings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    /** The value, else the default; empty when neither exists. */
    public Optional<String> text(Setting setting) {
        String value = env.get(setting.name());
        if (value == null || value.isBlank()) {
            return Optional.ofNullable(setting.defaultValue());
        }
        return Optional.of(value.trim());
    }

    public String required(Setting setting, String why) {
        return text(setting).orElseThrow(() -> ShiftSyncException.badInput(
                setting.name() + " is not set: " + why));
    }

    public boolean isSet(Setting setting) {
        String value = env.get(setting.name());
        return value != null && !value.isBlank();
    }

    /**
     * An environment variable that is not a {@link Setting} but is named by one (the
     * variable holding DATABASE_PASSWORD_SECRET's value when there is no Key Vault).
     */
    public Optional<String> environmentVariable(String name) {
        String value = env.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** true or false (any case; App Service writes True and False); unset means the default. */
    public boolean flag(Setting setting) {
        String value = text(setting).orElse("false");
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw ShiftSyncException.badInput(setting.name() + " is '" + value + "'; it must be true or false");
    }

    /** A whole number of at least {@code min}. */
    public int integer(Setting setting, int min) {
        String value = text(setting).orElseThrow(() -> ShiftSyncException.badInput(setting.name() + " is not set"));
        try {
            int n = Integer.parseInt(value);
            if (n < min) {
                throw ShiftSyncException.badInput(setting.name() + " is " + n + "; it must be at least " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ShiftSyncException.badInput(setting.name() + " is '" + value + "'; it must be a whole number");
        }
    }
}
