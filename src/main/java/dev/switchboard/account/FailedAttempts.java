package dev.switchboard.account;

import dev.switchboard.model.ErrorKind;

/**
 * Which ledger rows every failed-attempt count counts (the spend report's {@code failed_attempts}, {@code switchboard
 * spend}'s FAILED column, the dashboard's totals): the attempt rows (1, 2, …) but those of a client's leaving (499).
 * Such a row stays in the ledger, since the call's history says when its client left, but it says nothing about the
 * provider, so it is left out of the counts as the attempt metric and the dashboard's error panel leave it out.
 */
public final class FailedAttempts {
    private static final int CLIENT_CLOSED = ErrorKind.CLIENT_CLOSED.status();

    private FailedAttempts() {}

    /** Whether a ledger row (or a rollup of such rows) of this attempt kind and status is a failed attempt. */
    public static boolean counts(boolean attemptRow, int status) { return attemptRow && status != CLIENT_CLOSED; }

    /** The same test in SQL, on the {@code spend_logs} row named {@code s}. */
    static String sql(String s) { return s + ".attempt > 0 AND " + s + ".status <> " + CLIENT_CLOSED; }
}
