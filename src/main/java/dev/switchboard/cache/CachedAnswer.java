package dev.switchboard.cache;

import dev.switchboard.model.ChatResponse;

/**
 * A stored answer: the canonical response (with the provider's raw body when its dialect is carried raw), which
 * deployment served it (and, for the auto alias, which tier), and when it was stored and expires.
 *
 * @param entryId    the exact key (hex SHA-256 of namespace + question); what {@code x-switchboard-cache-entry} shows
 * @param deployment the deployment that answered, {@code provider/model}
 * @param tier       the auto alias's tier decision that answered, as its {@code x-switchboard-tier} header said it
 *                   ({@code cheap; reason=default}); null for any other alias. Kept so that a hit says which tier served
 *                   it, in its header and its ledger row, as the call that stored it did: without it every hit of auto
 *                   traffic was counted under no tier.
 * @param modelId    the deployment entry that answered: its {@code model_info.id} (the ledger's {@code model_id}), so a
 *                   hit's ledger row names the entry whose answer it got; null when the entry has none, or the entry was
 *                   stored before it was kept (by an older gateway sharing Redis too)
 * @param costNanos  what the answer cost on the deployment entry that served it when it was stored, in nano-dollars (its
 *                   ledger row's cost, less any failed attempt billed before it); {@link #UNPRICED} when that entry had
 *                   no price; null when not known (an answer without usage, or an entry stored by an older gateway). A
 *                   hit whose entry the current config no longer has is priced at it (docs/architecture.md, "A cache
 *                   hit priced by the entry that stored it")
 */
public record CachedAnswer(String entryId, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                           String tier, ChatResponse response, String modelId, Long costNanos) {
    /** {@link #costNanos} of an answer whose entry had no price. */
    public static final long UNPRICED = -1;

    public CachedAnswer {
        if (modelId != null && modelId.isEmpty()) modelId = null;
        if (costNanos != null && costNanos < 0) costNanos = UNPRICED;
    }

    /** An entry whose cost is not known. */
    public CachedAnswer(String entryId, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                        String tier, ChatResponse response, String modelId) {
        this(entryId, namespace, createdAtMillis, expiresAtMillis, deployment, tier, response, modelId, null);
    }

    /** An entry that names no deployment entry. */
    public CachedAnswer(String entryId, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                        String tier, ChatResponse response) {
        this(entryId, namespace, createdAtMillis, expiresAtMillis, deployment, tier, response, null);
    }

    /** An entry of an alias other than auto: no tier. */
    public CachedAnswer(String entryId, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                        ChatResponse response) {
        this(entryId, namespace, createdAtMillis, expiresAtMillis, deployment, null, response, null);
    }

    public boolean expired(long nowMillis) { return nowMillis >= expiresAtMillis; }

    /** Age in whole seconds, for the {@code x-switchboard-cache-age} header. */
    public long ageSeconds(long nowMillis) { return Math.max(0, (nowMillis - createdAtMillis) / 1000); }

    /**
     * Whether the entry is older than a request's {@code s-maxage} / {@code max-age} allows, to the millisecond as LiteLLM
     * compares it (its float seconds), not in whole seconds: an entry 60.9 s old is too old for {@code s-maxage: 60}, and
     * {@code 0} takes no stored answer at all (QA: {@code Cache-Control: max-age=0}, what a client sends for a fresh
     * answer, was served an entry stored less than a second before).
     */
    public boolean olderThan(long maxAgeMillis, long nowMillis) {
        if (maxAgeMillis <= 0) return true;
        return nowMillis - createdAtMillis > maxAgeMillis;
    }
}
