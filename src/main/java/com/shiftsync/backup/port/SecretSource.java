package com.shiftsync.backup.port;

/**
 * Where named secrets live (Key Vault in Azure, the environment on a laptop). Asked at the
 * start of every job, never cached for long, so a secret rotated at the source is used by
 * the next run without a restart. Every value it returns is registered with
 * {@link com.shiftsync.backup.domain.Redaction}.
 */
public interface SecretSource {

    /**
     * The current value of the secret {@code name}.
     *
     * @throws com.shiftsync.backup.domain.ShiftSyncException naming the source and the secret
     *         (never a value) when it is missing or the source cannot be reached
     */
    String get(String name);

    /**
     * The current value of the secret {@code name}, which {@code setting} named: messages about a
     * missing or unreadable secret tell the person to fix that setting.
     */
    default String get(String name, String setting) {
        return get(name);
    }

    /** Where the secrets come from, for messages: "Key Vault https://x.vault.azure.net/". */
    String describe();
}
