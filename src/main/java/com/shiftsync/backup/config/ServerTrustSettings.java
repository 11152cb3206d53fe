package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.ServerTrust;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * POSTGRES_SERVER_DOMAIN and POSTGRES_ROOT_CERT_FILE, checked; without the latter, the roots
 * Azure Database for PostgreSQL uses (DigiCert Global Root G2, Microsoft RSA Root Certificate
 * Authority 2017, DigiCert Global Root CA), shipped in the jar and written once to a file the
 * PostgreSQL driver reads.
 */
final class ServerTrustSettings {
    private static final String BUNDLED = "azure-postgres-roots.pem";

    private ServerTrustSettings() {
    }

    static ServerTrust from(Settings settings) {
        String domain = settings.text(Setting.POSTGRES_SERVER_DOMAIN).orElse(ServerTrust.AZURE_DOMAIN);
        if (!domain.matches("[A-Za-z0-9.-]+") || !domain.contains(".")) {
            throw ShiftSyncException.badInput("POSTGRES_SERVER_DOMAIN '" + domain + "' is not a DNS domain such as "
                    + ServerTrust.AZURE_DOMAIN);
        }
        String file = settings.text(Setting.POSTGRES_ROOT_CERT_FILE).orElse(null);
        if (file != null) {
            if (!Files.isReadable(Path.of(file))) {
                throw ShiftSyncException.badInput("POSTGRES_ROOT_CERT_FILE '" + file + "' is not a readable file: "
                        + "give a PEM file of certificate authorities, or leave it unset for Azure's");
            }
            return new ServerTrust(domain, file);
        }
        return new ServerTrust(domain, bundled().toString());
    }

    private static Path bundled() {
        try (InputStream in = ServerTrustSettings.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " is missing from the jar");
            }
            Path file = Files.createTempFile("shiftsync-azure-roots-", ".pem");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new ShiftSyncException(com.shiftsync.backup.domain.ErrorCode.JOB_FAILED,
                    "could not write the bundled root certificates to a temporary file: " + e.getMessage(), e);
        }
    }
}
