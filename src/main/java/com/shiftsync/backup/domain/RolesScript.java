package com.shiftsync.backup.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The roles file kept beside each archive ({@code <id>.roles.sql}): a {@link RoleSet} as one SQL
 * script that a person replays with psql, and that a restore into another server runs itself,
 * so both ways do the very same thing. pg_dumpall's own output would not do: it follows each
 * {@code CREATE ROLE} with {@code ALTER ROLE ... NOSUPERUSER ...}, which alters roles that exist
 * and fails on Azure, where the admin is no superuser.
 *
 * <p>The script is one {@code DO} block: it creates only the roles that are missing and never
 * alters one that exists; a login role gets no password; an attribute or setting the server
 * refuses (SUPERUSER, REPLICATION, BYPASSRLS where the user lacks them) is left out with a
 * WARNING, never an error; a membership is granted to a role the script created; and a
 * restoring user that is not superuser is made a member of each role created, so that
 * pg_restore may give the backup's objects to their owners. Any other error rolls the whole
 * block back: no role is half made. Names from the database appear only quoted, never in
 * comments, so no name can end a comment or a string.
 */
public final class RolesScript {
    /** The side file's kind: {@code <id>.roles.sql}. */
    public static final String KIND = "roles.sql";
    /** The privileged attributes, tried one by one after the role exists. */
    private static final List<String> ATTRIBUTES = List.of("SUPERUSER", "CREATEDB", "CREATEROLE", "REPLICATION",
            "BYPASSRLS");
    /** Settings whose value is a list of names (pg_dump's variable_is_guc_list_quote). */
    private static final Set<String> LIST_SETTINGS = Set.of("search_path", "temp_tablespaces",
            "session_preload_libraries", "shared_preload_libraries", "local_preload_libraries",
            "unix_socket_directories");

    private RolesScript() {
    }

    /** The script for {@code roles}, taken for backup {@code backupId}. */
    public static String render(RoleSet roles, BackupId backupId) {
        StringBuilder body = new StringBuilder();
        body.append("DECLARE\n    created text[] := '{}';\n    is_superuser boolean;\nBEGIN\n");
        for (RoleSet.Role r : roles.roles()) {
            role(body, r);
        }
        for (RoleSet.Membership m : roles.memberships()) {
            membership(body, m);
        }
        body.append("""
                    -- the restoring user gives the backup's objects to their owners: it must be a member of each
                    is_superuser := (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user);
                    IF NOT is_superuser THEN
                        FOR i IN 1 .. coalesce(array_length(created, 1), 0) LOOP
                            BEGIN
                                EXECUTE format('GRANT %I TO %I', created[i], current_user);
                            EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
                                RAISE WARNING 'the restoring user could not be made a member of role %, so pg_restore cannot give it objects: %', created[i], SQLERRM;
                            END;
                        END LOOP;
                    END IF;
                END
                """);
        String tag = "$roles$";
        for (int n = 1; body.indexOf(tag) >= 0; n++) {
            tag = "$roles" + n + "$";
        }
        return header(backupId, roles.roles().size()) + "SET standard_conforming_strings = on;\nDO " + tag + "\n"
                + body + tag + ";\n";
    }

    private static String header(BackupId backupId, int count) {
        return """
                -- ShiftSync Backup: the roles backup %s needs (%d roles), read in the snapshot of its dump.
                -- The owners of its database's objects, the grantees of their privileges (column and default
                -- privileges included), and the roles those are members of, with their attributes and memberships.
                -- No passwords: a login role created from this file has none. Set one (ALTER ROLE ... PASSWORD)
                -- or map a Microsoft Entra principal before anyone logs in with it.
                -- Apply it to a new server before pg_restore, as a user with CREATEROLE:
                --     psql "postgresql://ADMIN@NEW-SERVER:5432/postgres" -v ON_ERROR_STOP=1 -f THIS-FILE
                -- It creates only the roles that are missing and never alters one that exists. An attribute the
                -- server refuses (SUPERUSER, REPLICATION, BYPASSRLS where the user lacks them) is left out with a
                -- WARNING. A user that is not superuser becomes a member of each role it creates, so that
                -- pg_restore can give the backup's objects to their owners.
                """.formatted(backupId, count);
    }

    private static void role(StringBuilder s, RoleSet.Role r) {
        String name = literal(r.name());
        String id = identifier(r.name());
        s.append("    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ").append(name).append(") THEN\n");
        s.append("        CREATE ROLE ").append(id).append(r.login() ? " LOGIN" : " NOLOGIN")
                .append(r.inherit() ? " INHERIT" : " NOINHERIT");
        if (r.connectionLimit() >= 0) {
            s.append(" CONNECTION LIMIT ").append(r.connectionLimit());
        }
        if (r.validUntil() != null) {
            s.append(" VALID UNTIL ").append(literal(r.validUntil()));
        }
        s.append(";\n        created := created || ").append(name).append("::text;\n");
        s.append("        RAISE NOTICE ").append(literal(r.login()
                ? "created role %: it can log in but has no password: set one (ALTER ROLE ... PASSWORD) or map a "
                + "Microsoft Entra principal" : "created role %")).append(", ").append(name).append(";\n");
        List<String> wanted = new ArrayList<>();
        if (r.superuser()) {
            wanted.add("SUPERUSER");
        }
        if (r.createDb()) {
            wanted.add("CREATEDB");
        }
        if (r.createRole()) {
            wanted.add("CREATEROLE");
        }
        if (r.replication()) {
            wanted.add("REPLICATION");
        }
        if (r.bypassRls()) {
            wanted.add("BYPASSRLS");
        }
        for (String attribute : ATTRIBUTES) {
            if (wanted.contains(attribute)) {
                s.append("        BEGIN\n            ALTER ROLE ").append(id).append(' ').append(attribute).append(";\n")
                        .append("        EXCEPTION WHEN insufficient_privilege THEN\n")
                        .append("            RAISE WARNING 'role % was created without ").append(attribute)
                        .append(", which this server refuses: %', ").append(name).append(", SQLERRM;\n")
                        .append("        END;\n");
            }
        }
        for (String setting : r.settings()) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String variable = setting.substring(0, eq);
            s.append("        BEGIN\n            ALTER ROLE ").append(id).append(" SET ").append(identifier(variable))
                    .append(" TO ").append(value(variable, setting.substring(eq + 1))).append(";\n")
                    .append("        EXCEPTION WHEN OTHERS THEN\n")
                    .append("            RAISE WARNING 'role % was created without its setting %, which this server "
                            + "refuses: %', ").append(name).append(", ").append(literal(variable))
                    .append(", SQLERRM;\n        END;\n");
        }
        s.append("    ELSE\n        RAISE NOTICE 'role % exists already: left as it is', ").append(name)
                .append(";\n    END IF;\n");
    }

    private static void membership(StringBuilder s, RoleSet.Membership m) {
        String role = literal(m.role());
        String member = literal(m.member());
        s.append("    IF ").append(member).append(" = ANY (created) THEN\n")
                .append("        BEGIN\n            GRANT ").append(identifier(m.role())).append(" TO ")
                .append(identifier(m.member())).append(m.admin() ? " WITH ADMIN OPTION" : "").append(";\n")
                .append("        EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN\n")
                .append("            RAISE WARNING 'role % was created without its membership in %: %', ")
                .append(member).append(", ").append(role).append(", SQLERRM;\n        END;\n")
                .append("    ELSIF ").append(role).append(" = ANY (created) THEN\n")
                .append("        RAISE WARNING 'role % exists already and was not made a member of the new role %: an "
                        + "existing role is left as it is (GRANT it by hand if it should be)', ")
                .append(member).append(", ").append(role).append(";\n    END IF;\n");
    }

    /** A setting's value as ALTER ROLE SET takes it: a list setting element by element, any other one whole. */
    private static String value(String variable, String raw) {
        if (!LIST_SETTINGS.contains(variable.toLowerCase(java.util.Locale.ROOT))) {
            return literal(raw);
        }
        List<String> elements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < raw.length() && raw.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                elements.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        elements.add(current.toString().strip());
        return String.join(", ", elements.stream().map(RolesScript::literal).toList());
    }

    /** A string literal (standard_conforming_strings is set on by the script). */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
