package dev.switchboard.govern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import java.util.List;

/**
 * LiteLLM's internal user as stored ({@code /user/*}): a person (or an app's owner) whose keys name them by their
 * {@code user_id}. Their budget and model list govern their own keys (the keys of no team: a team's keys spend the
 * team's budget, as in LiteLLM); their rate limits are shared by all their keys. Spend is the ledger's (their calls that
 * count for no team), not a field.
 *
 * @param userId         the user's id, as keys' {@code user_id} names it
 * @param alias          LiteLLM's {@code user_alias}, or null
 * @param email          LiteLLM's {@code user_email}, or null (unique, compared without case)
 * @param role           LiteLLM's {@code user_role} (shown; it gives no rights here: the admin API takes the master key)
 * @param maxBudget      the cap in USD per budget period over their own keys, or null for none
 * @param budgetDuration how often their spend resets, or null for never
 * @param budgetAnchor   epoch ms the budget's duration was set (its creation, or the update that set it): the first reset
 *                       is LiteLLM's next one after it
 * @param budgetSpendFrom epoch ms the current period counts the spend from when that is not the anchor (its duration was
 *                       changed or removed during a period, which goes on), or null: the anchor with a duration, the
 *                       beginning of the ledger without one
 * @param models         the only models their own keys may use (empty: every model, as in LiteLLM)
 * @param rpmLimit       requests a minute over all their keys together, or null for none
 * @param tpmLimit       tokens a minute over all their keys together, or null for none
 * @param metadata       the caller's own data, kept and shown, or null
 */
public record User(String userId, String alias, String email, String role, Double maxBudget, DurationSpec budgetDuration,
                   long budgetAnchor, Long budgetSpendFrom, List<String> models, Long rpmLimit, Long tpmLimit, ObjectNode metadata, long createdAt,
                   long updatedAt) implements LimitedRow {
    /** LiteLLM's roles a user may be given through {@code /user/new} and {@code /user/update}. */
    static final List<String> ROLES = List.of("proxy_admin", "proxy_admin_viewer", "internal_user", "internal_user_viewer");

    public User {
        models = models == null ? List.of() : List.copyOf(models);
    }

    @Override public String id() { return userId; }

    /** LiteLLM keeps no block for a user (its {@code blocked} is a key's): block their keys instead. */
    @Override public boolean blocked() { return false; }

    @Override public RateLimiter.Limits limits() {
        return rpmLimit == null && tpmLimit == null ? RateLimiter.Limits.NONE : new RateLimiter.Limits(rpmLimit, tpmLimit, null);
    }

    static User blank(String userId, long nowMillis) {
        return new User(userId, null, null, "internal_user", null, null, nowMillis, null, List.of(), null, null, null, nowMillis, nowMillis);
    }
}
