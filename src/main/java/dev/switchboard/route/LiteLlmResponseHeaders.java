package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.SafeUrl;
import dev.switchboard.model.WireHeaders;
import io.vertx.core.http.HttpHeaders;

/**
 * LiteLLM's {@code x-litellm-model-id} and {@code x-litellm-model-api-base} of the deployment that served: its docs
 * (tag_routing, reliability, load_balancing) tell users to check them to see which deployment answered, so scripts and
 * dashboards moved over read them. The id is the one {@code /model/info} shows ({@code model_info.id}, else
 * provider/model); the base is the deployment's {@code api_base} without credentials, query or fragment (never a key),
 * and left out when the deployment has none of its own. Made once per deployment, names and values in the server's
 * pre-hashed form ({@link WireHeaders}), since every served answer carries them.
 */
final class LiteLlmResponseHeaders {
    static final String MODEL_ID = "x-litellm-model-id", API_BASE = "x-litellm-model-api-base";
    /**
     * LiteLLM's retry and fallback counts (its router's add_retry_headers_to_response / add_fallback_headers_to_response):
     * the retries made in the alias that answered (0 on a first try), {@code num_retries} in force (only after a
     * retry, as LiteLLM leaves it out of a first try), the fallback hops taken (0 without one), and
     * {@code max_fallbacks} (on LiteLLM's response-headers page; its code leaves it out, this gateway sends it).
     */
    static final String ATTEMPTED_RETRIES = "x-litellm-attempted-retries", MAX_RETRIES = "x-litellm-max-retries",
            ATTEMPTED_FALLBACKS = "x-litellm-attempted-fallbacks", MAX_FALLBACKS = "x-litellm-max-fallbacks";
    private static final CharSequence MODEL_ID_NAME = HttpHeaders.createOptimized(MODEL_ID);
    private static final CharSequence API_BASE_NAME = HttpHeaders.createOptimized(API_BASE);
    private static final CharSequence ATTEMPTED_RETRIES_NAME = HttpHeaders.createOptimized(ATTEMPTED_RETRIES);
    private static final CharSequence MAX_RETRIES_NAME = HttpHeaders.createOptimized(MAX_RETRIES);
    private static final CharSequence ATTEMPTED_FALLBACKS_NAME = HttpHeaders.createOptimized(ATTEMPTED_FALLBACKS);
    private static final CharSequence MAX_FALLBACKS_NAME = HttpHeaders.createOptimized(MAX_FALLBACKS);
    private static final CharSequence ZERO = HttpHeaders.createOptimized("0");

    private LiteLlmResponseHeaders() {}

    static WireHeaders of(Deployment d) {
        String own = ModelNames.deploymentId(d);
        WireHeaders out = WireHeaders.EMPTY.with(MODEL_ID_NAME, HttpHeaders.createOptimized(own != null ? own : d.id()));
        String base = d.apiBase() == null ? null : SafeUrl.withoutSecrets(d.apiBase());
        return base != null && !base.contains("(not shown)") ? out.with(API_BASE_NAME, HttpHeaders.createOptimized(base)) : out;
    }

    /**
     * The answer's headers, {@code deployment}'s own ({@link #of}) followed by the counts: for a first try (no retry, no
     * fallback: nearly every answer) a set made once per deployment and kept in it.
     *
     * @param maxRetries {@code num_retries} in force for the retries made; unused when {@code retries} is 0
     */
    static WireHeaders answered(DeploymentState deployment, int retries, int maxRetries, int fallbacks, int maxFallbacks) {
        if (retries == 0 && fallbacks == 0) {
            DeploymentState.FirstTry made = deployment.firstTry; // racy but idempotent: the same set whoever makes it
            if (made != null && made.maxFallbacks() == maxFallbacks) return made.headers();
            WireHeaders h = withCounts(deployment.liteLlmHeaders, 0, 0, 0, maxFallbacks);
            deployment.firstTry = new DeploymentState.FirstTry(maxFallbacks, h);
            return h;
        }
        return withCounts(deployment.liteLlmHeaders, retries, maxRetries, fallbacks, maxFallbacks);
    }

    private static WireHeaders withCounts(WireHeaders base, int retries, int maxRetries, int fallbacks, int maxFallbacks) {
        WireHeaders h = base.with(ATTEMPTED_RETRIES_NAME, number(retries));
        if (retries > 0) h = h.with(MAX_RETRIES_NAME, number(maxRetries));
        return h.with(ATTEMPTED_FALLBACKS_NAME, number(fallbacks), MAX_FALLBACKS_NAME, number(maxFallbacks));
    }

    /** The counts on a failure's headers (an error answer of the run), after those it has, in the same order. */
    static java.util.Map<String, String> withCounts(java.util.Map<String, String> headers, int retries, int maxRetries,
                                                   int fallbacks, int maxFallbacks) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(ATTEMPTED_RETRIES, Integer.toString(retries));
        if (retries > 0) h.put(MAX_RETRIES, Integer.toString(maxRetries));
        h.put(ATTEMPTED_FALLBACKS, Integer.toString(fallbacks));
        h.put(MAX_FALLBACKS, Integer.toString(maxFallbacks));
        return h;
    }

    private static CharSequence number(int n) { return n == 0 ? ZERO : HttpHeaders.createOptimized(Integer.toString(n)); }
}
