package dev.switchboard.govern;

import dev.switchboard.store.LogColumns;

/**
 * End users (LiteLLM's customers) in memory: the stored rows ({@code /customer/*}: a budget of their own, a block), the
 * default budget every other end user has ({@code litellm_settings.max_end_user_budget}), and the running budgets of
 * the end users who called lately ({@link RowBudgets}).
 */
final class EndUsers extends RowBudgets<EndUser> {
    /** No end-user budgets and no stored end users: the request path skips all of this. */
    static final EndUsers NONE = new EndUsers(Budget.NO_LIMIT);
    /** The ledger's end_user column holds this many characters: ids are compared as it holds them. */
    static final int MAX_ID = 255;

    /** @param defaultMaxNanos every end user's budget unless their row says otherwise; {@link Budget#NO_LIMIT} for none */
    EndUsers(long defaultMaxNanos) { super(defaultMaxNanos); }

    /** The end user a request names, as the ledger holds it (null for none). */
    static String id(String user) {
        if (user == null || user.isEmpty()) return null;
        return LogColumns.cut(user, MAX_ID);
    }

    @Override Budget.Grant grant(String id) { return Budget.Grant.endUser(id); }
}
