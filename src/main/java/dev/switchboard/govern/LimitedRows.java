package dev.switchboard.govern;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rows that govern several callers at once ({@link Teams}, {@link Users}) in memory: on top of their running budgets
 * ({@link RowBudgets}), each stored row's model list compiled once and its rate limits, which the rate limiter (and the
 * shared limits' sync) knows by a {@link #limiterId} of the row's own prefix. A row has no default budget: an id without
 * a row (a key's {@code team_id} or {@code user_id} naming nothing stored) is a label only.
 */
abstract class LimitedRows<R extends LimitedRow> extends RowBudgets<R> {
    private final String limiterPrefix;
    private final Map<String, List<String>> accessGroups;
    private final Map<String, ModelAllowlist> allowlists = new ConcurrentHashMap<>();
    /** Each stored row's rate limits, made once per change of the row (the limiter keys its header texts by them). */
    private final Map<String, RateLimiter.Limits> limits = new ConcurrentHashMap<>();
    /** The stored rows by the id their limits have in the rate limiter ({@link #limiterId}). */
    private final Map<String, R> byLimiterId = new ConcurrentHashMap<>();
    private final Map<String, String> limiterIds = new ConcurrentHashMap<>();
    /** Forgets a row's buckets once its limits are gone (set by governance: the rate limiter's {@code forget}). */
    private volatile java.util.function.Consumer<String> forgetLimits = id -> {};

    /**
     * @param limiterPrefix what its ids in the rate limiter begin with ({@code tm:}, {@code us:}), so the shared limits'
     *                      sync knows whose a row of the store is
     * @param accessGroups  LiteLLM's model access groups: a row's models may name one, as a key's may
     */
    LimitedRows(String limiterPrefix, Map<String, List<String>> accessGroups) {
        super(Budget.NO_LIMIT);
        this.limiterPrefix = limiterPrefix;
        this.accessGroups = accessGroups;
    }

    @Override
    void put(R r, long nowMillis) {
        allowlists.put(r.id(), new ModelAllowlist(allModelsAsStar(r.models()), Map.of(), accessGroups));
        limits.put(r.id(), r.limits());
        String lid = limiterIds.computeIfAbsent(r.id(), this::limiterId);
        R was = byLimiterId.put(lid, r);
        // limits taken away: their buckets go, so limits set again later start full (as a key's do)
        if (was != null && was.limits().any() && !r.limits().any()) forgetLimits.accept(lid);
        super.put(r, nowMillis);
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
     * The id a row's rate limits have in the rate limiter and the shared store's {@code rate_usage} rows: the prefix and
     * a hash of the row's id (a key's is its {@code key_…} id; the column holds 64 characters).
     */
    String limiterId(String id) { return limiterPrefix + KeySecrets.hash(id).substring(0, 40); }

    /** Whether an id of the rate limiter is one of these rows' ({@link #limiterId}). */
    boolean ownsLimiterId(String limiterId) { return limiterId.startsWith(limiterPrefix); }

    /** A stored row's rate limits ({@link RateLimiter.Limits#NONE} for none or no such row), the same object per row. */
    RateLimiter.Limits limits(String id) { return limits.getOrDefault(id, RateLimiter.Limits.NONE); }

    /** {@link #limiterId} of a stored row with limits, without hashing on the request path; null for none. */
    String limiterIdOf(String id) {
        return limits(id).any() ? limiterIds.get(id) : null;
    }

    /**
     * The rate limits of the stored row whose limiter id this is ({@link RateLimiter.Limits#NONE} when it has none, so
     * the shared limits' sync keeps reading its rows, as for a key without limits), or null for no stored row.
     */
    RateLimiter.Limits limitsOfLimiterId(String limiterId) {
        R r = byLimiterId.get(limiterId);
        return r == null ? null : r.limits();
    }

    /** Whether any stored row has rate limits (the shared limits' sync has work). Walks the rows: the sync's, every 2 s. */
    boolean anyLimited() {
        for (R r : byLimiterId.values()) if (r.limits().any()) return true;
        return false;
    }

    /** What forgets a row's buckets when its limits go (the rate limiter's {@code forget}). */
    void forgetLimitsWith(java.util.function.Consumer<String> forget) { this.forgetLimits = forget; }

    /** The row's model list, or null when the id names no stored row. */
    ModelAllowlist allowlist(String id) { return allowlists.get(id); }

    /** LiteLLM's {@code all-proxy-models} entry means every model, as {@code *} does. */
    private static List<String> allModelsAsStar(List<String> models) {
        return models.contains("all-proxy-models") ? List.of("*") : models;
    }
}
