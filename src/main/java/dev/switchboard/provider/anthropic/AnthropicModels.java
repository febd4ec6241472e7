package dev.switchboard.provider.anthropic;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Anthropic's quirks as data: the API version we speak, the default {@code max_tokens} per model family
 * (the Messages API requires one; a client that gives none gets the model's output limit, as LiteLLM does),
 * and the stop-reason mapping.
 */
final class AnthropicModels {
    static final String API_VERSION = "2023-06-01";
    static final String DEFAULT_BASE = "https://api.anthropic.com";

    /**
     * The base {@code /v1/messages} is added to. LiteLLM adds it unless api_base already ends with it, so both
     * {@code https://api.anthropic.com} and {@code https://api.anthropic.com/v1/messages} work; a base ending in
     * {@code /v1} (which LiteLLM would turn into {@code /v1/v1/messages}, a 404) is read as meaning the same API.
     */
    static String base(String apiBase) {
        String b = apiBase == null ? DEFAULT_BASE : apiBase;
        while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        if (b.endsWith("/v1/messages")) b = b.substring(0, b.length() - "/v1/messages".length());
        else if (b.endsWith("/v1")) b = b.substring(0, b.length() - "/v1".length());
        return b;
    }
    static final String KEY_ENV = "ANTHROPIC_API_KEY";
    static final int FALLBACK_MAX_TOKENS = 4096;

    /** Model-name prefix → max output tokens; the first match wins, so longer prefixes come first. */
    private static final Map<String, Integer> MAX_TOKENS = new LinkedHashMap<>();

    static {
        MAX_TOKENS.put("claude-opus-4", 32_000);
        MAX_TOKENS.put("claude-sonnet-4", 64_000);
        MAX_TOKENS.put("claude-haiku-4", 64_000);
        MAX_TOKENS.put("claude-3-7-sonnet", 64_000);
        MAX_TOKENS.put("claude-3-5-sonnet", 8_192);
        MAX_TOKENS.put("claude-3-5-haiku", 8_192);
        MAX_TOKENS.put("claude-3-", 4_096);
    }

    private AnthropicModels() {}

    static int defaultMaxTokens(String model) {
        for (Map.Entry<String, Integer> e : MAX_TOKENS.entrySet()) if (model.startsWith(e.getKey())) return e.getValue();
        return FALLBACK_MAX_TOKENS;
    }

    /** Anthropic stop_reason → OpenAI finish_reason. */
    static dev.switchboard.model.FinishReason finishReason(String stopReason) {
        if (stopReason == null) return null;
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> dev.switchboard.model.FinishReason.LENGTH;
            case "tool_use" -> dev.switchboard.model.FinishReason.TOOL_CALLS;
            case "refusal" -> dev.switchboard.model.FinishReason.CONTENT_FILTER;
            default -> dev.switchboard.model.FinishReason.STOP; // end_turn, stop_sequence, pause_turn
        };
    }
}
