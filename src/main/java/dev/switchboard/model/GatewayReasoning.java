package dev.switchboard.model;

/**
 * How the reasoning items this gateway makes for the Responses API (from Claude's, Gemini's, any translated answer) are
 * told from a provider's own: the edge writes them, an OpenAI deployment's pass-through leaves them out (OpenAI can
 * verify only its own reasoning items).
 */
public final class GatewayReasoning {
    /** The start of an {@code encrypted_content} of ours: Claude's signed thinking blocks, base64url JSON after it. */
    public static final String CONTENT_PREFIX = "switchboard.thinking_blocks.v1:";
    /**
     * The start of a reasoning item id of ours, {@code rs_sb} and 32 hex digits: {@code s} is no hex digit, so it cannot
     * be OpenAI's ({@code rs_} and 48 or 50 hex) nor vLLM's ({@code rs_} and a uuid4's 32 hex). Earlier gateways gave
     * plain {@code rs_} and 32 hex, which only OpenAI's own endpoint can be told are not its.
     */
    public static final String ID_PREFIX = "rs_sb";

    private GatewayReasoning() {}
}
