package com.shiftsync.backup.config;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.queue.QueueServiceClient;
import com.shiftsync.backup.adapter.azure.ArmServerAdmin;
import com.shiftsync.backup.adapter.azure.AzureCredentials;
import com.shiftsync.backup.adapter.azure.EntraTokenSource;
import com.shiftsync.backup.adapter.azure.KeyVaultSecretSource;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.env.EnvironmentSecretSource;
import com.shiftsync.backup.adapter.queue.QueueClients;
import com.shiftsync.backup.adapter.queue.StorageQueue;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.AccessTokenSource;
import com.shiftsync.backup.port.SecretSource;
import com.shiftsync.backup.port.SecretWriter;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.port.WorkQueue;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Azure clients, each built once on first use from the settings: the credential
 * (managed identity or service principal), Blob and Queue Storage (connection string or
 * identity), Key Vault, Resource Manager. A client whose settings are missing is refused
 * with the settings to set, only when something needs it.
 */
final class AzureClients {
    private final Settings settings;
    private final Supplier<Optional<TokenCredential>> credential;
    private final Supplier<Optional<BlobServiceClient>> blobService = Once.of(this::buildBlobService);
    private final Supplier<Optional<QueueServiceClient>> queueService = Once.of(this::buildQueueService);
    private final Supplier<SecretSource> secrets = Once.of(this::buildSecretSource);
    private final Supplier<AccessTokenSource> tokens;
    private final Supplier<ServerAdmin> serverAdmin;

    /** @param credential the credential to use instead of the settings' one, or null */
    AzureClients(Settings settings, TokenCredential credential, ArmServerAdmin.Tuning armTuning) {
        this.settings = settings;
        this.credential = credential != null ? () -> Optional.of(credential) : Once.of(() -> AzureCredentials
                .fromSettings(text(Setting.IDENTITY_ENDPOINT), text(Setting.IDENTITY_HEADER),
                        text(Setting.AZURE_CLIENT_ID), text(Setting.AZURE_TENANT_ID), text(Setting.AZURE_CLIENT_SECRET)));
        this.tokens = Once.of(() -> new EntraTokenSource(require("DATABASE_AUTH=entra")));
        this.serverAdmin = Once.of(() -> ArmServerAdmin.create(text(Setting.AZURE_RESOURCE_MANAGER_ENDPOINT),
                require("restores through Resource Manager"), text(Setting.AZURE_TENANT_ID),
                settings.required(Setting.AZURE_SUBSCRIPTION_ID, "restores need the source server's subscription"),
                settings.required(Setting.POSTGRES_RESOURCE_GROUP, "restores need the source server's resource group"),
                settings.required(Setting.POSTGRES_SERVER_NAME, "restores need the name of the source Flexible Server"),
                armTuning));
    }

    boolean hasStorage() {
        return settings.isSet(Setting.AZURE_STORAGE_CONNECTION_STRING) || settings.isSet(Setting.AZURE_STORAGE_ACCOUNT_URL);
    }

    /** Refuses, by name, storage settings the clients would refuse, without building one. */
    void checkStorage() {
        if (settings.isSet(Setting.AZURE_STORAGE_CONNECTION_STRING)) {
            fromConnectionString(() -> StorageClients.checkConnectionString(text(Setting.AZURE_STORAGE_CONNECTION_STRING)));
        } else if (settings.isSet(Setting.AZURE_STORAGE_ACCOUNT_URL)) {
            require("AZURE_STORAGE_ACCOUNT_URL");
        }
    }

    BlobContainerClient container(String name) {
        return blobService.get().orElseThrow(() -> notConfigured("")).getBlobContainerClient(name);
    }

    WorkQueue queue(String name) {
        return new StorageQueue(queueService.get().orElseThrow(() -> notConfigured(
                ", so there is no queue to hand the work to")).getQueueClient(name));
    }

    /** Where DATABASE_PASSWORD_SECRET is read: Key Vault when KEY_VAULT_URL is set, else the environment. */
    Supplier<SecretSource> secrets() {
        return secrets;
    }

    /** The Key Vault a cutover writes to; refused, naming KEY_VAULT_URL, when there is none. */
    SecretWriter secretWriter() {
        if (!settings.isSet(Setting.KEY_VAULT_URL) || !(secrets.get() instanceof SecretWriter writer)) {
            throw ShiftSyncException.badInput("a cutover writes the new host into Key Vault, but KEY_VAULT_URL is not "
                    + "set: set it to the vault holding CUTOVER_SECRET_NAME");
        }
        return writer;
    }

    Supplier<AccessTokenSource> tokens() {
        return tokens;
    }

    Supplier<ServerAdmin> serverAdmin() {
        return serverAdmin;
    }

    private TokenCredential require(String purpose) {
        return AzureCredentials.require(credential.get(), purpose);
    }

    private String text(Setting setting) {
        return settings.text(setting).orElse(null);
    }

    private SecretSource buildSecretSource() {
        if (settings.isSet(Setting.KEY_VAULT_URL)) {
            return new KeyVaultSecretSource(text(Setting.KEY_VAULT_URL), require("KEY_VAULT_URL"));
        }
        return new EnvironmentSecretSource(settings::environmentVariable);
    }

    private Optional<BlobServiceClient> buildBlobService() {
        if (settings.isSet(Setting.AZURE_STORAGE_CONNECTION_STRING)) {
            return Optional.of(fromConnectionString(() -> StorageClients.byConnectionString(
                    text(Setting.AZURE_STORAGE_CONNECTION_STRING))));
        }
        if (settings.isSet(Setting.AZURE_STORAGE_ACCOUNT_URL)) {
            return Optional.of(StorageClients.byIdentity(text(Setting.AZURE_STORAGE_ACCOUNT_URL),
                    require("AZURE_STORAGE_ACCOUNT_URL")));
        }
        return Optional.empty();
    }

    private Optional<QueueServiceClient> buildQueueService() {
        if (settings.isSet(Setting.AZURE_STORAGE_CONNECTION_STRING)) {
            return Optional.of(fromConnectionString(() -> QueueClients.byConnectionString(
                    text(Setting.AZURE_STORAGE_CONNECTION_STRING))));
        }
        if (settings.isSet(Setting.AZURE_STORAGE_ACCOUNT_URL)) {
            return Optional.of(QueueClients.byIdentity(text(Setting.AZURE_STORAGE_ACCOUNT_URL),
                    require("AZURE_STORAGE_ACCOUNT_URL")));
        }
        return Optional.empty();
    }

    private static ShiftSyncException notConfigured(String consequence) {
        return ShiftSyncException.badInput("Azure storage is not configured" + consequence + ": set "
                + "AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL with a managed identity");
    }

    /** A connection string the SDK refuses is bad configuration: named, never shown (it holds the account key). */
    private static <T> T fromConnectionString(Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw ShiftSyncException.badInput("AZURE_STORAGE_CONNECTION_STRING is not a storage connection string: "
                    + "give the account's own (with DefaultEndpointsProtocol, AccountName, AccountKey and "
                    + "EndpointSuffix, from the portal's Access keys), or UseDevelopmentStorage=true for Azurite");
        }
    }
}
