package dev.switchboard.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code max_tokens} Claude is sent when the client gives none, one table for every provider that serves Claude:
 * Anthropic's Messages API (on Anthropic and Vertex) requires one, and Claude on Bedrock needs one above a thinking
 * budget, where Bedrock's own default does not fit one. The model's output limit, as LiteLLM sends it.
 */
public final class ClaudeOutputLimits {
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

    private ClaudeOutputLimits() {}

    /** @param model Anthropic's model name ({@code claude-sonnet-4-5@20250929}, {@code claude-3-5-sonnet-20241022-v2:0}) */
    public static int defaultMaxTokens(String model) {
        for (Map.Entry<String, Integer> e : MAX_TOKENS.entrySet()) if (model.startsWith(e.getKey())) return e.getValue();
        return FALLBACK_MAX_TOKENS;
    }
}
