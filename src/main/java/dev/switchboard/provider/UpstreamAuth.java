package dev.switchboard.provider;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * How one request of a deployment is authenticated, when a fixed header set once is not enough: Vertex AI's OAuth
 * access tokens expire within the hour and are fetched with a blocking call, so a provider asks for the request's
 * credentials here and sends once they are at hand. A cached credential completes the future at once (no hop, no
 * allocation beyond the future); a refresh runs wherever the implementation puts it, never on the caller's event loop.
 */
public interface UpstreamAuth {
    /** Keys already in the deployment's base headers (AI Studio's x-goog-api-key, Anthropic's x-api-key): nothing to add. */
    UpstreamAuth NONE = Future::succeededFuture;

    /**
     * @param headers this request's headers (a copy the caller owns), to which the credentials are added
     * @return the same headers, or a failed future with a {@link dev.switchboard.model.GatewayException} naming the
     *     deployment when no credential could be had (401 when the credentials were refused, 502 when their
     *     issuer could not be reached)
     */
    Future<MultiMap> sign(MultiMap headers);

    /**
     * The upstream answered 401 to credentials {@link #sign} gave: a cached token the issuer revoked or let expire
     * early is dropped, so the next request gets a fresh one instead of the same refusal until the cache's own expiry.
     */
    default void refused() {}
}
