package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.DatabaseUrl;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The roles of a server a backup is restored into: roles belong to the whole server, not to the
 * database pg_restore writes, so a restore into another server first looks at them and creates
 * the missing ones from the backup's roles file ({@link com.shiftsync.backup.domain.RolesScript}).
 */
public interface ServerRoles {

    /**
     * Which roles exist on a server, and what its user may do.
     *
     * @param existing       those of the names asked about that exist
     * @param login          those of the names asked about that exist and can log in
     * @param user           the user connected
     * @param mayCreateRoles whether that user is superuser or has CREATEROLE
     */
    record Facts(Set<String> existing, Set<String> login, String user, boolean mayCreateRoles) {
        public Facts {
            existing = Set.copyOf(existing);
            login = Set.copyOf(login);
        }
    }

    /** The roles among {@code names} on the server of {@code server} (any of its databases). */
    Facts look(DatabaseUrl server, Collection<String> names);

    /**
     * Runs a roles file on the server of {@code server} as one statement: all of it or, on an
     * error, nothing. Returns the WARNINGs it raised (attributes refused, memberships not granted).
     */
    List<String> apply(DatabaseUrl server, String script);

    /** Drops roles (those a failed restore created, which own nothing). Absent is fine. */
    void drop(DatabaseUrl server, List<String> names);
}
