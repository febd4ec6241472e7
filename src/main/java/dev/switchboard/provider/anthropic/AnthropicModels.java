package dev.switchboard.provider.anthropic;

/**
 * Anthropic's quirks as data: the API version we speak and the stop-reason mapping. The default {@code max_tokens}
 * (the Messages API requires one) is in {@link dev.switchboard.provider.ClaudeOutputLimits}, shared with Bedrock.
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

    private AnthropicModels() {}

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
