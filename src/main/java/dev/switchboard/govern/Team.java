package dev.switchboard.govern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import java.util.List;

/**
 * LiteLLM's team as stored ({@code /team/*}): the keys whose {@code team_id} names it, and the JWT callers whose token
 * names it, share its budget, its model list and its block. Spend is the ledger's (the calls tagged
 * {@code team:<id>}), not a field.
 *
 * @param teamId         the team's id, as keys' {@code team_id} and tokens name it
 * @param alias          LiteLLM's {@code team_alias}, or null
 * @param maxBudget      the team's hard cap in USD per budget period (for ever without a duration), or null for none
 * @param budgetDuration how often its spend resets, or null for never
 * @param budgetAnchor   epoch ms the budget's duration was set (its creation, or the update that set it): the first reset
 *                       is LiteLLM's next one after it
 * @param budgetSpendFrom epoch ms the current period counts the spend from when that is not the anchor (its duration was
 *                       changed or removed during a period, which goes on), or null: the anchor with a duration, the
 *                       beginning of the ledger without one
 * @param models         the only models its callers may use (empty: every model, as in LiteLLM)
 * @param rpmLimit       requests a minute over all its callers together, or null for none
 * @param tpmLimit       tokens a minute over all its callers together, or null for none
 * @param blocked        every model call of its callers is refused
 * @param metadata       the caller's own data, kept and shown, or null
 * @param memberBudget   LiteLLM's {@code team_member_budget}: each member's budget in the team unless their own
 *                       ({@code max_budget_in_team}) says otherwise, or null for none
 * @param members        LiteLLM's {@code members_with_roles}: the users in the team, with their roles and budgets
 * @param memberRpmLimit LiteLLM's {@code team_member_rpm_limit}: each member's requests a minute over their calls of the
 *                       team (all their keys of it), unless their own {@code rpm_limit} says otherwise, or null for none
 * @param memberTpmLimit LiteLLM's {@code team_member_tpm_limit}: the same for tokens a minute
 */
public record Team(String teamId, String alias, Double maxBudget, DurationSpec budgetDuration, long budgetAnchor,
                   Long budgetSpendFrom, List<String> models, Long rpmLimit, Long tpmLimit, boolean blocked, ObjectNode metadata, long createdAt,
                   long updatedAt, Double memberBudget, List<Member> members, Long memberRpmLimit, Long memberTpmLimit)
        implements LimitedRow {
    /**
     * A user in the team (LiteLLM's {@code Member} and its team membership), stored as JSON on the team's row: its
     * names are LiteLLM's, and fields a later version adds are skipped by an older gateway on the same database.
     *
     * @param userEmail       the user's email when they were added, for display, or null
     * @param role            LiteLLM's {@code admin} or {@code user} (shown; the admin API takes the master key)
     * @param maxBudgetInTeam their own budget in the team, or null for the team's {@code team_member_budget}
     * @param addedAt         epoch ms they were added: their spend in the team counts from then (a member added again
     *                        starts from nothing, as LiteLLM's new membership row does)
     * @param rpmLimit        their own requests a minute in the team ({@code /team/member_update}'s {@code rpm_limit}), or
     *                        null for the team's {@code team_member_rpm_limit}
     * @param tpmLimit        their own tokens a minute in the team, or null for the team's {@code team_member_tpm_limit}
     */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(@com.fasterxml.jackson.annotation.JsonProperty("user_id") String userId,
                         @com.fasterxml.jackson.annotation.JsonProperty("user_email") String userEmail,
                         @com.fasterxml.jackson.annotation.JsonProperty("role") String role,
                         @com.fasterxml.jackson.annotation.JsonProperty("max_budget_in_team") Double maxBudgetInTeam,
                         @com.fasterxml.jackson.annotation.JsonProperty("added_at") long addedAt,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         @com.fasterxml.jackson.annotation.JsonProperty("rpm_limit") Long rpmLimit,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         @com.fasterxml.jackson.annotation.JsonProperty("tpm_limit") Long tpmLimit) {
        /** A member without limits of their own. */
        public Member(String userId, String userEmail, String role, Double maxBudgetInTeam, long addedAt) {
            this(userId, userEmail, role, maxBudgetInTeam, addedAt, null, null);
        }
    }

    public Team {
        models = models == null ? List.of() : List.copyOf(models);
        members = members == null ? List.of() : List.copyOf(members);
    }

    public Team(String teamId, String alias, Double maxBudget, DurationSpec budgetDuration, long budgetAnchor, List<String> models,
                Long rpmLimit, Long tpmLimit, boolean blocked, ObjectNode metadata, long createdAt, long updatedAt) {
        this(teamId, alias, maxBudget, budgetDuration, budgetAnchor, null, models, rpmLimit, tpmLimit, blocked, metadata, createdAt,
                updatedAt, null, List.of(), null, null);
    }

    /** The member with this user id, or null. */
    Member member(String userId) {
        for (Member m : members) if (m.userId().equals(userId)) return m;
        return null;
    }

    /** A member's budget in the team: their own, else the team's {@code team_member_budget}; null for none. */
    Double budgetOf(Member m) { return m.maxBudgetInTeam() != null ? m.maxBudgetInTeam() : memberBudget; }

    /**
     * A member's rate limits in the team: each of their own, else the team's {@code team_member_*_limit}
     * ({@link RateLimiter.Limits#NONE} for none).
     */
    RateLimiter.Limits limitsOf(Member m) {
        Long rpm = m.rpmLimit() != null ? m.rpmLimit() : memberRpmLimit;
        Long tpm = m.tpmLimit() != null ? m.tpmLimit() : memberTpmLimit;
        return rpm == null && tpm == null ? RateLimiter.Limits.NONE : new RateLimiter.Limits(rpm, tpm, null);
    }

    Team withMembers(List<Member> ms, long nowMillis) {
        return new Team(teamId, alias, maxBudget, budgetDuration, budgetAnchor, budgetSpendFrom, models, rpmLimit, tpmLimit, blocked, metadata, createdAt,
                nowMillis, memberBudget, ms, memberRpmLimit, memberTpmLimit);
    }

    @Override public String id() { return teamId; }

    /** Its rate limits, shared by its callers ({@link RateLimiter.Limits#NONE} for none). */
    @Override public RateLimiter.Limits limits() {
        return rpmLimit == null && tpmLimit == null ? RateLimiter.Limits.NONE : new RateLimiter.Limits(rpmLimit, tpmLimit, null);
    }

    static Team blank(String teamId, long nowMillis) {
        return new Team(teamId, null, null, null, nowMillis, List.of(), null, null, false, null, nowMillis, nowMillis);
    }

    Team withBlocked(boolean b, long nowMillis) {
        return new Team(teamId, alias, maxBudget, budgetDuration, budgetAnchor, budgetSpendFrom, models, rpmLimit, tpmLimit, b, metadata, createdAt,
                nowMillis, memberBudget, members, memberRpmLimit, memberTpmLimit);
    }
}
