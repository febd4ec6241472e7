package dev.switchboard.observe;

import java.util.Locale;

/**
 * A call's {@code langfuse.observation.usage_details}: its tokens under the keys Langfuse's own model prices use, so
 * Langfuse prices the cached part of a prompt at its cached price. The key for cache reads depends on the model family
 * (Langfuse's {@code default-model-prices.json}): its Claude prices have Anthropic's {@code cache_read_input_tokens} and
 * {@code cache_creation_input_tokens}, kept as they were; its OpenAI prices have {@code input_cached_tokens} on every
 * model with a cached price (o1, o3-mini and gpt-5-chat-latest have no {@code cache_read_input_tokens}), and its Gemini
 * prices {@code input_cached_tokens} and {@code cached_content_token_count}, never Anthropic's name. Every other model
 * (OpenAI-style servers, Gemini) therefore gets {@code input_cached_tokens}. One key only: a model priced under several
 * aliases of one count would be charged once per key given.
 */
final class LangfuseUsage {
    private LangfuseUsage() {}

    /** Claude's family, whoever serves it (Anthropic, Bedrock, Vertex, OpenRouter): the name Langfuse's Claude prices match. */
    static boolean anthropicNames(String model, String deployment) {
        return contains(model, "claude") || contains(deployment, "claude");
    }

    private static boolean contains(String s, String part) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(part);
    }

    /**
     * @param model      the model Langfuse is told ({@code langfuse.observation.model.name}), or null
     * @param deployment the deployment that served, {@code provider/model}, or null
     * @return the usage JSON: input (the prompt less its cache reads and writes), output, the cache reads under the
     *         family's key, the cache writes (only when there were some: OpenAI has none), total
     */
    static String json(String model, String deployment, long prompt, long completion, long cacheRead, long cacheWrite) {
        boolean anthropic = anthropicNames(model, deployment);
        return "{\"input\":" + (prompt - cacheRead - cacheWrite) + ",\"output\":" + completion
                + (anthropic ? ",\"cache_read_input_tokens\":" : ",\"input_cached_tokens\":") + cacheRead
                + (cacheWrite > 0 ? ",\"cache_creation_input_tokens\":" + cacheWrite : "")
                + ",\"total\":" + (prompt + completion) + "}";
    }
}
