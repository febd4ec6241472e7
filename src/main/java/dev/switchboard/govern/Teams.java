package dev.switchboard.govern;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Teams (LiteLLM's {@code /team/*}) in memory: the stored rows, each with its model list compiled, and the running
 * budgets of the teams whose callers called lately ({@link RowBudgets}). A team has no default budget: an id without a
 * row (a key's {@code team_id} naming no stored team) is a label only.
 */
final class Teams extends RowBudgets<Team> {
    /** The ledger's tags hold 255 characters, {@code team:} and the id. */
    static final int MAX_ID = 250;

    private final Map<String, List<String>> accessGroups;
    private final Map<String, ModelAllowlist> allowlists = new ConcurrentHashMap<>();
    /** Each stored team's rate limits, made once per change of the row (the limiter keys its header texts by them). */
    private final Map<String, RateLimiter.Limits> limits = new ConcurrentHashMap<>();
    /** The stored teams by the id their limits have in the rate limiter ({@link #limiterId}). */
    private final Map<String, Team> byLimiterId = new ConcurrentHashMap<>();
    private final Map<String, String> limiterIds = new ConcurrentHashMap<>();
    /** Forgets a team's buckets once its limits are gone (set by governance: the rate limiter's {@code forget}). */
    private volatile java.util.function.Consumer<String> forgetLimits = id -> {};

    /** @param accessGroups LiteLLM's model access groups: a team's models may name one, as a key's may */
    Teams(Map<String, List<String>> accessGroups) {
        super(Budget.NO_LIMIT);
        this.accessGroups = accessGroups;
    }

    @Override Budget.Grant grant(String id) { return Budget.Grant.team(id); }

    @Override
    void put(Team t, long nowMillis) {
        allowlists.put(t.teamId(), new ModelAllowlist(allModelsAsStar(t.models()), Map.of(), accessGroups));
        limits.put(t.teamId(), t.limits());
        String lid = limiterIds.computeIfAbsent(t.teamId(), Teams::limiterId);
        Team was = byLimiterId.put(lid, t);
        // limits taken away: their buckets go, so limits set again later start full (as a key's do)
        if (was != null && was.limits().any() && !t.limits().any()) forgetLimits.accept(lid);
        super.put(t, nowMillis);
    }

    @Override
    void remove(String id, long nowMillis) {
        super.remove(id, nowMillis);
        allowlists.remove(id);
        limits.remove(id);
        String lid = limiterIds.remove(id);
        if (lid != null && byLimiterId.remove(lid) != null) forgetLimits.accept(lid);
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
        ModelAllowlist allow = allowlists.get(teamId);
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

    /**
     * The id a team's rate limits have in the rate limiter and the shared store's {@code rate_usage} rows: {@code tm:} and
     * a hash of the team's id (a key's is its {@code key_…} id; the column holds 64 characters).
     */
    static String limiterId(String teamId) { return "tm:" + KeySecrets.hash(teamId).substring(0, 40); }

    /** A stored team's rate limits ({@link RateLimiter.Limits#NONE} for none or no such team), the same object per row. */
    RateLimiter.Limits limits(String teamId) { return limits.getOrDefault(teamId, RateLimiter.Limits.NONE); }

    /** {@link #limiterId} of a stored team with limits, without hashing on the request path; null for none. */
    String limiterIdOf(String teamId) {
        return limits(teamId).any() ? limiterIds.get(teamId) : null;
    }

    /**
     * The rate limits of the stored team whose limiter id this is ({@link RateLimiter.Limits#NONE} when it has none, so
     * the shared limits' sync keeps reading its rows, as for a key without limits), or null for no stored team.
     */
    RateLimiter.Limits limitsOfLimiterId(String limiterId) {
        Team t = byLimiterId.get(limiterId);
        return t == null ? null : t.limits();
    }

    /** Whether any stored team has rate limits (the shared limits' sync has work). Walks the teams: the sync's, every 2 s. */
    boolean anyLimited() {
        for (Team t : byLimiterId.values()) if (t.limits().any()) return true;
        return false;
    }

    /** What forgets a team's buckets when its limits go (the rate limiter's {@code forget}). */
    void forgetLimitsWith(java.util.function.Consumer<String> forget) { this.forgetLimits = forget; }

    /** The team's model list, or null when the id names no stored team. */
    ModelAllowlist allowlist(String teamId) { return allowlists.get(teamId); }

    /** LiteLLM's {@code all-proxy-models} entry means every model, as {@code *} does. */
    private static List<String> allModelsAsStar(List<String> models) {
        return models.contains("all-proxy-models") ? List.of("*") : models;
    }
}
