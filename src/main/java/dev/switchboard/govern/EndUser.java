package dev.switchboard.govern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;

/**
 * LiteLLM's customer (end user) as stored: the {@code user} a request names, with what differs for them from the
 * default ({@code litellm_settings.max_end_user_budget}). Spend is the ledger's, not a field.
 *
 * @param userId         the end user's id, as requests name it ({@code user}; an Anthropic body's {@code metadata.user_id})
 * @param alias          a name for people, or null
 * @param maxBudget      their own hard cap in USD per budget period (for ever without a duration), or null for the
 *                       default cap (none when no default is configured)
 * @param budgetDuration how often their spend resets, or null for never
 * @param budgetAnchor   epoch ms the budget's duration was set (its creation, or the update that set it): the first reset
 *                       is LiteLLM's next one after it
 * @param budgetSpendFrom epoch ms the current period counts the spend from when that is not the anchor (its duration was
 *                       changed or removed during a period, which goes on), or null: the anchor with a duration, the
 *                       beginning of the ledger without one
 * @param blocked        every model call naming them is refused
 * @param metadata       the caller's own data, kept and shown, or null
 */
public record EndUser(String userId, String alias, Double maxBudget, DurationSpec budgetDuration, long budgetAnchor, Long budgetSpendFrom,
                      boolean blocked, ObjectNode metadata, long createdAt, long updatedAt) implements BudgetedRow {

    @Override public String id() { return userId; }

    /** A row made by {@code /customer/block} for an end user who had none: the defaults, blocked. */
    static EndUser blank(String userId, long nowMillis) {
        return new EndUser(userId, null, null, null, nowMillis, null, false, null, nowMillis, nowMillis);
    }

    EndUser withBlocked(boolean b, long nowMillis) {
        return new EndUser(userId, alias, maxBudget, budgetDuration, budgetAnchor, budgetSpendFrom, b, metadata, createdAt, nowMillis);
    }
}
