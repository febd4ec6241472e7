package dev.switchboard.provider.openai;

/**
 * Where a service's chat request body differs from OpenAI's in what the canonical request carries: the seed's name,
 * whether it takes {@code user}, how an assistant turn's reasoning goes back, and the tool-call ids it accepts. One
 * value per flavor ({@link OpenAiFlavor#wire}), read once when the deployment's encoder is made, so a service with
 * OpenAI's rules pays nothing per request.
 *
 * @param seedField     the name of the sampling seed: {@code seed}, or Mistral's {@code random_seed}
 * @param takesUser     false where {@code user} is refused (Mistral: extra_forbidden, a 422): it is left out, since it
 *                      only names the end user to the provider (the gateway's ledger keeps it) and never changes the
 *                      answer; an Anthropic client's {@code metadata.user_id} (Claude Code sends it on every call)
 *                      must not make every call fail
 * @param reasoning     how an assistant turn's reasoning text goes back ({@link ReasoningEcho})
 * @param mistralToolIds tool-call ids mapped to Mistral's nine characters {@code [a-zA-Z0-9]}
 *                      ({@link dev.switchboard.model.ToolUseIds#forMistral})
 * @param namesOnToolsOnly a message's {@code name} sent on tool messages only (Mistral's schema has it nowhere else;
 *                      LiteLLM drops it likewise, BerriAI/litellm#6696): a participant's name on a user turn is a hint
 *                      that does not change what the model is asked
 * @param takesDefaultEffort whether {@code reasoning_effort: "default"} is one of the service's values (Groq's Qwen 3
 *                      models take {@code none} and {@code default}); elsewhere the word, which LiteLLM's clients send
 *                      for "the provider's default" and OpenAI refuses (400), is left out of the body, which is what
 *                      it asks for ({@link #dropsEffort})
 * @param mistralEffort  {@code reasoning_effort} as Mistral takes it ({@link MistralEffort}): only to the models with
 *                      adjustable reasoning, and only its two values ({@code none}, {@code high})
 * @param reasoningDetails an assistant turn's signed thinking ({@code thinking_blocks}: an Anthropic client's thinking
 *                      and redacted_thinking blocks) goes back as OpenRouter's {@code reasoning_details}
 *                      ({@link dev.switchboard.model.ReasoningDetails}), so a Claude model behind it can verify it
 * @param systemInConversation whether a {@code system} message after the conversation's first turn goes where it is
 *                      (OpenAI's chat completions take one anywhere, Azure OpenAI likewise). Elsewhere an Anthropic
 *                      client's mid-conversation system message is folded into the user turn before it
 *                      ({@link OpenAiRequestEncoder#foldedSystem}): Mistral refuses a conversation that ends in one
 *                      ("Expected last role User or Tool … but got system"), and many vLLM and Ollama chat templates
 *                      refuse a system message that is not the first ("System message must be at the beginning")
 */
record WireRules(String seedField, boolean takesUser, ReasoningEcho reasoning, boolean mistralToolIds,
                 boolean namesOnToolsOnly, boolean takesDefaultEffort, boolean mistralEffort, boolean reasoningDetails,
                 boolean systemInConversation) {

    /** OpenAI's own rules (its own API and Azure OpenAI, the {@code openai} row). */
    static final WireRules OPENAI = new WireRules("seed", true, ReasoningEcho.NONE, false, false, false, false, false, true);

    /**
     * An OpenAI-compatible server's: OpenAI's rules but for a system message in the conversation, which is folded
     * ({@link #systemInConversation}); what every row but {@code openai} has unless it says otherwise.
     */
    static final WireRules COMPATIBLE = new WireRules("seed", true, ReasoningEcho.NONE, false, false, false, false, false, false);

    /** Groq: OpenAI's rules, and {@code reasoning_effort: "default"} passed on (its Qwen 3 models take it). */
    static final WireRules GROQ = new WireRules("seed", true, ReasoningEcho.NONE, false, false, true, false, false, false);

    /** LiteLLM's and Groq's {@code reasoning_effort} for "the model's default". */
    static final String DEFAULT_EFFORT = "default";

    /**
     * Whether the request's {@code reasoning_effort} ({@code value}, from its extra fields) is left out of this
     * service's body: a {@code "default"} the service does not take as a value.
     */
    boolean dropsEffort(com.fasterxml.jackson.databind.JsonNode value) {
        return !takesDefaultEffort && value != null && value.isTextual() && DEFAULT_EFFORT.equals(value.textValue());
    }

    /**
     * DeepSeek's thinking mode: the reasoning of the turns that used tools must come back as {@code reasoning_content}
     * (else its 400 "The reasoning_content in the thinking mode must be passed back to the API").
     */
    static final WireRules DEEPSEEK = new WireRules("seed", true, ReasoningEcho.REASONING_CONTENT, false, false, false, false, false, false);

    /**
     * OpenRouter takes an assistant turn's reasoning back as {@code reasoning} (its own name for it) and passes it to
     * the model's provider, which for DeepSeek and Kimi behind it is the same thinking-with-tools rule as DeepSeek's.
     */
    static final WireRules OPENROUTER = new WireRules("seed", true, ReasoningEcho.REASONING, false, false, false, false, true, false);

    /**
     * Mistral's schema forbids any other field (pydantic extra_forbidden, a 422): the seed is {@code random_seed},
     * there is no {@code user}, no reasoning field on a message, {@code name} only on tool messages, and tool-call ids
     * are nine letters and digits (LiteLLM's {@code litellm/llms/mistral} maps seed to random_seed and never sends user
     * nor a name outside tool messages, likewise). {@code reasoning_effort} goes only where Mistral takes it
     * ({@link MistralEffort}).
     */
    static final WireRules MISTRAL = new WireRules("random_seed", false, ReasoningEcho.NONE, true, true, false, true, false, false);

    /**
     * Whether a client's OpenAI body may be relayed as written ({@link OpenAiRequestEncoder#relay}): not where the body
     * needs a field renamed or dropped, or the ids mapped, which only the canonical encoding does.
     */
    boolean relayable() { return seedField.equals("seed") && takesUser && !mistralToolIds && !namesOnToolsOnly && !mistralEffort; }

    /**
     * How an assistant turn's reasoning text ({@code Message.reasoning}: an OpenAI client's {@code reasoning_content},
     * an Anthropic client's thinking block, a Responses reasoning item's summary) reaches the service. Only the reasoning
     * of turns between two user messages in which the model called tools is sent: DeepSeek requires exactly those back
     * ("must be passed back to the API in all subsequent requests") and ignores the others ("will be ignored"), so
     * sending the rest would only lengthen every request. A tool-calling turn without reasoning (the client dropped it,
     * or the conversation began on another provider) gets an empty one where the service requires the field (DeepSeek),
     * rather than a 400.
     */
    enum ReasoningEcho {
        /** Not sent: OpenAI and most servers have no such field on a message (Mistral refuses it). */
        NONE(null, false),
        /** DeepSeek's {@code reasoning_content}, required on those turns (an empty one when the text is not known). */
        REASONING_CONTENT("reasoning_content", true),
        /** OpenRouter's {@code reasoning}, sent where the text is known. */
        REASONING("reasoning", false);

        final String field;
        /** Whether a tool-calling turn without reasoning gets an empty one (the service refuses the turn without). */
        final boolean required;

        ReasoningEcho(String field, boolean required) {
            this.field = field;
            this.required = required;
        }
    }
}
