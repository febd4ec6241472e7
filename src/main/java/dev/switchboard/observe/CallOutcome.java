package dev.switchboard.observe;

import java.util.List;

/**
 * How a served call ended, as the spend stage priced it (the pipeline hands over each ledger row of a served call, so
 * metrics, the request log and the trace agree with the ledger to the nano-dollar).
 *
 * @param callType               {@code chat}, {@code stream} or {@code embedding}
 * @param cacheStatus            {@code miss}, {@code hit-exact}, {@code hit-semantic}
 * @param savedNanos             what a response-cache hit saved
 * @param promptCacheSavedNanos  what the provider's prompt cache reads saved (cached prompt tokens at the input price
 *                               minus what they cost): the gross discount, the write premium not taken off
 * @param promptCacheWritePremiumNanos what the provider's prompt cache writes cost beyond the same tokens at the input
 *                               price (Anthropic's 0.25x input for a 5-minute write, 1x for a 1-hour one); the net
 *                               saving is {@code promptCacheSavedNanos - promptCacheWritePremiumNanos} (may be negative)
 * @param status                 the HTTP status the call ended with
 */
public record CallOutcome(String requestId, String callType, String keyId, String keyAlias, String requestedModel,
                          String deployment, String route, String tier, String cacheStatus, long promptTokens,
                          long completionTokens, long cacheReadTokens, long cacheWriteTokens, long reasoningTokens,
                          long costNanos, long savedNanos, long promptCacheSavedNanos,
                          long promptCacheWritePremiumNanos, Long latencyMs, Long ttftMs, int status,
                          String errorType, List<String> tags) {
    public CallOutcome {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** {@code openai} of {@code openai/gpt-4o}: OpenTelemetry's {@code gen_ai.provider.name}. */
    public String provider() {
        if (deployment == null) return null;
        int slash = deployment.indexOf('/');
        return slash > 0 ? deployment.substring(0, slash) : deployment;
    }

    /** {@code gpt-4o} of {@code openai/gpt-4o}. */
    public String model() {
        if (deployment == null) return null;
        int slash = deployment.indexOf('/');
        return slash > 0 ? deployment.substring(slash + 1) : deployment;
    }
}
