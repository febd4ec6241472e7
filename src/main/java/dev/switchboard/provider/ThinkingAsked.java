package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatRequest;

/**
 * Whether a request asks for thinking at all, in any of the forms the encoders read: a {@code thinking} turned on
 * (an Anthropic client's, or LiteLLM's in the OpenAI dialect: {@code enabled} or {@code adaptive}), else OpenAI's
 * {@code reasoning_effort} other than {@code none}. For {@link Provider#dropsThinking} of the providers that have no
 * counterpart for it on some models (Gemini before 2.5, Bedrock's models other than Claude).
 */
public final class ThinkingAsked {
    private ThinkingAsked() {}

    public static boolean on(ChatRequest r) {
        JsonNode thinking = r.anthropicField("thinking");
        if (thinking != null) {
            String type = thinking.path("type").asText();
            return type.equals("enabled") || type.equals("adaptive");
        }
        JsonNode effort = r.extra().get("reasoning_effort");
        return effort != null && effort.isTextual() && !effort.asText().equals("none");
    }
}
