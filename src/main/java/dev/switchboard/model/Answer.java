package dev.switchboard.model;

/**
 * What the pipeline hands back to the edge: the body plus how it was served, for the
 * {@code x-switchboard-*} headers.
 *
 * @param deployment the deployment that served, as {@code provider/model}
 * @param route      {@code primary} or {@code fallback:<reason>}
 * @param cache      {@code miss}, {@code hit-exact} or {@code hit-semantic}
 * @param tier       the auto alias's cost-tier decision ({@code cheap; reason=default}), or null when the
 *                   client named a model itself
 */
public record Answer<T>(T body, String deployment, String route, String cache, String tier) {

    /** An answer without a tier decision. */
    public Answer(T body, String deployment, String route, String cache) {
        this(body, deployment, route, cache, null);
    }

    public Answer<T> withTier(String tier) {
        return new Answer<>(body, deployment, route, cache, tier);
    }
}
