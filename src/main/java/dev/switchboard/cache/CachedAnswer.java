package dev.switchboard.cache;

import dev.switchboard.model.ChatResponse;

/**
 * A stored answer: the canonical response (with the provider's raw body when its dialect is carried raw), which
 * deployment served it, and when it was stored and expires.
 *
 * @param entryId    the exact key (hex SHA-256 of namespace + question); what {@code x-switchboard-cache-entry} shows
 * @param deployment the deployment that answered, {@code provider/model}
 */
public record CachedAnswer(String entryId, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                           ChatResponse response) {

    public boolean expired(long nowMillis) { return nowMillis >= expiresAtMillis; }

    /** Age in whole seconds, for {@code s-maxage}. */
    public long ageSeconds(long nowMillis) { return Math.max(0, (nowMillis - createdAtMillis) / 1000); }
}
