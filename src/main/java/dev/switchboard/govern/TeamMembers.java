package dev.switchboard.govern;

/**
 * Members' budgets in their teams in memory ({@link RowBudgets}): one row a member with a budget (their own or the
 * team's default), kept by {@link Teams} as their team's row changes; a member without a budget, or a key's user who is
 * not a member, has none.
 */
final class TeamMembers extends RowBudgets<TeamMember> {
    TeamMembers() {
        super(Budget.NO_LIMIT);
    }

    @Override Budget.Grant grant(String id) {
        TeamMember m = row(id);
        int tab = id.indexOf('\t');
        return m != null ? Budget.Grant.member(m.teamId(), m.userId(), m.addedAt())
                : Budget.Grant.member(id.substring(0, tab), id.substring(tab + 1), 0);
    }

    /** A member gone (or without a budget now): their budget goes too, so a later membership starts from nothing. */
    @Override
    void remove(String id, long nowMillis) {
        super.remove(id, nowMillis);
        dropBudget(id);
    }

    /**
     * A member added again (another {@code addedAt}; another gateway may see only the new row, not the removal): their
     * old budget, and its grant, are let go, so the next call makes one that counts from the new membership. Calls in
     * flight settle into the old object, which nothing reads after.
     */
    @Override
    void put(TeamMember m, long nowMillis) {
        TeamMember was = row(m.id());
        if (was != null && was.addedAt() != m.addedAt()) dropBudget(m.id());
        super.put(m, nowMillis);
    }
}
