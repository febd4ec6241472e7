package dev.switchboard.route;

import java.util.Locale;

/**
 * The provider of a bare model name that a {@code model: "*"} wildcard passes on ({@code claude-…} → anthropic),
 * as LiteLLM's {@code get_llm_provider} infers it from its model lists; anything else is an OpenAI model, LiteLLM's
 * default for a bare name.
 */
final class ModelFamilies {
    private ModelFamilies() {}

    static String providerOf(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        if (m.startsWith("claude")) return "anthropic";
        if (m.startsWith("gemini") || m.startsWith("gemma")) return "gemini";
        return "openai";
    }
}
