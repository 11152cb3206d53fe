package com.shiftsync.backup.adapter.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.HttpClientOptions;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.SecretSource;
import com.shiftsync.backup.port.SecretWriter;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets from Azure Key Vault ({@code KEY_VAULT_URL}), read with this app's own
 * credential. Each {@link #get} asks the vault anew (no cache), so a password rotated in
 * the vault is used by the next job. The client is built once, with timeouts and at most
 * three retries; the vault's challenge is checked against the vault's host as the SDK
 * does by default.
 */
public final class KeyVaultSecretSource implements SecretSource, SecretWriter {
    private static final Pattern SECRET_NAME = Pattern.compile("[0-9a-zA-Z-]{1,127}");
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_.-]+)\"");
    private static final HttpClientOptions TIMEOUTS = new HttpClientOptions()
            .setConnectTimeout(Duration.ofSeconds(10)).setResponseTimeout(Duration.ofSeconds(20))
            .setReadTimeout(Duration.ofSeconds(20)).setWriteTimeout(Duration.ofSeconds(20));
    private static final RetryOptions RETRIES = new RetryOptions(new ExponentialBackoffOptions()
            .setMaxRetries(3).setBaseDelay(Duration.ofMillis(500)).setMaxDelay(Duration.ofSeconds(4)));

    private final String vaultUrl;
    private final SecretClient client;

    public KeyVaultSecretSource(String vaultUrl, TokenCredential credential) {
        this.vaultUrl = checkedUrl(vaultUrl);
        this.client = new SecretClientBuilder().vaultUrl(this.vaultUrl).credential(credential)
                .httpClient(HttpClient.createDefault(TIMEOUTS)).retryOptions(RETRIES).buildClient();
    }

    private static String checkedUrl(String vaultUrl) {
        URI uri;
        try {
            uri = URI.create(vaultUrl.trim());
        } catch (IllegalArgumentException e) {
            throw ShiftSyncException.badInput("KEY_VAULT_URL '" + vaultUrl + "' is not a URL: give https://<vault>.vault.azure.net/");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw ShiftSyncException.badInput("KEY_VAULT_URL '" + vaultUrl
                    + "' is not an https:// URL: give https://<vault>.vault.azure.net/");
        }
        return uri.toString();
    }

    @Override
    public String get(String name) {
        return get(name, "DATABASE_PASSWORD_SECRET");
    }

    @Override
    public String get(String name, String setting) {
        if (name == null || !SECRET_NAME.matcher(name).matches()) {
            throw ShiftSyncException.badInput("'" + name + "' is not a Key Vault secret name (1 to 127 letters, "
                    + "digits and dashes): fix " + setting);
        }
        KeyVaultSecret secret;
        try {
            secret = client.getSecret(name);
        } catch (HttpResponseException e) {
            throw refused(name, setting, e);
        } catch (RuntimeException e) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED,
                    "could not read " + where(name) + ": " + reason(e), Redaction.scrub(e));
        }
        String value = secret == null ? null : secret.getValue();
        if (value == null || value.isEmpty()) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, where(name) + " is empty: store the "
                    + (setting.equals("DATABASE_PASSWORD_SECRET") ? "password" : "value " + setting + " calls for")
                    + " in it");
        }
        Redaction.register(value);
        return value;
    }

    @Override
    public Optional<String> peek(String name) {
        checkName(name, "CUTOVER_SECRET_NAME");
        try {
            KeyVaultSecret secret = client.getSecret(name);
            return Optional.ofNullable(secret == null ? null : secret.getValue());
        } catch (HttpResponseException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw refusedWrite(name, e, "read");
        } catch (RuntimeException e) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED,
                    "could not read " + where(name) + ": " + reason(e), Redaction.scrub(e));
        }
    }

    @Override
    public String set(String name, String value) {
        checkName(name, "CUTOVER_SECRET_NAME");
        try {
            KeyVaultSecret written = client.setSecret(name, value);
            return written.getProperties() == null ? null : written.getProperties().getVersion();
        } catch (HttpResponseException e) {
            throw refusedWrite(name, e, "write");
        } catch (RuntimeException e) {
            throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED,
                    "could not write " + where(name) + ": " + reason(e), Redaction.scrub(e));
        }
    }

    private static void checkName(String name, String setting) {
        if (name == null || !SECRET_NAME.matcher(name).matches()) {
            throw ShiftSyncException.badInput("'" + name + "' is not a Key Vault secret name (1 to 127 letters, "
                    + "digits and dashes): fix " + setting);
        }
    }

    private ShiftSyncException refusedWrite(String name, HttpResponseException e, String verb) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String code = errorCode(e.getMessage());
        String answer = status + (code == null ? "" : " " + code);
        String message = status == 401 || status == 403
                ? "Key Vault " + vaultUrl + " refused to let this app's identity " + verb + " secret '" + name + "' ("
                + answer + "): grant the identity the 'Key Vault Secrets Officer' role on that secret"
                : "could not " + verb + " " + where(name) + ": Key Vault answered " + answer;
        return new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, message, code, Redaction.scrub(e));
    }

    private String where(String name) {
        return "secret '" + name + "' in Key Vault " + vaultUrl;
    }

    private ShiftSyncException refused(String name, String setting, HttpResponseException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String code = errorCode(e.getMessage());
        String answer = status + (code == null ? "" : " " + code);
        String message = switch (status) {
            case 404 -> where(name) + " does not exist (Key Vault answered " + answer
                    + "): create it, or set " + setting + " to the secret's name";
            case 401, 403 -> "Key Vault " + vaultUrl + " refused to give secret '" + name + "' to this app's identity ("
                    + answer + "): grant the identity the 'Key Vault Secrets User' role on the vault "
                    + "(or a 'get' secret access policy)";
            default -> "could not read " + where(name) + ": Key Vault answered " + answer;
        };
        return new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, message, code, Redaction.scrub(e));
    }

    static String errorCode(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = ERROR_CODE.matcher(message);
        String code = null;
        while (m.find()) {
            code = m.group(1);   // the innermost code is the most specific (e.g. SecretDisabled inside Forbidden)
        }
        return code;
    }

    /** One line from whatever went wrong on the way: the deepest cause usually says it best. */
    private static String reason(Throwable e) {
        if (e instanceof ShiftSyncException sse) {
            return sse.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root.getCause() instanceof ShiftSyncException sse) {
                return sse.getMessage();
            }
            root = root.getCause();
        }
        String text = root.getMessage() == null || root.getMessage().isBlank()
                ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }

    @Override
    public String describe() {
        return "Key Vault " + vaultUrl;
    }
}
