package dev.switchboard.govern;

import java.util.List;
import java.util.Map;

/**
 * Teams (LiteLLM's {@code /team/*}) in memory ({@link LimitedRows}): the stored rows, each with its model list compiled
 * and its rate limits, and the running budgets of the teams whose callers called lately. A team has no default budget:
 * an id without a row (a key's {@code team_id} naming no stored team) is a label only.
 */
final class Teams extends LimitedRows<Team> {
    @Override
    String alertGroup() { return "team"; }

    /** The ledger's tags hold 255 characters, {@code team:} and the id. */
    static final int MAX_ID = 250;

    /** The members' budgets in their teams, kept here as each team's row changes. */
    private final TeamMembers members = new TeamMembers();
    /** The members' rate limits in their teams, kept here as each team's row changes. */
    private final MemberLimits memberLimits = new MemberLimits();
    /** The ids of each team's members who have a budget ({@link TeamMember#id}), to let go of those no longer there. */
    private final Map<String, java.util.Set<String>> budgeted = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param accessGroups LiteLLM's model access groups: a team's models may name one, as a key's may */
    Teams(Map<String, List<String>> accessGroups) {
        super("tm:", accessGroups);
    }

    @Override Budget.Grant grant(String id) { return Budget.Grant.team(id); }

    /** The members' budgets in their teams. */
    TeamMembers members() { return members; }

    /** The members' rate limits in their teams. */
    MemberLimits memberLimits() { return memberLimits; }

    @Override
    void put(Team t, long nowMillis) {
        super.put(t, nowMillis);
        memberLimits.put(t);
        java.util.Set<String> now = new java.util.HashSet<>();
        for (Team.Member m : t.members()) {
            Double budget = t.budgetOf(m);
            if (budget == null) continue;
            TeamMember row = new TeamMember(TeamMember.id(t.teamId(), m.userId()), t.teamId(), m.userId(), m.addedAt(), budget,
                    t.budgetDuration(), t.budgetAnchor(), t.budgetSpendFrom());
            members.put(row, nowMillis);
            now.add(row.id());
        }
        java.util.Set<String> was = now.isEmpty() ? budgeted.remove(t.teamId()) : budgeted.put(t.teamId(), now);
        if (was != null) for (String id : was) if (!now.contains(id)) members.remove(id, nowMillis);
    }

    @Override
    void remove(String id, long nowMillis) {
        super.remove(id, nowMillis);
        memberLimits.remove(id);
        java.util.Set<String> was = budgeted.remove(id);
        if (was != null) for (String m : was) members.remove(m, nowMillis);
    }

    /** The ids of the stored teams this user is a member of, in id order. Walks the teams: for the admin API. */
    List<String> teamsOfMember(String userId) {
        List<String> out = new java.util.ArrayList<>();
        for (Team t : rows()) if (t.member(userId) != null) out.add(t.teamId());
        return out;
    }

    /** The budget row of this user in this stored team (their own or the team's member budget), or null for none. */
    String memberWithBudget(String teamId, String userId) {
        if (userId == null || !budgeted.containsKey(teamId)) return null; // most teams have no member budgets: no string made
        String id = TeamMember.id(teamId, userId);
        return members.row(id) != null ? id : null;
    }

    /**
     * The team that governs a caller's calls, among its {@code team:} labels (a key's {@code team_id}, or a
     * {@code team:} tag its admin gave it; a JWT's teams, in the token's order): the first stored one, or with
     * {@code byModel} (a JWT's several teams, as LiteLLM picks among them) the first stored one whose models allow every
     * one of {@code aliases}; null for none. A label naming no stored team is a label only.
     */
    String governing(List<String> teamIds, List<String> aliases, boolean byModel) {
        for (String id : teamIds) {
            if (row(id) == null) continue;
            if (!byModel || allowsAll(id, aliases)) return id;
        }
        return null;
    }

    /** Whether any of these team ids names a stored team. */
    boolean anyStored(List<String> teamIds) {
        for (String id : teamIds) if (row(id) != null) return true;
        return false;
    }

    private boolean allowsAll(String teamId, List<String> aliases) {
        ModelAllowlist allow = allowlist(teamId);
        if (allow == null) return true;
        for (String a : aliases) if (a != null && !allow.allows(a)) return false;
        return true;
    }

    /** The first team id a list of tags names ({@code team:<id>}), or null. */
    static String firstLabel(List<String> tags) {
        for (String t : tags) if (t.startsWith("team:")) return t.substring(5);
        return null;
    }

    /** The team ids a list of tags names ({@code team:<id>}), in order; most lists have none (no list is made then). */
    static List<String> labels(List<String> tags) {
        List<String> out = null;
        for (String t : tags) {
            if (!t.startsWith("team:")) continue;
            if (out == null) out = new java.util.ArrayList<>(1);
            out.add(t.substring(5));
        }
        return out == null ? List.of() : out;
    }
}
