package com.shiftsync.backup.domain;

import java.util.Set;

/**
 * Who asks for something: a signed-in caller (Easy Auth's principal) or the operating
 * system user running the CLI. Audit records name the caller by id and name.
 *
 * @param id    a stable id: the Entra object id (or app id) of a signed-in caller, the OS user name for the CLI
 * @param name  what a person recognises: user principal name, display name or {@code user@host}
 * @param via   how the caller was identified: {@code easy-auth}, {@code os-user}, {@code queue} (a
 *              queue-triggered function doing what an accepted request asked) or {@code timer} (a
 *              timer-triggered function on its schedule)
 * @param roles the app roles the caller holds (empty for the CLI, which has no roles)
 */
public record Caller(String id, String name, String via, Set<String> roles) {
    public static final String EASY_AUTH = "easy-auth";
    public static final String OS_USER = "os-user";
    public static final String QUEUE = "queue";
    public static final String TIMER = "timer";

    public Caller {
        id = id == null || id.isBlank() ? "unknown" : id;
        name = name == null || name.isBlank() ? id : name;
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    /** The person at the keyboard of the CLI. */
    public static Caller osUser(String user, String host) {
        String who = user == null || user.isBlank() ? "unknown" : user;
        return new Caller(who, host == null || host.isBlank() ? who : who + "@" + host, OS_USER, Set.of());
    }

    /**
     * A queue-triggered function of this app, doing the work an accepted request asked for:
     * named so the audit log shows on whose behalf.
     *
     * @param function    the function's name, e.g. restoreFromBackupWorker
     * @param requestedBy the name of the caller whose request it carries out
     */
    public static Caller worker(String function, String requestedBy) {
        return new Caller(function, function + " for " + (requestedBy == null ? "unknown" : requestedBy), QUEUE,
                Set.of());
    }

    /** A timer-triggered function of this app, acting on its schedule (the recoveryDrill timer). */
    public static Caller timer(String function) {
        return new Caller(function, function + " timer", TIMER, Set.of());
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
