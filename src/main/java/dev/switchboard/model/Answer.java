package dev.switchboard.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the pipeline hands back to the edge: the body plus how it was served, for the
 * {@code x-switchboard-*} headers.
 *
 * @param deployment the deployment that served, as {@code provider/model}
 * @param route      {@code primary} or {@code fallback:<reason>}
 * @param cache      {@code miss}, {@code hit-exact} or {@code hit-semantic}
 * @param tier       the auto alias's cost-tier decision ({@code cheap; reason=default}), or null when the
 *                   client named a model itself
 * @param headers    further {@code x-switchboard-*} headers that stages add (cache lint, …), in order
 */
public record Answer<T>(T body, String deployment, String route, String cache, String tier, Map<String, String> headers) {
    public Answer {
        headers = headers == null ? Map.of() : headers;
    }

    /** An answer without a tier decision or stage headers. */
    public Answer(T body, String deployment, String route, String cache) {
        this(body, deployment, route, cache, null, Map.of());
    }

    public Answer(T body, String deployment, String route, String cache, String tier) {
        this(body, deployment, route, cache, tier, Map.of());
    }

    public Answer<T> withTier(String tier) {
        return new Answer<>(body, deployment, route, cache, tier, headers);
    }

    /** A copy with more headers, in one copy of the map (not one per header). */
    public Answer<T> withHeaders(Map<String, String> more) {
        if (more.isEmpty()) return this;
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putAll(more);
        return new Answer<>(body, deployment, route, cache, tier, h);
    }

    /** A copy with one more header. */
    public Answer<T> withHeader(String name, String value) {
        if (headers instanceof WireHeaders made) return new Answer<>(body, deployment, route, cache, tier, made.with(name, value));
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Answer<>(body, deployment, route, cache, tier, h);
    }
}
