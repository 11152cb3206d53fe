package com.shiftsync.backup.access;

import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.util.Map;

/**
 * The admin check of every HTTP endpoint that restores or reads backups, on top of the
 * function key: the caller must be signed in through App Service Authentication (Easy
 * Auth) and hold the app role {@code ADMIN_ROLE}. The principal header is trusted only
 * when Easy Auth is on (App Service then sets {@code WEBSITE_AUTH_ENABLED=True} and strips
 * any header a client sent) or when {@code TRUST_CLIENT_PRINCIPAL_HEADER=true} says a
 * trusted proxy sets it; otherwise anyone could forge it, so every request is refused.
 */
public final class AdminAccess {
    private final boolean trustHeader;
    private final boolean easyAuthEnabled;
    private final String adminRole;

    /**
     * @param easyAuthEnabled WEBSITE_AUTH_ENABLED is True
     * @param trustSetting    TRUST_CLIENT_PRINCIPAL_HEADER is true
     * @param adminRole       ADMIN_ROLE
     */
    public AdminAccess(boolean easyAuthEnabled, boolean trustSetting, String adminRole) {
        if (adminRole == null || adminRole.isBlank()) {
            throw ShiftSyncException.badInput("ADMIN_ROLE is empty: name the app role that may restore, "
                    + "e.g. Backup.Admin");
        }
        this.easyAuthEnabled = easyAuthEnabled;
        this.trustHeader = easyAuthEnabled || trustSetting;
        this.adminRole = adminRole.trim();
    }

    public String adminRole() {
        return adminRole;
    }

    /**
     * The signed-in admin making this request.
     *
     * @param purpose what the caller wants to do, for the refusal: "start a restore"
     * @throws ShiftSyncException UNAUTHENTICATED (401) when no trusted principal is present,
     *                            FORBIDDEN (403) when it lacks the admin role
     */
    public Caller requireAdmin(Map<String, String> headers, String purpose) {
        if (!trustHeader) {
            throw new ShiftSyncException(ErrorCode.UNAUTHENTICATED, "this app cannot tell who is calling, so it "
                    + "refuses to " + purpose + ": App Service Authentication is off (WEBSITE_AUTH_ENABLED is not "
                    + "True) and TRUST_CLIENT_PRINCIPAL_HEADER is not true, so " + ClientPrincipal.HEADER
                    + " could be forged; turn on Authentication for the Function App");
        }
        Caller caller = ClientPrincipal.from(headers).orElseThrow(() -> new ShiftSyncException(
                ErrorCode.UNAUTHENTICATED, "sign in to " + purpose + ": the request carries no "
                + ClientPrincipal.HEADER + (easyAuthEnabled ? "; call with a Microsoft Entra token for this app"
                : "; the proxy in front of the app must set it")));
        if (!caller.hasRole(adminRole)) {
            throw new ShiftSyncException(ErrorCode.FORBIDDEN, "caller " + caller.name() + " lacks the app role "
                    + adminRole + " needed to " + purpose + "; ask an owner of the app registration to assign it");
        }
        return caller;
    }

    /**
     * The signed-in admin making this request, or empty (never a refusal, nothing audited) when
     * the principal is missing, unreadable, untrusted or lacks the admin role: for endpoints
     * that answer everyone, and admins with more ({@code GET /api/status}).
     */
    public java.util.Optional<Caller> admin(Map<String, String> headers) {
        if (!trustHeader) {
            return java.util.Optional.empty();
        }
        try {
            return ClientPrincipal.from(headers).filter(c -> c.hasRole(adminRole));
        } catch (ShiftSyncException unreadable) {
            return java.util.Optional.empty();
        }
    }

    /** The check of one request, for an audited action. */
    public CallerCheck check(Map<String, String> headers, String purpose) {
        return new CallerCheck() {
            @Override
            public Caller verify() {
                return requireAdmin(headers, purpose);
            }

            @Override
            public java.util.Optional<Caller> claimed() {
                return claimedCaller(headers);
            }
        };
    }

    /**
     * Who the headers claim to be, for the audit record of a refused request; never used
     * to allow anything. Empty when the header is absent or unreadable.
     */
    public java.util.Optional<Caller> claimedCaller(Map<String, String> headers) {
        try {
            return ClientPrincipal.from(headers).map(c -> trustHeader ? c
                    : new Caller(c.id(), c.name() + " (unverified)", "unverified-header", java.util.Set.of()));
        } catch (ShiftSyncException unreadable) {
            return java.util.Optional.empty();
        }
    }
}
