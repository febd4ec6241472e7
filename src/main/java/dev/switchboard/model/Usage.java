package dev.switchboard.model;

/**
 * Token counts of one call. {@code promptTokens} includes cached ones, as in OpenAI's accounting;
 * {@code cacheReadTokens} and {@code cacheWriteTokens} say how many of them were read from or written to a
 * provider's prompt cache, which the price catalog needs to price them differently;
 * {@code cacheWrite1hTokens} is the part of the writes with Anthropic's 1-hour lifetime (priced 2× input,
 * against 1.25× for the default 5 minutes). {@code cost} is what the tokens cost in USD once the accounting stage has
 * priced them for the deployment that served, else null.
 */
public record Usage(int promptTokens, int completionTokens, int cacheReadTokens, int cacheWriteTokens,
                    int reasoningTokens, int cacheWrite1hTokens, Details details, Double cost) {

    /**
     * OpenAI's other token details, kept for clients and pricing: audio tokens in the prompt and the answer
     * (priced apart), Predicted Outputs' accepted and rejected tokens, and the answer's generated-image tokens
     * (Gemini's IMAGE modality of {@code candidatesTokensDetails}; priced apart, inside completion tokens, as LiteLLM
     * reports them in {@code completion_tokens_details.image_tokens}). Zero where a provider has none.
     */
    public record Details(int audioPromptTokens, int audioCompletionTokens, int acceptedPredictionTokens,
                          int rejectedPredictionTokens, int imageCompletionTokens) {
        public static final Details NONE = new Details(0, 0, 0, 0, 0);
    }

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0);

    public Usage {
        if (details == null) details = Details.NONE;
    }

    /** Usage as a provider reports it: not priced yet. */
    public Usage(int promptTokens, int completionTokens, int cacheReadTokens, int cacheWriteTokens, int reasoningTokens,
                 int cacheWrite1hTokens, Details details) {
        this(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, cacheWrite1hTokens, details, null);
    }

    /**
     * The same counts with what they cost in US dollars, as the gateway priced them for the deployment that served;
     * dialects that have room for it show it ({@code usage.cost}, OpenRouter's field).
     */
    public Usage withCost(double usd) {
        return new Usage(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, cacheWrite1hTokens,
                details, usd);
    }

    /** Usage without OpenAI's audio and prediction details. */
    public Usage(int promptTokens, int completionTokens, int cacheReadTokens, int cacheWriteTokens, int reasoningTokens,
                 int cacheWrite1hTokens) {
        this(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, cacheWrite1hTokens, Details.NONE);
    }

    /** Usage whose cache writes (if any) all have the default 5-minute lifetime. */
    public Usage(int promptTokens, int completionTokens, int cacheReadTokens, int cacheWriteTokens, int reasoningTokens) {
        this(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, 0);
    }

    /** Prompt tokens neither read from nor written to a cache: what Anthropic calls input_tokens. */
    public int uncachedPromptTokens() { return Math.max(0, promptTokens - cacheReadTokens - cacheWriteTokens); }

    public int totalTokens() { return promptTokens + completionTokens; }
}
