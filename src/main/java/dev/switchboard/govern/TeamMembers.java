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
        return Budget.Grant.member(m != null ? m.teamId() : id.substring(0, tab), m != null ? m.userId() : id.substring(tab + 1));
    }
}
