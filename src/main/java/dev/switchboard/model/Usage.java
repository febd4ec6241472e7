package dev.switchboard.model;

/**
 * Token counts of one call. {@code promptTokens} includes cached ones, as in OpenAI's accounting;
 * {@code cacheReadTokens} and {@code cacheWriteTokens} say how many of them were read from or written to a
 * provider's prompt cache, which the price catalog needs to price them differently;
 * {@code cacheWrite1hTokens} is the part of the writes with Anthropic's 1-hour lifetime (priced 2× input,
 * against 1.25× for the default 5 minutes). {@code cost} is what the tokens cost in USD once the accounting stage has
 * priced them for the deployment that served, else null.
 *
 * <p>{@code billedUsd} is what the provider itself says it billed for the call, in USD, where it says so (OpenRouter's
 * {@code usage.cost}, Perplexity's {@code usage.cost.total_cost}), else null: it prices the call instead of the catalog,
 * since it includes what no token price can (Perplexity's request fee, OpenRouter's routing and BYOK fee).
 * {@code fields} are the provider's usage members the canonical counts do not model, as it sent them (Perplexity's
 * {@code search_context_size}, {@code citation_tokens}, its {@code cost} object; OpenRouter's {@code cost},
 * {@code is_byok}, {@code cost_details}), or null: an OpenAI-dialect client gets them back unchanged.
 *
 * <p>{@code writeLifetimesSaid} is whether the provider said its cache writes' lifetimes (Bedrock's
 * {@code cacheDetails}, Anthropic's {@code cache_creation}), so that a {@code cacheWrite1hTokens} of 0 means "none of
 * the writes is a one-hour one", not "not said": a one-hour breakpoint whose writes the provider reports as 5-minute
 * ones gets its split then, where a provider that counts writes without lifetimes (OpenRouter) leaves it unknown.
 */
public record Usage(int promptTokens, int completionTokens, int cacheReadTokens, int cacheWriteTokens,
                    int reasoningTokens, int cacheWrite1hTokens, Details details, Double cost, Double billedUsd,
                    com.fasterxml.jackson.databind.node.ObjectNode fields, boolean writeLifetimesSaid) {

    /**
     * OpenAI's other token details, kept for clients and pricing: audio tokens in the prompt and the answer
     * (priced apart), Predicted Outputs' accepted and rejected tokens, and the answer's generated-image tokens
     * (Gemini's IMAGE modality of {@code candidatesTokensDetails}; priced apart, inside completion tokens, as LiteLLM
     * reports them in {@code completion_tokens_details.image_tokens}). Zero where a provider has none.
     * {@code webSearchRequests} are the searches a provider ran itself and bills per search, beside the tokens
     * (Claude's web search tool: {@code usage.server_tool_use.web_search_requests}, $10 a thousand; OpenAI's
     * {@code web_search_call} items of a Responses answer). {@code fileSearchCalls} are OpenAI's {@code file_search_call}
     * items and {@code codeInterpreterSessions} the containers its {@code code_interpreter_call} items ran in, each billed
     * beside the tokens too (per call, per session).
     */
    public record Details(int audioPromptTokens, int audioCompletionTokens, int acceptedPredictionTokens,
                          int rejectedPredictionTokens, int imageCompletionTokens, int webSearchRequests,
                          int fileSearchCalls, int codeInterpreterSessions) {
        public static final Details NONE = new Details(0, 0, 0, 0, 0, 0);

        /** Token details with provider-run web searches and no other built-in tool. */
        public Details(int audioPromptTokens, int audioCompletionTokens, int acceptedPredictionTokens,
                       int rejectedPredictionTokens, int imageCompletionTokens, int webSearchRequests) {
            this(audioPromptTokens, audioCompletionTokens, acceptedPredictionTokens, rejectedPredictionTokens, imageCompletionTokens,
                    webSearchRequests, 0, 0);
        }

        /** Whether the provider ran a tool it bills apart from the tokens. */
        public boolean billedTools() { return webSearchRequests > 0 || fileSearchCalls > 0 || codeInterpreterSessions > 0; }

        /** These details with the built-in tool counts of {@code tools} (the token details kept). */
        public Details withTools(int webSearches, int fileSearches, int codeSessions) {
            return new Details(audioPromptTokens, audioCompletionTokens, acceptedPredictionTokens, rejectedPredictionTokens,
                    imageCompletionTokens, webSearches, fileSearches, codeSessions);
        }

        /** Token details without provider-run searches. */
        public Details(int audioPromptTokens, int audioCompletionTokens, int acceptedPredictionTokens,
                       int rejectedPredictionTokens, int imageCompletionTokens) {
            this(audioPromptTokens, audioCompletionTokens, acceptedPredictionTokens, rejectedPredictionTokens, imageCompletionTokens, 0);
        }
    }

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0);

    public Usage {
        if (details == null) details = Details.NONE;
    }

    /** Usage whose provider did not say its cache writes' lifetimes (see the class comment). */
    public Usage(int promptTokens, int completionTokens, int cacheReadTokens, int cacheWriteTokens, int reasoningTokens,
                 int cacheWrite1hTokens, Details details, Double cost, Double billedUsd,
                 com.fasterxml.jackson.databind.node.ObjectNode fields) {
        this(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, cacheWrite1hTokens, details, cost,
                billedUsd, fields, false);
    }

    /** The same counts, with the provider's word on its cache writes' lifetimes ({@code cacheWrite1hTokens} is the split). */
    public Usage withWriteLifetimesSaid(boolean said) {
        return new Usage(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, cacheWrite1hTokens,
                details, cost, billedUsd, fields, said);
    }

    /** Usage without a provider's own bill or fields, priced ({@code cost}) or not (null). */
    public Usage(int promptTokens, int completionTokens, int cacheReadTokens, int cacheWriteTokens, int reasoningTokens,
                 int cacheWrite1hTokens, Details details, Double cost) {
        this(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, cacheWrite1hTokens, details, cost,
                null, null);
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
                details, usd, billedUsd, fields, writeLifetimesSaid);
    }

    /** The same counts with the provider's own bill and usage members (see the class comment). */
    public Usage withBilled(Double billedUsd, com.fasterxml.jackson.databind.node.ObjectNode fields) {
        return new Usage(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, cacheWrite1hTokens,
                details, cost, billedUsd, fields, writeLifetimesSaid);
    }

    /** The same counts with other details (a provider's built-in tool calls counted from its answer). */
    public Usage withDetails(Details details) {
        return new Usage(promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, cacheWrite1hTokens,
                details, cost, billedUsd, fields, writeLifetimesSaid);
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
