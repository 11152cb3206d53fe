package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Optional;

/**
 * Which client each command would use now against DATABASE_URL's server: the pg_dump of the
 * next backup, and the pg_restore of a restore of the newest backup into that server. A server
 * upgraded in place to a major newer than every pg_dump here shows up here, as
 * {@code client-too-old}, before the night's backup fails on it. {@code status}, {@code list},
 * the monitor and the recovery plan show it.
 *
 * @param server        the server asked ("127.0.0.1:5432"), or null when DATABASE_URL is not usable
 * @param serverVersion its {@code server_version} ("17.12 (Debian ...)"), or null when it could not be read
 * @param serverMajor   its major, or null
 * @param unknown       why the server's version is unknown, or null
 * @param clients       every client here, one per major (empty when none was found)
 * @param backup        the next backup's pg_dump, or why none fits; null while the server's version is unknown
 * @param restore       the pg_restore of the newest backup into this server, or why none fits; null without a
 *                      backup or a known server version
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientReadiness(String server, String serverVersion, Integer serverMajor, String unknown,
                              List<PgClients.Client> clients, Use backup, Use restore) {

    public ClientReadiness {
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    /**
     * One command's client.
     *
     * @param tool     pg_dump or pg_restore
     * @param backupId the backup restored (pg_restore), else null
     * @param major    the chosen client's major, or null when none fits
     * @param version  its version ("17.12")
     * @param folder   where it is
     * @param refusal  why none fits, naming what to install; null when one was chosen
     * @param install  what to install ("postgresql-client-17"); null when one was chosen
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Use(String tool, String backupId, Integer major, String version, String folder, String refusal,
                      String install) {
        static Use of(String tool, String backupId, PgClients.Choice choice) {
            PgClients.Client c = choice.client();
            return new Use(tool, backupId, c == null ? null : c.major(), c == null ? null : c.version(),
                    c == null ? null : c.folder(), choice.refusal(), choice.install());
        }

        @JsonIgnore
        public boolean chosen() {
            return major != null;
        }

        /** "pg_dump 17.12 (/usr/lib/postgresql/17/bin)" or "REFUSED: why". */
        public String describe() {
            return chosen() ? tool + " " + version + " (" + folder + ")" : "REFUSED: " + refusal;
        }
    }

    /**
     * What the clients here would do against {@code server}'s version (null: unknown, for
     * {@code unknown}'s reason), for the next backup and a restore of {@code newest} (null: none).
     */
    public static ClientReadiness of(PgClients clients, String server, String serverVersion, String unknown,
                                     Manifest newest) {
        Integer major = PgClients.major(serverVersion);
        if (major == null) {
            return new ClientReadiness(server, serverVersion, null, unknown == null
                    ? "the server's version '" + serverVersion + "' names no major" : unknown, clients.all(), null, null);
        }
        String at = "at " + server;
        Use backup = Use.of("pg_dump", null, clients.forBackup(major, at));
        Use restore = newest == null ? null : Use.of("pg_restore", newest.id(),
                clients.forRestore(ArchiveFormat.of(newest), major, at, newest.id()));
        return new ClientReadiness(server, serverVersion, major, null, clients.all(), backup, restore);
    }

    /** Nothing could be read of the clients (none was found, or PG_BIN_DIR is wrong): {@code why}. */
    public static ClientReadiness noClients(String server, String serverVersion, String why) {
        Integer major = PgClients.major(serverVersion);
        Use backup = major == null ? null : new Use("pg_dump", null, null, null, null, why + "; install "
                + "postgresql-client-" + major, "postgresql-client-" + major);
        return new ClientReadiness(server, serverVersion, major, major == null ? why : null, List.of(), backup, null);
    }

    /** The pg_restore of a restore of {@code backup} into this server, or why none fits; null while the server's version is unknown. */
    public Use restoreOf(Manifest backup) {
        return serverMajor == null ? null : Use.of("pg_restore", backup.id(), new PgClients(clients)
                .forRestore(ArchiveFormat.of(backup), serverMajor, "at " + server, backup.id()));
    }

    /** The servers {@code backup} can be restored into with the clients here ({@link PgClients#restoreTargets}). */
    public String restoreTargets(Manifest backup) {
        return new PgClients(clients).restoreTargets(ArchiveFormat.of(backup));
    }

    /**
     * {@code client-too-old}: the server's major is newer than every pg_dump here, so the next
     * backup will fail; the reason names the package to install.
     */
    public Optional<Alert> alert() {
        if (backup == null || backup.chosen()) {
            return Optional.empty();
        }
        return Optional.of(new Alert(AlertCode.CLIENT_TOO_OLD, null, "the next backup will fail: " + backup.refusal()));
    }
}
