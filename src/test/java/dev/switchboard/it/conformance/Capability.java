package dev.switchboard.it.conformance;

/**
 * What a provider can do, as the conformance suite asks it. A test that needs a capability the subject lacks is
 * skipped by a JUnit assumption naming the flag, so a skip is visible in the report, never a silent pass.
 * Text (both dialects, usage and the ledger row) is not a flag: every provider must answer text.
 */
public enum Capability {
    /** Streamed answers (SSE) in both dialects, with the final usage. */
    STREAMING,
    /** Function tools: a call, the result sent back, and (with {@link #STREAMING}) streamed call arguments. */
    TOOLS,
    /** Image parts reach the model (the simulator says how many images it saw). */
    IMAGES,
    /** {@code /v1/embeddings} through an embedding deployment of the same provider. */
    EMBEDDINGS,
    /** A repeated long prefix is reported as cached input tokens (prompt_tokens_details / cache_read_input_tokens). */
    CACHE_READ_TOKENS,
    /** The provider reports the tokens written to its cache (Anthropic's cache_creation_input_tokens). */
    CACHE_WRITE_TOKENS,
    /** reasoning_effort / thinking come back as reasoning_content / thinking blocks. */
    REASONING,
    /**
     * The provider has a wire the simulator plays, so its faults can be injected: 400, 401, 429 with retry-after, 500 and
     * context length, each in the provider's own error shape. (mock/ answers in-process and has no wire.)
     */
    UPSTREAM_ERRORS,
    /**
     * The provider refuses a prompt with a content-policy error (OpenAI's content_policy_violation, Anthropic's content
     * filtering policy, Azure's content filter), so {@code content_policy_fallbacks} apply. Gemini has none: it answers
     * 200 with a blocked prompt.
     */
    CONTENT_POLICY_ERRORS
}
