package com.shiftsync.backup.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The roles a backup's database needs on a server it is restored into: pg_dump of one database
 * names its owners and grantees but carries no roles (they belong to the whole server), so a
 * restore into a server that lacks them fails with {@code role "..." does not exist}. Read in
 * the dump's own snapshot: the owners of every object (database, schemas, tables, sequences,
 * functions, types, default privileges...), the grantees and grantors of every privilege
 * (column and default privileges included), the roles those are members of (to the top), each
 * role's attributes without its password, and the memberships among them. PostgreSQL's and
 * Azure's own roles are left out ({@link #isReserved}): every server has its own.
 *
 * @param roles       the roles, sorted by name
 * @param memberships who is a member of whom, among {@code roles}
 */
public record RoleSet(List<Role> roles, List<Membership> memberships) {

    /**
     * Roles a server makes for itself, which a roles file never names.
     * <ul>
     *   <li>PostgreSQL: the bootstrap superuser (OID 10, matched by the query, whatever its name) and the
     *       predefined {@code pg_*} roles.</li>
     *   <li>Azure Database for PostgreSQL Flexible Server: {@code azure_pg_admin} (the admin's group),
     *       {@code azuresu} / {@code azure_superuser} (Microsoft's superuser), per "Create users in Azure
     *       Database for PostgreSQL" (https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-create-users);
     *       {@code replication}, listed among the server's roles in "Describe built-in Azure Database for
     *       PostgreSQL server roles" (https://learn.microsoft.com/training/modules/secure-azure-database-for-postgresql/3-describe-built-server-roles);
     *       roles Azure's extensions create, all named {@code azure_*} (the azure_ai extension's
     *       {@code azure_ai_settings_manager}, https://learn.microsoft.com/azure/postgresql/flexible-server/generative-ai-azure-overview);
     *       and {@code localadmin}, which the issue that asked for roles files names as an Azure service role
     *       (Microsoft's pages do not list it; leaving out a role no application uses costs nothing).
     *       Microsoft reserves {@code azure_superuser}, {@code azure_pg_admin} and {@code pg_*} as admin names.</li>
     * </ul>
     */
    public static final List<String> RESERVED = List.of("azuresu", "azure_superuser", "azure_pg_admin", "replication",
            "localadmin");
    /** Name prefixes of reserved roles: PostgreSQL's predefined roles, Azure's. */
    public static final List<String> RESERVED_PREFIXES = List.of("pg_", "azure_");

    public RoleSet {
        roles = roles.stream().sorted(Comparator.comparing(Role::name)).toList();
        memberships = memberships.stream()
                .sorted(Comparator.comparing(Membership::role).thenComparing(Membership::member)).toList();
        for (Role r : roles) {
            if (isReserved(r.name())) {
                throw new IllegalArgumentException("role " + r.name() + " is the server's own and is never carried");
            }
        }
        List<String> names = roles.stream().map(Role::name).toList();
        for (Membership m : memberships) {
            if (!names.contains(m.role()) || !names.contains(m.member())) {
                throw new IllegalArgumentException("membership of " + m.member() + " in " + m.role()
                        + " names a role outside the set");
            }
        }
    }

    public static boolean isReserved(String name) {
        return RESERVED.contains(name) || RESERVED_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** The role names, sorted. */
    public List<String> names() {
        return roles.stream().map(Role::name).toList();
    }

    /**
     * A role as {@code pg_roles} describes it; never its password (pg_roles shows none).
     *
     * @param connectionLimit -1 for none
     * @param validUntil      {@code rolvaliduntil} as the server prints it ("infinity" included), or null
     * @param settings        its own settings ({@code ALTER ROLE ... SET}), each "name=value" as {@code rolconfig} holds it
     */
    public record Role(String name, boolean login, boolean inherit, boolean createDb, boolean createRole,
                       boolean replication, boolean bypassRls, boolean superuser, int connectionLimit,
                       String validUntil, List<String> settings) {
        public Role {
            Objects.requireNonNull(name, "name");
            settings = settings == null ? List.of() : List.copyOf(settings);
        }
    }

    /**
     * {@code member} is a member of {@code role}.
     *
     * @param admin with ADMIN OPTION
     */
    public record Membership(String role, String member, boolean admin) {
        public Membership {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(member, "member");
        }
    }
}
