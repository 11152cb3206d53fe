package com.shiftsync.backup.restore;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * What a restore did about the backup's roles (its roles file, {@code <id>.roles.sql}): created
 * the roles another server lacked, found them all there, left them alone on DATABASE_URL's own
 * server, or, with {@code --no-owner}, restored everything as the restoring user's and left the
 * backup's owners and grants out. Kept in the restore's record and printed, so a person knows
 * which roles are new and which still need a password.
 *
 * @param applied         whether the roles file was run on the target server
 * @param created         the roles this restore created there, sorted
 * @param withoutPassword of those, the ones that can log in: they have no password yet
 * @param warnings        what the server refused (an attribute, a setting, a membership), one sentence each
 * @param ownersAndGrants whether the backup's owners and grants were restored (false with --no-owner)
 * @param leftOut         with --no-owner, the roles whose ownership and grants were left out
 * @param note            why no role was created, in one sentence, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolesOutcome(boolean applied, List<String> created, List<String> withoutPassword, List<String> warnings,
                           boolean ownersAndGrants, List<String> leftOut, String note) {

    public RolesOutcome {
        created = created == null ? List.of() : created.stream().sorted().toList();
        withoutPassword = withoutPassword == null ? List.of() : withoutPassword.stream().sorted().toList();
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        leftOut = leftOut == null ? List.of() : leftOut.stream().sorted().toList();
    }

    /** No role was created or needed to be: the reason says why. Owners and grants are restored as in the backup. */
    static RolesOutcome untouched(String note) {
        return new RolesOutcome(false, List.of(), List.of(), List.of(), true, List.of(), note);
    }

    /** The roles file ran: what it created, which of those log in, what the server refused. */
    static RolesOutcome applied(List<String> created, List<String> withoutPassword, List<String> warnings) {
        return new RolesOutcome(true, created, withoutPassword, warnings, true, List.of(), null);
    }

    /** {@code option} ("--no-owner"): every object belongs to {@code user}; the backup's roles own and are granted nothing. */
    static RolesOutcome withoutOwners(String option, String user, List<String> leftOut) {
        return new RolesOutcome(false, List.of(), List.of(), List.of(), false, leftOut, "owners and grants were not "
                + "restored (" + option + "): every restored object belongs to " + user + " and no privilege was granted"
                + (leftOut.isEmpty() ? "" : "; left out: the ownership and grants of roles "
                + String.join(", ", leftOut.stream().sorted().toList())));
    }

    /** "created roles a, b on host:port ...", or null when the restore created none. */
    @JsonIgnore
    public String createdLine(String server) {
        return created.isEmpty() ? null : "created role" + (created.size() == 1 ? " " : "s ") + String.join(", ", created)
                + " on " + server + " from the backup's roles file (existing roles were left as they are)";
    }

    /**
     * What a person must act on, one sentence each: the login roles that need a password, what the
     * server refused, what {@code --no-owner} left out. Empty when there is nothing.
     */
    @JsonIgnore
    public List<String> warningLines() {
        List<String> lines = new ArrayList<>();
        if (!withoutPassword.isEmpty()) {
            lines.add("login role" + (withoutPassword.size() == 1 ? " " : "s ") + String.join(", ", withoutPassword)
                    + (withoutPassword.size() == 1 ? " was" : " were") + " created without a password: a person must "
                    + "set one (ALTER ROLE ... PASSWORD) or map a Microsoft Entra principal before anyone logs in "
                    + "with " + (withoutPassword.size() == 1 ? "it" : "them"));
        }
        lines.addAll(warnings);
        if (!ownersAndGrants && note != null) {
            lines.add(note);
        }
        return lines;
    }
}
