package dev.switchboard.govern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual key as stored: who an app is and what it may do. The secret is not here, only its hash.
 *
 * @param keyId          stable identity (ledger, budgets), unchanged by rotation
 * @param token          SHA-256 of the current secret
 * @param keyName        the masked secret ({@code sk-sb-...abcd})
 * @param alias          {@code key_alias}, unique, or null
 * @param models         the allowlist (aliases, {@code *} wildcards, {@code auto}); empty = every model
 * @param maxBudget      hard cap in USD per budget period (for ever without a duration), or null
 * @param softBudget     USD above which a warning is logged once per period, never a refusal; or null
 * @param budgetDuration how often the spend resets, or null for never
 * @param budgetAnchor   epoch ms the budget's duration was set (its creation, or the update that set it): the first reset
 *                       is LiteLLM's next one after it
 * @param budgetSpendFrom epoch ms the current period counts the spend from when that is before the anchor (its duration was
 *                       changed during a period, which goes on until the new duration's first reset), or null: the anchor
 * @param expiresAt      epoch ms after which the key is refused, or null
 * @param autoTier       the tier ({@code cheap} / {@code smart}) its {@code auto} requests get when no rule decides
 * @param tags           added to every call it makes
 * @param allowedCacheControls the per-request cache controls it may use, or null for the default (all but namespace)
 * @param userId         LiteLLM's {@code user_id}: whom the key is for (a label; its calls are tagged {@code user:<id>}), or null
 * @param teamId         LiteLLM's {@code team_id}: the team it is for (a label; its calls are tagged {@code team:<id>}), or null
 * @param aliases        LiteLLM's per-key {@code aliases}: a model name its clients ask for → the model its calls go to
 *                       instead (in the order given); empty for none
 */
public record VirtualKey(String keyId, String token, String keyName, String alias, List<String> models,
                         Double maxBudget, Double softBudget, DurationSpec budgetDuration, long budgetAnchor, Long budgetSpendFrom,
                         Long expiresAt, Long rpmLimit, Long tpmLimit, Long maxParallelRequests, String autoTier,
                         ObjectNode metadata, List<String> tags, boolean blocked, long createdAt, long updatedAt,
                         List<String> allowedCacheControls, String userId, String teamId, Map<String, String> aliases) {
    public VirtualKey {
        aliases = aliases == null || aliases.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
        models = models == null ? List.of() : List.copyOf(models);
        tags = tags == null ? List.of() : List.copyOf(tags);
        allowedCacheControls = allowedCacheControls == null ? null : List.copyOf(allowedCacheControls);
    }

    /** The same key with a new secret (rotation): everything else stays. */
    public VirtualKey withSecret(String token, String keyName, long nowMillis) {
        return new VirtualKey(keyId, token, keyName, alias, models, maxBudget, softBudget, budgetDuration, budgetAnchor, budgetSpendFrom, expiresAt,
                rpmLimit, tpmLimit, maxParallelRequests, autoTier, metadata, tags, blocked, createdAt, nowMillis, allowedCacheControls,
                userId, teamId, aliases);
    }

    /** The same key, stamped as changed at {@code millis}. */
    public VirtualKey withUpdatedAt(long millis) {
        return new VirtualKey(keyId, token, keyName, alias, models, maxBudget, softBudget, budgetDuration, budgetAnchor, budgetSpendFrom, expiresAt,
                rpmLimit, tpmLimit, maxParallelRequests, autoTier, metadata, tags, blocked, createdAt, millis, allowedCacheControls,
                userId, teamId, aliases);
    }

    /** The same key, blocked or unblocked. */
    public VirtualKey withBlocked(boolean b, long nowMillis) {
        return new VirtualKey(keyId, token, keyName, alias, models, maxBudget, softBudget, budgetDuration, budgetAnchor, budgetSpendFrom, expiresAt,
                rpmLimit, tpmLimit, maxParallelRequests, autoTier, metadata, tags, b, createdAt, nowMillis, allowedCacheControls,
                userId, teamId, aliases);
    }

    /** The tags its calls carry: its own, then {@code user:<user_id>} and {@code team:<team_id>} when set. */
    public List<String> callTags() {
        if (userId == null && teamId == null) return tags;
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(tags);
        if (userId != null) all.add("user:" + userId);
        if (teamId != null) all.add("team:" + teamId);
        return List.copyOf(all);
    }

    public boolean expired(long nowMillis) { return expiresAt != null && nowMillis >= expiresAt; }
}
