package com.shiftsync.backup.access;

import com.shiftsync.backup.domain.Caller;

import java.util.Optional;

/**
 * How a request's caller is established: by Easy Auth's principal and the admin role
 * (HTTP), or as the operating-system user (CLI). {@link #verify()} denies by throwing;
 * {@link #claimed()} names whoever the request claimed to be, for the audit record of a
 * denial.
 */
public interface CallerCheck {

    /** The verified caller; throws a ShiftSyncException (UNAUTHENTICATED, FORBIDDEN) to deny. */
    Caller verify();

    /** Who the request claims to be, verified or not; only for the record. */
    Optional<Caller> claimed();

    /** A caller known for certain, as the CLI knows its OS user. */
    static CallerCheck known(Caller caller) {
        return new CallerCheck() {
            @Override
            public Caller verify() {
                return caller;
            }

            @Override
            public Optional<Caller> claimed() {
                return Optional.of(caller);
            }
        };
    }
}
