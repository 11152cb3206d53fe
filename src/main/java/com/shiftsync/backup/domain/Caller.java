package com.shiftsync.backup.domain;

import java.util.Set;

/**
 * Who asks for something: a signed-in caller (Easy Auth's principal) or the operating
 * system user running the CLI. Audit records name the caller by id and name.
 *
 * @param id    a stable id: the Entra object id (or app id) of a signed-in caller, the OS user name for the CLI
 * @param name  what a person recognises: user principal name, display name or {@code user@host}
 * @param via   how the caller was identified: {@code easy-auth} or {@code os-user}
 * @param roles the app roles the caller holds (empty for the CLI, which has no roles)
 */
public record Caller(String id, String name, String via, Set<String> roles) {
    public static final String EASY_AUTH = "easy-auth";
    public static final String OS_USER = "os-user";

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

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
