package com.shiftsync.backup.domain;

import java.util.Locale;

/**
 * Which hosts the app sends the production login to when it checks a server it restored,
 * and how it makes sure it talks to that host: only a host name Resource Manager reports
 * for the server, inside the Flexible Server domain of the settings, over TLS whose
 * certificate names that host and chains to the roots Azure uses (shipped with the app).
 * So a host name written into storage by someone else never receives a password.
 *
 * @param domain       POSTGRES_SERVER_DOMAIN: the DNS domain every Flexible Server host lies in
 * @param rootCertFile a PEM file of the certificate authorities a server's certificate must chain to
 */
public record ServerTrust(String domain, String rootCertFile) {
    /** Azure's public cloud: every Flexible Server is {@code <name>.postgres.database.azure.com} (private ones too). */
    public static final String AZURE_DOMAIN = "postgres.database.azure.com";

    public ServerTrust {
        domain = domain == null || domain.isBlank() ? AZURE_DOMAIN
                : domain.trim().toLowerCase(Locale.ROOT).replaceAll("^\\.+", "");
    }

    /** Whether {@code host} lies inside the domain (never the domain itself, never a look-alike). */
    public boolean inDomain(String host) {
        String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith("." + domain) && h.length() > domain.length() + 1 && h.matches("[a-z0-9.-]+");
    }

    /**
     * {@code login} pointed at {@code host}, which must lie inside the domain, with the
     * certificate checked against the roots and the host name ({@code verify-full}).
     *
     * @throws ShiftSyncException JOB_FAILED naming the host and POSTGRES_SERVER_DOMAIN otherwise
     */
    public DatabaseUrl connect(DatabaseUrl login, String host, String server) {
        if (!inDomain(host)) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "Resource Manager reports the host '" + host
                    + "' for server " + server + ", which is not inside " + domain + " (POSTGRES_SERVER_DOMAIN): the "
                    + "app sends its database login to no other host, so " + server + " was not checked");
        }
        return login.withHost(host).withParam("sslmode", "verify-full").withParam("sslrootcert", rootCertFile);
    }
}
