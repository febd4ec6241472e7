package dev.switchboard.provider.openai;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.ToolChoice;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quirks of each OpenAI-compatible service, as data rather than {@code if}s through the code. The core rows are
 * {@link #CORE}; the long tail of hosted and local servers is {@link LongTailFlavors#ALL}.
 *
 * @param defaultBase          base URL when the deployment sets no api_base (null: api_base is required)
 * @param keyEnvs              environment variables read for the key when the config names none, first found wins
 *                             (LiteLLM's order); empty for none
 * @param keepsOutputFieldName true: send the client's own field (max_tokens or max_completion_tokens);
 *                             false: always max_tokens, the one every compatible server knows
 * @param forwardsCacheControl true where the service honours Anthropic-style cache_control on parts
 * @param streamOptions        false where the service refuses {@code stream_options} (it reports usage in its last
 *                             chunk unasked), so the gateway does not send it
 * @param refuses              request fields the service rejects ({@code tools}, {@code parallel_tool_calls}, {@code n},
 *                             …): a request that sets one is a 400 naming the field and the provider, before any call
 * @param toolChoiceAutoOnly   the service takes {@code tool_choice} "auto" only: "auto" and "none" are sent, anything
 *                             else is a 400 naming it
 */
record OpenAiFlavor(String prefix, String defaultBase, List<String> keyEnvs, boolean keepsOutputFieldName,
                    boolean forwardsCacheControl, boolean streamOptions, Set<String> refuses, boolean toolChoiceAutoOnly) {

    /** A plain OpenAI-compatible row: max_tokens, no cache_control, stream_options sent, nothing refused. */
    static OpenAiFlavor of(String prefix, String defaultBase, String... keyEnvs) {
        return new OpenAiFlavor(prefix, defaultBase, List.of(keyEnvs), false, false, true, Set.of(), false);
    }

    OpenAiFlavor keepingOutputField() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, true, forwardsCacheControl, streamOptions, refuses, toolChoiceAutoOnly);
    }

    OpenAiFlavor forwardingCacheControl() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, true, streamOptions, refuses, toolChoiceAutoOnly);
    }

    OpenAiFlavor withoutStreamOptions() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, false, refuses, toolChoiceAutoOnly);
    }

    OpenAiFlavor refusing(String... fields) {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, streamOptions,
                Set.of(fields), toolChoiceAutoOnly);
    }

    OpenAiFlavor autoToolChoiceOnly() {
        return new OpenAiFlavor(prefix, defaultBase, keyEnvs, keepsOutputFieldName, forwardsCacheControl, streamOptions, refuses, true);
    }

    /** The variable {@code check} names for a deployment without a key (the first LiteLLM reads); null for none. */
    String keyEnv() { return keyEnvs.isEmpty() ? null : keyEnvs.get(0); }

    /**
     * @throws GatewayException 400 naming the field when the request sets one this service rejects, so the client
     *     learns it at once instead of from the service's own 422, and nothing is dropped silently
     */
    void check(ChatRequest r, String deploymentId) {
        if (refuses.isEmpty() && !toolChoiceAutoOnly) return;
        String field = null;
        if (refuses.contains("tools") && !r.tools().isEmpty()) field = "tools";
        else if (refuses.contains("parallel_tool_calls") && r.parallelToolCalls() != null) field = "parallel_tool_calls";
        else if (toolChoiceAutoOnly && r.toolChoice() != null && r.toolChoice().mode() != ToolChoice.Mode.AUTO
                && r.toolChoice().mode() != ToolChoice.Mode.NONE) field = "tool_choice";
        else for (String f : r.extra().keySet()) if (refuses.contains(f)) { field = f; break; }
        if (field == null) return;
        String what = field.equals("tool_choice") ? "tool_choice other than \"auto\"" : "'" + field + "'";
        throw GatewayException.badRequest(prefix + "/ does not accept " + what + " (deployment " + deploymentId
                + "). Fix: leave it out, or send this request to an alias served by another provider.", field);
    }

    static final Map<String, OpenAiFlavor> CORE = Map.of(
            "openai", of("openai", "https://api.openai.com/v1", "OPENAI_API_KEY").keepingOutputField(),
            "ollama", of("ollama", "http://localhost:11434/v1"),
            "openrouter", of("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY").keepingOutputField().forwardingCacheControl(),
            "groq", of("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
            "deepseek", of("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
            "together_ai", of("together_ai", "https://api.together.xyz/v1", "TOGETHERAI_API_KEY"),
            "hosted_vllm", of("hosted_vllm", null),
            "openai_compatible", of("openai_compatible", null));
}
