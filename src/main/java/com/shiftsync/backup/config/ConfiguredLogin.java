package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.AccessTokenSource;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.SecretSource;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * DATABASE_URL with the password the settings call for, looked up each time a job asks
 * (nothing is cached here, so a rotated password or a fresh token is used by the next
 * run without a restart):
 * <ul>
 *   <li>{@code DATABASE_AUTH=entra}: a Microsoft Entra token for Azure Database for
 *       PostgreSQL from the app's identity; the URL must hold no password.</li>
 *   <li>{@code DATABASE_AUTH=password}: the URL's own password if it has one, else the
 *       secret {@code DATABASE_PASSWORD_SECRET} names (Key Vault when {@code KEY_VAULT_URL}
 *       is set, else the environment), else none (libpq's ~/.pgpass, or a server that asks none).</li>
 * </ul>
 * The sources are built on first use, so a run that needs neither needs no Azure settings.
 */
public final class ConfiguredLogin implements DatabaseLogin {
    /** The scope of Azure Database for PostgreSQL (Flexible Server) tokens in Azure's public cloud. */
    public static final String POSTGRES_SCOPE = "https://ossrdbms-aad.database.windows.net/.default";

    private final Settings settings;
    private final Supplier<SecretSource> secrets;
    private final Supplier<AccessTokenSource> tokens;

    public ConfiguredLogin(Settings settings, Supplier<SecretSource> secrets, Supplier<AccessTokenSource> tokens) {
        this.settings = settings;
        this.secrets = secrets;
        this.tokens = tokens;
    }

    /** DATABASE_URL as written, without looking anything up. */
    public DatabaseUrl configuredUrl() {
        return DatabaseUrl.parse(settings.required(Setting.DATABASE_URL,
                "give the database to back up as a URL such as postgresql://shiftsync_admin@db.example.com:5432/shiftsync"));
    }

    @Override
    public DatabaseUrl configured() {
        return configuredUrl();
    }

    /** DATABASE_URL's server as host:port, whose roles a restore never touches; empty when DATABASE_URL is not set. */
    public Optional<String> productionServer() {
        if (!settings.isSet(Setting.DATABASE_URL)) {
            return Optional.empty();
        }
        DatabaseUrl configured = configuredUrl();
        return Optional.of(configured.host() + ":" + configured.port());
    }

    @Override
    public DatabaseUrl current() {
        DatabaseAuth auth = DatabaseAuth.parse(settings.text(Setting.DATABASE_AUTH).orElse(null));
        DatabaseUrl url = configuredUrl();
        return switch (auth) {
            case ENTRA -> withToken(url);
            case PASSWORD -> withPassword(url);
        };
    }

    /**
     * {@code target} with a password: DATABASE_URL's (looked up now) when the target is the
     * same server and user, else PGPASSWORD's, else none (the server may not need one).
     */
    public DatabaseUrl forTarget(DatabaseUrl target) {
        if (target.passwordIfAny().isPresent()) {
            return target;
        }
        if (settings.isSet(Setting.DATABASE_URL)) {
            DatabaseUrl configured = configuredUrl();
            if (configured.host().equalsIgnoreCase(target.host()) && configured.port() == target.port()
                    && configured.user().equals(target.user())) {
                Optional<String> password = current().passwordIfAny();
                if (password.isPresent()) {
                    return target.withPassword(password.get());
                }
            }
        }
        return settings.text(Setting.PGPASSWORD).map(target::withPassword).orElse(target);
    }

    private DatabaseUrl withToken(DatabaseUrl url) {
        if (url.passwordIfAny().isPresent()) {
            throw ShiftSyncException.badInput("DATABASE_AUTH is entra, so DATABASE_URL must hold no password "
                    + "(a Microsoft Entra token takes its place): remove it from the URL");
        }
        return url.withPassword(tokens.get().token(POSTGRES_SCOPE));
    }

    private DatabaseUrl withPassword(DatabaseUrl url) {
        if (url.passwordIfAny().isPresent()) {
            return url;
        }
        Optional<String> secretName = settings.isSet(Setting.DATABASE_PASSWORD_SECRET)
                ? settings.text(Setting.DATABASE_PASSWORD_SECRET) : Optional.empty();
        return secretName.map(name -> url.withPassword(secrets.get().get(name))).orElse(url);
    }
}
