package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.AccessTokenSource;
import com.shiftsync.backup.port.SecretSource;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfiguredLoginTest {
    private static final String URL = "postgresql://shiftsync_admin@db.example.com:5432/shiftsync";

    /** Hands out the given values in turn and remembers what was asked. */
    private static final class ScriptedSource implements SecretSource, AccessTokenSource {
        final Deque<String> values = new ArrayDeque<>();
        final List<String> asked = new ArrayList<>();

        ScriptedSource(String... values) {
            this.values.addAll(List.of(values));
        }

        @Override
        public String get(String name) {
            asked.add(name);
            return values.removeFirst();
        }

        @Override
        public String token(String scope) {
            asked.add(scope);
            return values.removeFirst();
        }

        @Override
        public String describe() {
            return "a script";
        }
    }

    private static <T> Supplier<T> never() {
        return () -> {
            throw new AssertionError("this source must not even be built");
        };
    }

    private static Settings settings(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return new Settings(env);
    }

    @Test
    @DisplayName("DATABASE_PASSWORD_SECRET is looked up at every current(): a rotated secret is used by the next job")
    void secretLookedUpEachTime() {
        String first = TestSecrets.random("rot-1-");
        String second = TestSecrets.random("rot-2-");
        ScriptedSource vault = new ScriptedSource(first, second);
        ConfiguredLogin login = new ConfiguredLogin(
                settings("DATABASE_URL", URL, "DATABASE_PASSWORD_SECRET", "shiftsync-db-password"), () -> vault, never());

        DatabaseUrl one = login.current();
        DatabaseUrl two = login.current();

        assertEquals(first, one.password());
        assertEquals(second, two.password());
        assertEquals(List.of("shiftsync-db-password", "shiftsync-db-password"), vault.asked);
        assertEquals("shiftsync_admin", two.user());
    }

    @Test
    @DisplayName("a password in DATABASE_URL wins and no secret source is built")
    void urlPasswordWins() {
        String password = TestSecrets.random("url-pw-");
        ConfiguredLogin login = new ConfiguredLogin(settings("DATABASE_URL",
                "postgresql://shiftsync_admin:" + password + "@db.example.com/shiftsync",
                "DATABASE_PASSWORD_SECRET", "shiftsync-db-password"), never(), never());

        assertEquals(password, login.current().password());
    }

    @Test
    @DisplayName("no password and no secret name: the URL as it is (libpq's .pgpass may serve)")
    void nothingToLookUp() {
        ConfiguredLogin login = new ConfiguredLogin(settings("DATABASE_URL", URL), never(), never());

        assertNull(login.current().password());
    }

    @Test
    @DisplayName("DATABASE_AUTH=entra: a fresh token for Azure Database for PostgreSQL at every current()")
    void entraTokenEachTime() {
        String first = TestSecrets.random("tok-1-");
        String second = TestSecrets.random("tok-2-");
        ScriptedSource identity = new ScriptedSource(first, second);
        ConfiguredLogin login = new ConfiguredLogin(settings("DATABASE_URL", URL, "DATABASE_AUTH", "entra",
                "DATABASE_PASSWORD_SECRET", "ignored-in-entra-mode"), never(), () -> identity);

        assertEquals(first, login.current().password());
        assertEquals(second, login.current().password());
        assertEquals(List.of("https://ossrdbms-aad.database.windows.net/.default",
                "https://ossrdbms-aad.database.windows.net/.default"), identity.asked);
    }

    @Test
    @DisplayName("DATABASE_AUTH=entra with a password in the URL is refused: the token takes its place")
    void entraRefusesUrlPassword() {
        String password = TestSecrets.random("entra-url-pw-");
        ConfiguredLogin login = new ConfiguredLogin(settings("DATABASE_URL",
                "postgresql://app:" + password + "@db.example.com/shiftsync", "DATABASE_AUTH", "Entra"),
                never(), never());

        ShiftSyncException e = assertThrows(ShiftSyncException.class, login::current);
        CapturedOutput.record(e);
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertTrue(e.getMessage().contains("remove it from the URL"), e.getMessage());
    }

    @Test
    @DisplayName("an unknown DATABASE_AUTH is refused with the two choices")
    void unknownAuth() {
        ConfiguredLogin login = new ConfiguredLogin(settings("DATABASE_URL", URL, "DATABASE_AUTH", "kerberos"),
                never(), never());

        ShiftSyncException e = assertThrows(ShiftSyncException.class, login::current);
        assertEquals("DATABASE_AUTH is 'kerberos': use password or entra", e.getMessage());
    }

    @Test
    @DisplayName("without KEY_VAULT_URL the App reads the secret from the environment variable of that name")
    void appUsesEnvironmentWithoutVault() {
        String password = TestSecrets.random("env-pw-");
        App app = new App(settings("DATABASE_URL", URL, "DATABASE_PASSWORD_SECRET", "shiftsync-db-password",
                "SHIFTSYNC_DB_PASSWORD", password), Clock.systemUTC());

        assertEquals(password, app.login().current().password());
        assertEquals("the environment", app.secretSource().describe());
    }

    @Test
    @DisplayName("Key Vault and passwordless mode say which credentials they lack; an http vault URL is refused")
    void appNeedsCredentials() {
        App vault = new App(settings("DATABASE_URL", URL, "DATABASE_PASSWORD_SECRET", "db",
                "KEY_VAULT_URL", "https://shiftsync-kv.vault.azure.net/"), Clock.systemUTC());
        ShiftSyncException noVaultCredential = assertThrows(ShiftSyncException.class, () -> vault.login().current());
        assertTrue(noVaultCredential.getMessage().startsWith("KEY_VAULT_URL needs Azure credentials"),
                noVaultCredential.getMessage());

        App entra = new App(settings("DATABASE_URL", URL, "DATABASE_AUTH", "entra"), Clock.systemUTC());
        ShiftSyncException noEntraCredential = assertThrows(ShiftSyncException.class, () -> entra.login().current());
        assertTrue(noEntraCredential.getMessage().startsWith("DATABASE_AUTH=entra needs Azure credentials"),
                noEntraCredential.getMessage());

        App plainHttp = new App(settings("DATABASE_URL", URL, "DATABASE_PASSWORD_SECRET", "db",
                "KEY_VAULT_URL", "http://shiftsync-kv.vault.azure.net/", "IDENTITY_ENDPOINT", "http://127.0.0.1:9/msi",
                "IDENTITY_HEADER", TestSecrets.random("hdr-")), Clock.systemUTC());
        ShiftSyncException http = assertThrows(ShiftSyncException.class, () -> plainHttp.login().current());
        assertTrue(http.getMessage().contains("is not an https:// URL"), http.getMessage());
    }

    @Test
    @DisplayName("a restore target on the DATABASE_URL server and user borrows the password looked up now")
    void passwordForSameServer() {
        String password = TestSecrets.random("restore-pw-");
        App app = new App(settings("DATABASE_URL", URL, "DATABASE_PASSWORD_SECRET", "shiftsync-db-password",
                "SHIFTSYNC_DB_PASSWORD", password), Clock.systemUTC());

        DatabaseUrl target = app.login().forTarget(DatabaseUrl.parse(
                "postgresql://shiftsync_admin@db.example.com:5432/shiftsync_restore_test"));
        DatabaseUrl other = app.login().forTarget(DatabaseUrl.parse("postgresql://someone@db.example.com:5432/x"));

        assertEquals(password, target.password());
        assertNull(other.password());
    }
}
