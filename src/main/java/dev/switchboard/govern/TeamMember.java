package dev.switchboard.govern;

import dev.switchboard.model.DurationSpec;

/**
 * A member's budget in a team, as the governor holds it (LiteLLM's team membership): their {@code max_budget_in_team},
 * else the team's {@code team_member_budget}, over the calls that count for the team and carry their {@code user:} tag
 * (their keys of the team). It resets with the team's budget.
 *
 * @param id      {@link #id(String, String)}: the team's id and the user's, which neither may hold a control character in
 * @param addedAt epoch ms they were added: their spend counts from then, and their budget's grant is this membership's
 */
record TeamMember(String id, String teamId, String userId, long addedAt, Double maxBudget, DurationSpec budgetDuration,
                  long budgetAnchor, Long budgetSpendFrom) implements BudgetedRow {
    static String id(String teamId, String userId) { return teamId + '\t' + userId; }

    /** LiteLLM keeps no block for a member: remove them from the team, or block their keys. */
    @Override public boolean blocked() { return false; }
}
