package com.shiftsync.backup.adapter.env;

import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.SecretSource;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Secrets from environment variables, for runs without Key Vault (a laptop, a VM with
 * cron): the secret {@code shiftsync-db-password} is the variable of that name or, since
 * shells dislike dashes, {@code SHIFTSYNC_DB_PASSWORD}.
 */
public final class EnvironmentSecretSource implements SecretSource {
    private final Function<String, Optional<String>> environment;

    /** @param environment a variable's value by name (the process environment, as {@code Settings} holds it) */
    public EnvironmentSecretSource(Function<String, Optional<String>> environment) {
        this.environment = environment;
    }

    /** The variable name a shell can export for secret {@code name}: upper case, underscores for anything else. */
    public static String variableFor(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    @Override
    public String get(String name) {
        if (name == null || name.isBlank()) {
            throw ShiftSyncException.badInput("no secret name given");
        }
        String variable = variableFor(name);
        Optional<String> value = environment.apply(name).or(() -> environment.apply(variable));
        if (value.isEmpty() || value.get().isEmpty()) {
            throw ShiftSyncException.badInput("secret '" + name + "' is not in the environment (no variable "
                    + variable + (variable.equals(name) ? "" : " or " + name) + "): set KEY_VAULT_URL to read it "
                    + "from Key Vault, or export " + variable);
        }
        Redaction.register(value.get());
        return value.get();
    }

    @Override
    public String describe() {
        return "the environment";
    }
}
