package com.shiftsync.backup.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL clients (pg_dump and pg_restore) on this machine, one per major, and the rule
 * that picks one for each server, so that one machine or image serves servers of every major
 * and an in-place upgrade of the server needs no rebuild. Measured with 15 and 17: pg_dump
 * refuses a server newer than itself; pg_restore reads only archives of its own major and
 * older ({@link ArchiveFormat}); and pg_restore 17 cannot restore into a 15 server whatever
 * the archive (it sets {@code transaction_timeout}, unknown there), while pg_restore 15 restores
 * into 17. So a backup takes the pg_dump of the server's major, else the nearest newer one; a
 * restore takes the pg_restore of the target's major, else the nearest older one that still
 * reads the archive.
 */
public final class PgClients {
    private static final Pattern NUMBER = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

    /**
     * One folder's pg_dump and pg_restore.
     *
     * @param major         their major version
     * @param folder        where they are
     * @param pgDumpVersion what {@code pg_dump --version} printed, e.g. "pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)"
     */
    public record Client(int major, String folder, String pgDumpVersion) {
        public Client {
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(pgDumpVersion, "pgDumpVersion");
        }

        /** "17.12". */
        public String version() {
            String v = PgClients.version(pgDumpVersion);
            return v == null ? String.valueOf(major) : v;
        }

        /** "pg_restore 17.12 (/usr/lib/postgresql/17/bin)". */
        public String describe(String tool) {
            return tool + " " + version() + " (" + folder + ")";
        }
    }

    /**
     * The client chosen for a server, or why none fits.
     *
     * @param client  the chosen client, or null
     * @param refusal why none fits, one sentence naming what to install; null when one was chosen
     * @param install the package (postgresql-client-17) or server (a PostgreSQL 17 server) that would fix it; null when chosen
     */
    public record Choice(Client client, String refusal, String install) {
        public boolean chosen() {
            return client != null;
        }

        /** The chosen client; a refusal throws its sentence ({@link ErrorCode#JOB_FAILED}), with {@code tail} appended. */
        public Client orElseThrow(String tail) {
            if (client == null) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, refusal + (tail == null ? "" : tail));
            }
            return client;
        }
    }

    private final List<Client> clients;

    /** The clients found, in the order found: the first folder of a major wins (PG_BIN_DIR's order). */
    public PgClients(List<Client> found) {
        Map<Integer, Client> byMajor = new LinkedHashMap<>();
        for (Client c : found) {
            byMajor.putIfAbsent(c.major(), c);
        }
        List<Client> sorted = new ArrayList<>(byMajor.values());
        sorted.sort(Comparator.comparingInt(Client::major));
        this.clients = List.copyOf(sorted);
    }

    /** Every client, one per major, oldest first. */
    public List<Client> all() {
        return clients;
    }

    public Optional<Client> newest() {
        return clients.isEmpty() ? Optional.empty() : Optional.of(clients.get(clients.size() - 1));
    }

    /**
     * The pg_dump for a server of {@code serverMajor} (null: unknown, then the newest): the same
     * major, else the nearest newer one (an older one refuses the server).
     *
     * @param server how the server is named in a refusal ("127.0.0.1:5432")
     */
    public Choice forBackup(Integer serverMajor, String server) {
        if (serverMajor == null) {
            return newest().map(c -> new Choice(c, null, null)).orElseGet(() -> new Choice(null,
                    "no pg_dump was found here: install the PostgreSQL client of the server's major "
                            + "(postgresql-client-<major>) or name its folder in PG_BIN_DIR", "postgresql-client"));
        }
        Optional<Client> fit = clients.stream().filter(c -> c.major() >= serverMajor).findFirst();
        if (fit.isPresent()) {
            return new Choice(fit.get(), null, null);
        }
        String install = "postgresql-client-" + serverMajor;
        String have = newest().map(c -> "the newest here is " + c.describe("pg_dump"))
                .orElse("no pg_dump was found here");
        return new Choice(null, "the PostgreSQL " + serverMajor + " server " + server + " needs pg_dump "
                + serverMajor + " or newer, and " + have + ": install " + install + toFind(serverMajor), install);
    }

    /**
     * The pg_restore for restoring an archive of {@code archive}'s format into a server of
     * {@code targetMajor} (null: unknown, then the newest that reads it): the target's major
     * if it is here, else the nearest older one that reads the archive; never a newer one.
     *
     * @param target   how the target server is named in a refusal ("127.0.0.1:5432")
     * @param backupId the backup, named in a refusal
     */
    public Choice forRestore(ArchiveFormat archive, Integer targetMajor, String target, String backupId) {
        List<Client> readers = clients.stream().filter(c -> archive.readableBy(c.major())).toList();
        if (targetMajor == null) {
            if (!readers.isEmpty()) {
                return new Choice(readers.get(readers.size() - 1), null, null);
            }
            Integer needed = archive.minimumReader();
            String install = needed == null ? "postgresql-client" : "postgresql-client-" + needed;
            return new Choice(null, "backup " + backupId + " was made by " + archive.describe()
                    + ", and no pg_restore here reads it: install " + install
                    + (needed == null ? " or name its folder in PG_BIN_DIR" : toFind(needed)), install);
        }
        Optional<Client> fit = readers.stream().filter(c -> c.major() <= targetMajor)
                .max(Comparator.comparingInt(Client::major));
        if (fit.isPresent()) {
            return new Choice(fit.get(), null, null);
        }
        Integer oldest = archive.minimumReader();
        String into = "the PostgreSQL " + targetMajor + " server " + target;
        if (oldest != null && oldest > targetMajor) {
            return new Choice(null, "backup " + backupId + " was made by " + archive.describe() + ", which only "
                    + "pg_restore " + oldest + " or newer reads, and none of those can restore into " + into
                    + " (a newer pg_restore sets parameters an older server does not know): restore it into a "
                    + "PostgreSQL " + oldest + " or newer server (a new one, or this one upgraded)",
                    "a PostgreSQL " + oldest + " server");
        }
        String range = oldest == null || oldest.equals(targetMajor) ? "pg_restore " + targetMajor
                : "pg_restore " + oldest + " to " + targetMajor;
        String have = clients.isEmpty() ? "no pg_restore was found here"
                : "here there is only " + String.join(", ", clients.stream().map(c -> c.describe("pg_restore")).toList());
        String install = "postgresql-client-" + targetMajor;
        return new Choice(null, "restoring backup " + backupId + ", made by " + archive.describe() + ", into " + into
                + " needs " + range + " (an older one cannot read the archive, a newer one sets parameters the server "
                + "does not know), and " + have + ": install " + install + toFind(targetMajor), install);
    }

    /**
     * The servers an archive of {@code archive}'s format can be restored into with the clients
     * here: every major from the returned one up, or empty when no pg_restore here reads it.
     */
    public Optional<Integer> lowestTarget(ArchiveFormat archive) {
        return clients.stream().filter(c -> archive.readableBy(c.major())).map(Client::major).findFirst();
    }

    /** "PostgreSQL 15 and newer (pg_restore 15.18 for 15 to 16, pg_restore 17.12 for 17 and newer)", or why none. */
    public String restoreTargets(ArchiveFormat archive) {
        List<Client> readers = clients.stream().filter(c -> archive.readableBy(c.major())).toList();
        if (readers.isEmpty()) {
            Integer needed = archive.minimumReader();
            return "no server with the clients here: no pg_restore here reads an archive made by " + archive.describe()
                    + (needed == null ? "" : "; install postgresql-client-" + needed + toFind(needed));
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < readers.size(); i++) {
            Client c = readers.get(i);
            String span = i == readers.size() - 1 ? c.major() + " and newer"
                    : readers.get(i + 1).major() - 1 == c.major() ? String.valueOf(c.major())
                    : c.major() + " to " + (readers.get(i + 1).major() - 1);
            parts.add("pg_restore " + c.version() + " for " + span);
        }
        return "PostgreSQL " + readers.get(0).major() + " and newer (" + String.join(", ", parts) + ")";
    }

    private static String toFind(Integer major) {
        return " and make sure PG_BIN_DIR, when set, lists its folder (/usr/lib/postgresql/" + major + "/bin)";
    }

    /**
     * The major version in a version text: "pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)" and
     * "17.12 (Debian ...)" give 17, "18beta1" 18; null when there is none.
     */
    public static Integer major(String versionText) {
        Matcher m = numberOf(versionText);
        return m == null ? null : Integer.valueOf(m.group(1));
    }

    /** "17.12" of such a text, or null. */
    public static String version(String versionText) {
        Matcher m = numberOf(versionText);
        return m == null ? null : m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
    }

    private static Matcher numberOf(String versionText) {
        if (versionText == null) {
            return null;
        }
        int product = versionText.indexOf("(PostgreSQL)");
        Matcher m = NUMBER.matcher(product < 0 ? versionText : versionText.substring(product));
        return m.find() ? m : null;
    }

    @Override
    public String toString() {
        return String.join(", ", clients.stream().map(c -> c.describe("pg_dump")).toList());
    }
}
