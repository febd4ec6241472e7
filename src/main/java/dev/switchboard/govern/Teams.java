package dev.switchboard.govern;

import java.util.List;
import java.util.Map;

/**
 * Teams (LiteLLM's {@code /team/*}) in memory ({@link LimitedRows}): the stored rows, each with its model list compiled
 * and its rate limits, and the running budgets of the teams whose callers called lately. A team has no default budget:
 * an id without a row (a key's {@code team_id} naming no stored team) is a label only.
 */
final class Teams extends LimitedRows<Team> {
    /** The ledger's tags hold 255 characters, {@code team:} and the id. */
    static final int MAX_ID = 250;

    /** @param accessGroups LiteLLM's model access groups: a team's models may name one, as a key's may */
    Teams(Map<String, List<String>> accessGroups) {
        super("tm:", accessGroups);
    }

    @Override Budget.Grant grant(String id) { return Budget.Grant.team(id); }

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
