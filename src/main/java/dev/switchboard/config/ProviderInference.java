package dev.switchboard.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The provider of a {@code litellm_params.model}, found as LiteLLM's {@code get_llm_provider} finds it: an explicit
 * {@code custom_llm_provider}; else the prefix before the first {@code /}; else {@code model_info.litellm_provider};
 * else the model's well-known family ({@code claude-*} is Anthropic's). A bare name of no known family is not
 * guessed to be OpenAI's: LiteLLM refuses it ("LLM Provider NOT provided") and so does the loader.
 * Whether the provider is registered is the provider registry's question, asked when the gateway is built.
 */
public final class ProviderInference {
    /** provider, upstream model id, and how the provider was found (for messages and {@code check --explain}). */
    record Result(String provider, String model, String how) {}

    /**
     * Model families LiteLLM recognises without a prefix, in its order of checks. A bare {@code gemini-*} goes to
     * Vertex AI in LiteLLM (its vertex_language_models list); Google AI Studio needs {@code gemini/}.
     */
    private static final List<Map.Entry<Pattern, String>> FAMILIES = List.of(
            Map.entry(Pattern.compile("(?:(?:us|eu|apac|au|jp|global|us-gov)\\.)?(?:anthropic|meta|amazon|mistral|cohere|ai21|"
                    + "deepseek|writer|qwen|openai|twelvelabs|stability)\\.[a-z0-9].*"), "bedrock"),
            Map.entry(Pattern.compile("arn:aws:bedrock:.*"), "bedrock"),
            Map.entry(Pattern.compile("claude-.*"), "anthropic"),
            Map.entry(Pattern.compile("(?:gpt-|chatgpt-|o1|o3|o4|text-embedding-|text-moderation-|omni-moderation|davinci|"
                    + "babbage|whisper-|tts-|dall-e-|gpt-image|codex-mini|computer-use-preview).*"), "openai"),
            Map.entry(Pattern.compile("gemini-.*"), "vertex_ai"),
            Map.entry(Pattern.compile("command(?:-.*)?|embed-(?:english|multilingual)-.*|rerank-.*"), "cohere"),
            Map.entry(Pattern.compile("(?:mistral-|open-mistral|open-mixtral|codestral|pixtral|ministral|magistral).*"), "mistral"),
            Map.entry(Pattern.compile("deepseek-(?:chat|reasoner|coder)"), "deepseek"));

    private ProviderInference() {}

    /**
     * The provider of a bare model name by its family alone ({@code claude-…} → anthropic, {@code gemini-…} → vertex_ai),
     * as a {@code model: "*"} wildcard passes names on; null for a name of no known family (LiteLLM refuses it).
     */
    public static String familyOf(String bareModel) {
        Result r = infer(bareModel, null, null);
        return r == null ? null : r.provider();
    }

    /** LiteLLM's price-map provider names ({@code vertex_ai-language-models}, {@code bedrock_converse}) as prefixes. */
    static String normalise(String p) {
        if (p.startsWith("vertex_ai")) return "vertex_ai";
        if (p.startsWith("bedrock")) return "bedrock";
        if (p.equals("text-completion-openai")) return "openai";
        return p;
    }

    /**
     * @param full             {@code litellm_params.model} as written
     * @param customProvider   {@code litellm_params.custom_llm_provider}, or null
     * @param infoProvider     {@code model_info.litellm_provider}, or null
     * @return null when no provider can be told (the caller reports it)
     */
    static Result infer(String full, String customProvider, String infoProvider) {
        int slash = full.indexOf('/');
        String prefix = slash > 0 ? full.substring(0, slash) : null;
        if (customProvider != null && !customProvider.isBlank()) {
            // As in LiteLLM: a prefix equal to the named provider is dropped, any other part of the name is the model id.
            String model = customProvider.equals(prefix) ? full.substring(slash + 1) : full;
            return new Result(customProvider, model, "litellm_params.custom_llm_provider");
        }
        if (prefix != null) return new Result(prefix, full.substring(slash + 1), "the model's prefix");
        if (full.contains("*")) return null; // a bare wildcard names no provider; the caller says what to write
        if (infoProvider != null && !infoProvider.isBlank()) {
            return new Result(normalise(infoProvider), full, "model_info.litellm_provider");
        }
        String lower = full.toLowerCase(java.util.Locale.ROOT);
        for (Map.Entry<Pattern, String> f : FAMILIES) {
            if (f.getKey().matcher(lower).matches()) {
                return new Result(f.getValue(), full, "the model family (" + f.getValue() + " model names, as LiteLLM infers them)");
            }
        }
        return null;
    }
}
