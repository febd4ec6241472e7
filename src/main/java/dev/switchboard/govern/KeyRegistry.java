package dev.switchboard.govern;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every virtual key in memory, so authentication and the governance check never wait on the database. Loaded from
 * the store at start; {@link KeyAdmin} writes the store first and then changes this, one change at a time.
 */
final class KeyRegistry {
    private final Map<String, KeyState> byToken = new ConcurrentHashMap<>();
    private final Map<String, KeyState> byId = new ConcurrentHashMap<>();
    /** Whether keys' budgets are shared with other gateways on the same store (spent out of grants). */
    private final boolean sharedBudgets;

    /** LiteLLM's model access groups: group name → its model_names (keys' allowlists may name a group). */
    private final Map<String, java.util.List<String>> accessGroups;

    KeyRegistry() { this(false); }

    KeyRegistry(boolean sharedBudgets) { this(sharedBudgets, Map.of()); }

    KeyRegistry(boolean sharedBudgets, Map<String, java.util.List<String>> accessGroups) {
        this.sharedBudgets = sharedBudgets;
        this.accessGroups = accessGroups;
    }

    KeyState byToken(String token) { return byToken.get(token); }

    /**
     * Old secrets in their grace period after a rotation (LiteLLM's {@code grace_period}): hash → the key they work as,
     * until when. Replaced from the store by every key sync ({@link #graces(Map)}), so a grace given, or ended, on another
     * gateway holds here within a sync; the time is checked on each call, so it ends on time everywhere.
     */
    private final Map<String, GraceToken> graces = new ConcurrentHashMap<>();

    /** The key an old secret in its grace period at {@code nowMillis} works as, or null (none, over, or the key is gone). */
    KeyState byGraceToken(String token, long nowMillis) {
        GraceToken g = graces.get(token);
        return g == null || !g.holds(nowMillis) ? null : byId.get(g.keyId());
    }

    /** The old secrets in grace as the store holds them now (every one, replacing what was here). */
    void graces(Map<String, GraceToken> now) {
        graces.keySet().retainAll(now.keySet());
        graces.putAll(now);
    }

    /** An old secret this gateway's rotation just gave a grace period (before the key's new secret replaces it here). */
    void grace(String token, GraceToken grace) { graces.put(token, grace); }

    /** Ends the grace periods of the key's old secrets (a later rotation, or the key deleted). */
    void endGraces(String keyId) { graces.values().removeIf(g -> g.keyId().equals(keyId)); }

    KeyState byId(String keyId) { return byId.get(keyId); }

    KeyState byAlias(String alias) {
        for (KeyState s : byId.values()) if (alias.equals(s.key().alias())) return s;
        return null;
    }

    /** Adds a new key, or applies a new version of a known one (a new token after rotation replaces the old at once). */
    void put(VirtualKey key, long spentInPeriod, long nowMillis) {
        KeyState existing = byId.get(key.keyId());
        if (existing == null) {
            KeyState s = new KeyState(key, spentInPeriod, nowMillis, sharedBudgets, accessGroups);
            byId.put(key.keyId(), s);
            byToken.put(key.token(), s);
            return;
        }
        String oldToken = existing.key().token();
        java.util.Map<String, ModelLimits.One> oldModels = existing.version().modelLimits();
        existing.update(key, nowMillis);
        forgetDroppedModels(oldModels, existing.version().modelLimits());
        if (!oldToken.equals(key.token())) {
            byToken.put(key.token(), existing);
            byToken.remove(oldToken);
        }
    }

    /** Forgets a limiter's bucket by its id (the limiter's own forget); nothing until set. */
    private volatile java.util.function.Consumer<String> forgetLimits = id -> {};

    void forgetLimitsWith(java.util.function.Consumer<String> forget) { this.forgetLimits = forget; }

    /**
     * A model taken out of a key's limits (or the key's per-model limits gone): its bucket forgotten, so the limiter does
     * not list it and the shared limits do not write its row again and again.
     */
    private void forgetDroppedModels(java.util.Map<String, ModelLimits.One> before, java.util.Map<String, ModelLimits.One> now) {
        if (before.isEmpty()) return;
        java.util.Set<String> kept = new java.util.HashSet<>();
        for (ModelLimits.One one : now.values()) kept.add(one.limiterId());
        for (ModelLimits.One one : before.values()) if (!kept.contains(one.limiterId())) forgetLimits.accept(one.limiterId());
    }

    void remove(String keyId) {
        KeyState s = byId.remove(keyId);
        if (s != null) byToken.remove(s.key().token());
        endGraces(keyId);
    }

    /** Every key, in no order (for a walk over all of them, not a listing). */
    java.util.Collection<KeyState> states() { return java.util.Collections.unmodifiableCollection(byId.values()); }

    /** Every key, newest first. */
    List<KeyState> all() {
        List<KeyState> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparingLong((KeyState s) -> s.key().createdAt()).reversed()
                .thenComparing(s -> s.key().keyId()));
        return out;
    }

    int size() { return byId.size(); }
}
