package com.shiftsync.backup.port;

import java.util.Optional;

/**
 * Writes a Key Vault secret that holds a setting other software reads, not a credential:
 * the database host ShiftSync connects to, which a cutover points at a restored server.
 * Values read here are not registered as secrets (a host name must stay readable in
 * messages).
 */
public interface SecretWriter {

    /** The secret's current value, or empty when it does not exist yet. */
    Optional<String> peek(String name);

    /** Writes a new version of the secret; returns the new version's id. */
    String set(String name, String value);

    /** Where the secrets are, for messages: "Key Vault https://x.vault.azure.net/". */
    String describe();
}
