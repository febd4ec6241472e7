package dev.switchboard.govern;

import dev.switchboard.model.DurationSpec;

/**
 * A stored row that may carry a budget of its own and a block: an end user (LiteLLM's customer), a team or a user (who
 * has no block). Its spend is the ledger's, never a field.
 */
interface BudgetedRow {
    /** The id requests and the admin API name it by. */
    String id();

    /** Its own hard cap in USD per budget period (for ever without a duration), or null for none of its own. */
    Double maxBudget();

    /** How often its spend resets, or null for never. */
    DurationSpec budgetDuration();

    /** Epoch ms its budget's duration was set: its first reset is LiteLLM's next one after it. */
    long budgetAnchor();

    /**
     * Epoch ms its current period counts the spend from when that is not the anchor (a duration changed or removed during
     * a period), or null: the anchor with a duration, the beginning of the ledger without one.
     */
    Long budgetSpendFrom();

    /** Every model call it makes is refused. */
    boolean blocked();
}
