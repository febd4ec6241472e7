package dev.switchboard.govern;

import java.util.List;

/**
 * A stored row that governs several callers at once (a team: every key and JWT of it; a user: every key of theirs): on
 * top of a budget, a model list and rate limits shared by all of them.
 */
interface LimitedRow extends BudgetedRow {
    /** The only models its callers may use (empty: every model, as in LiteLLM). */
    List<String> models();

    /** Its rate limits, shared by its callers ({@link RateLimiter.Limits#NONE} for none). */
    RateLimiter.Limits limits();
}
