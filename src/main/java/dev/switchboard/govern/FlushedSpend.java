package dev.switchboard.govern;

import java.util.List;

/**
 * One ledger row the ledger's writer has committed, as the shared budgets need it ({@link Governance#credit}): whose
 * it is, when it ended (which period it counts in) and what it cost.
 *
 * @param keyId   null for a call without a virtual key
 * @param endUser the end user it named (as the ledger holds it), or null
 * @param teams   the teams its caller is labelled with ({@code team:} tags, in order), of which one governed it
 *                ({@link Teams#governing}); empty for the master key's calls, which no team governs
 * @param model   the model it asked for
 */
public record FlushedSpend(String keyId, String endUser, List<String> teams, String model, long endedAt, long costNanos) {
    public FlushedSpend(String keyId, String endUser, long endedAt, long costNanos) {
        this(keyId, endUser, List.of(), null, endedAt, costNanos);
    }

    /**
     * A ledger row's spend; its teams are read from its tags, as {@link Teams#governing} reads a caller's, and a JWT's
     * are chosen by the model asked for ({@code model}), as the governor chose.
     */
    public static FlushedSpend of(String keyId, String endUser, List<String> tags, String model, long endedAt, long costNanos) {
        boolean admin = keyId == null || keyId.equals("master") || keyId.equals("anonymous");
        return new FlushedSpend(keyId, endUser, admin ? List.of() : Teams.labels(tags), model, endedAt, costNanos);
    }

    /** True for a call made with a JWT (not a virtual key), whose team is chosen by its model among the token's. */
    boolean jwt() { return keyId != null && !keyId.startsWith("key_"); }
}
