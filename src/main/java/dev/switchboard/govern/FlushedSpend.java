package dev.switchboard.govern;

/**
 * One ledger row the ledger's writer has committed, as the shared budgets need it ({@link Governance#credit}): whose
 * it is, when it ended (which period it counts in) and what it cost.
 *
 * @param keyId   null for a call without a virtual key
 * @param endUser the end user it named (as the ledger holds it), or null
 * @param team    the team it counts for ({@link Admission#team()}, the row's {@code team_id}), or null
 */
public record FlushedSpend(String keyId, String endUser, String team, long endedAt, long costNanos) {
    public FlushedSpend(String keyId, String endUser, long endedAt, long costNanos) {
        this(keyId, endUser, null, endedAt, costNanos);
    }
}
