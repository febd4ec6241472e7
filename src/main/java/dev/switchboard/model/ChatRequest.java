package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The canonical chat request every dialect decodes into and every provider encodes from.
 *
 * <p>Fields that all providers can honour are modelled; the rest (n, logprobs, penalties, logit_bias,
 * reasoning_effort, service_tier, …) stay in {@code extra} exactly as the client sent them, so a provider of
 * the same dialect receives them on day one and a provider of another dialect ignores them.
 * {@code model} is the alias the client asked for; the deployment decides the upstream model.
 * {@code raw} is the client's original body when its dialect is carried raw (Anthropic), else null.
 * {@code relay} is the OpenAI edge's note that the client's own bytes may go to an OpenAI-style provider
 * ({@link RelayedRequest}); null on every request built from other fields.
 */
public record ChatRequest(
        String model,
        List<Message> messages,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        ResponseFormat responseFormat,
        Double temperature,
        Double topP,
        Integer maxTokens,
        Integer maxCompletionTokens,
        List<String> stop,
        Long seed,
        String user,
        Map<String, String> metadata,
        boolean stream,
        boolean includeUsage,
        Map<String, JsonNode> extra,
        RawJson raw,
        RelayedRequest relay) {

    /** A request with no raw original (decoded from a dialect that is not carried raw). */
    public ChatRequest(String model, List<Message> messages, List<Tool> tools, ToolChoice toolChoice,
                       Boolean parallelToolCalls, ResponseFormat responseFormat, Double temperature, Double topP,
                       Integer maxTokens, Integer maxCompletionTokens, List<String> stop, Long seed, String user,
                       Map<String, String> metadata, boolean stream, boolean includeUsage, Map<String, JsonNode> extra) {
        this(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature, topP, maxTokens,
                maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, extra, null, null);
    }

    /** A request built from fields (a copy with a change, another dialect's decoding): never relayed as bytes. */
    public ChatRequest(String model, List<Message> messages, List<Tool> tools, ToolChoice toolChoice,
                       Boolean parallelToolCalls, ResponseFormat responseFormat, Double temperature, Double topP,
                       Integer maxTokens, Integer maxCompletionTokens, List<String> stop, Long seed, String user,
                       Map<String, String> metadata, boolean stream, boolean includeUsage, Map<String, JsonNode> extra,
                       RawJson raw) {
        this(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature, topP, maxTokens,
                maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, extra, raw, null);
    }

    public ChatRequest {
        tools = tools == null ? List.of() : tools;
        stop = stop == null ? List.of() : stop;
        metadata = metadata == null ? Map.of() : metadata;
        extra = extra == null ? Map.of() : extra;
    }

    /** The same request with other {@code extra} fields (the router strips its own controls from them). */
    public ChatRequest withExtra(Map<String, JsonNode> newExtra) {
        RawJson newRaw = raw;
        if (raw != null && raw.body() instanceof com.fasterxml.jackson.databind.node.ObjectNode body) {
            // Fields removed from extra (the gateway consumed them) must not reach a same-dialect provider either.
            java.util.List<String> removed = extra.keySet().stream().filter(k -> !newExtra.containsKey(k) && body.has(k)).toList();
            if (!removed.isEmpty()) {
                com.fasterxml.jackson.databind.node.ObjectNode copy = body.deepCopy();
                copy.remove(removed);
                newRaw = new RawJson(raw.dialect(), copy, raw.headers());
            }
        }
        // the client's bytes stay sendable only when nothing was taken out (the router strips its controls)
        RelayedRequest keep = relay != null && newExtra.equals(extra) ? relay : null;
        return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature,
                topP, maxTokens, maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, newExtra, newRaw, keep);
    }

    /**
     * The same request with other messages. {@code raw} is kept as it is: a provider that sends the raw body
     * (same dialect) must make the same change there itself. {@code relay} is dropped: the client's bytes no longer say it.
     */
    public ChatRequest withMessages(List<Message> newMessages) {
        return new ChatRequest(model, newMessages, tools, toolChoice, parallelToolCalls, responseFormat, temperature,
                topP, maxTokens, maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, extra, raw, null);
    }

    /**
     * The same request without the named top-level fields (OpenAI's names: a modelled field such as {@code seed} or
     * {@code temperature} is cleared, any other is taken out of {@code extra}, and out of a raw same-dialect body):
     * what {@code drop_params} and {@code additional_drop_params} send. Never relayed as the client's bytes.
     */
    public ChatRequest without(java.util.Collection<String> fields) {
        if (fields.isEmpty()) return this;
        Map<String, JsonNode> newExtra = new java.util.LinkedHashMap<>(extra);
        newExtra.keySet().removeAll(fields);
        RawJson newRaw = raw;
        if (raw != null && raw.body() instanceof com.fasterxml.jackson.databind.node.ObjectNode body) {
            // the raw body is in its own dialect: the same fields under that dialect's names
            java.util.Set<String> names = new java.util.HashSet<>();
            for (String f : fields) {
                names.add(f);
                String theirs = (raw.is(RawJson.ANTHROPIC) ? ANTHROPIC_NAMES : raw.is(RawJson.OPENAI_RESPONSES) ? RESPONSES_NAMES
                        : Map.<String, String>of()).get(f);
                if (theirs != null) names.add(theirs);
            }
            if (names.stream().anyMatch(body::has)) {
                com.fasterxml.jackson.databind.node.ObjectNode copy = body.deepCopy();
                copy.remove(names);
                newRaw = new RawJson(raw.dialect(), copy, raw.headers());
            }
        }
        boolean noTools = fields.contains("tools");
        return new ChatRequest(model, messages, noTools ? List.of() : tools,
                noTools || fields.contains("tool_choice") ? null : toolChoice,
                noTools || fields.contains("parallel_tool_calls") ? null : parallelToolCalls,
                fields.contains("response_format") ? null : responseFormat,
                fields.contains("temperature") ? null : temperature, fields.contains("top_p") ? null : topP,
                fields.contains("max_tokens") ? null : maxTokens,
                fields.contains("max_completion_tokens") ? null : maxCompletionTokens,
                fields.contains("stop") ? List.of() : stop, fields.contains("seed") ? null : seed,
                fields.contains("user") ? null : user, fields.contains("metadata") ? Map.of() : metadata, stream,
                includeUsage, java.util.Collections.unmodifiableMap(newExtra), newRaw, null);
    }

    /**
     * The same request with OpenAI's {@code allowed_tools} choice made plain for a provider that has no such choice: only
     * the allowed tools offered, and the choice's mode (auto or required) among them. Never relayed as the client's bytes.
     */
    public ChatRequest withAllowedToolsOnly() {
        if (toolChoice == null || toolChoice.allowed() == null) return this;
        List<Tool> offered = tools.stream().filter(t -> toolChoice.allowed().contains(t.name())).toList();
        return new ChatRequest(model, messages, offered, ToolChoice.of(toolChoice.mode()), parallelToolCalls, responseFormat,
                temperature, topP, maxTokens, maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, extra, raw, null);
    }

    /**
     * The same request with every tool name over {@link ToolNames#LIMIT} shortened ({@link ToolNames#shorten}): the
     * tools, the tool choice, and the calls in the history. Never relayed as the client's bytes.
     */
    public ChatRequest withShortToolNames() {
        if (!ToolNames.anyTooLong(tools)) return this;
        List<Tool> t = tools.stream().map(x -> x.withName(ToolNames.shorten(x.name()))).toList();
        ToolChoice c = toolChoice == null ? null : new ToolChoice(toolChoice.mode(),
                toolChoice.functionName() == null ? null : ToolNames.shorten(toolChoice.functionName()),
                toolChoice.allowed() == null ? null : toolChoice.allowed().stream().map(ToolNames::shorten).toList());
        List<Message> m = new java.util.ArrayList<>(messages.size());
        for (Message x : messages) {
            if (x.toolCalls().isEmpty()) {
                m.add(x);
                continue;
            }
            List<ToolCall> calls = x.toolCalls().stream().map(k -> k.withName(ToolNames.shorten(k.name()))).toList();
            m.add(new Message(x.role(), x.content(), x.name(), calls, x.toolCallId(), x.reasoning(), x.refusal(), x.extra()));
        }
        return new ChatRequest(model, m, t, c, parallelToolCalls, responseFormat, temperature, topP, maxTokens,
                maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, extra, raw, null);
    }

    /** The same request with other tools and messages (a translation for a provider). Never relayed as the client's bytes. */
    public ChatRequest withToolsAndMessages(List<Tool> newTools, List<Message> newMessages) {
        return new ChatRequest(model, newMessages, newTools, toolChoice, parallelToolCalls, responseFormat, temperature, topP,
                maxTokens, maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, extra, raw, null);
    }

    /**
     * The same request for another model (a virtual key's alias). The raw body and the relay stay: the gateway writes
     * {@code model} into whatever it sends upstream, so they never carry the client's name further.
     */
    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature, topP,
                maxTokens, maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, extra, raw, relay);
    }

    /** The same request with these stop sequences (a same-dialect relay's bytes no longer apply). */
    public ChatRequest withStop(List<String> newStop) {
        return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature, topP,
                maxTokens, maxCompletionTokens, newStop, seed, user, metadata, stream, includeUsage, extra, raw, null);
    }

    /** The same request with this output limit (as {@code max_completion_tokens}); the raw body keeps its own. */
    public ChatRequest withOutputLimit(int limit) {
        return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature, topP, null,
                limit, stop, seed, user, metadata, stream, includeUsage, extra, raw, null);
    }

    /** OpenAI's name → the Anthropic Messages body's, where they differ (for {@link #without}). */
    private static final Map<String, String> ANTHROPIC_NAMES = Map.of("stop", "stop_sequences", "user", "metadata");
    /** OpenAI's name → the Responses body's, where they differ (for {@link #without}). */
    private static final Map<String, String> RESPONSES_NAMES = Map.of("max_completion_tokens", "max_output_tokens",
            "max_tokens", "max_output_tokens", "reasoning_effort", "reasoning", "response_format", "text");

    /**
     * Body fields that steer the gateway rather than the model (LiteLLM's and OpenRouter's names): routing
     * controls and {@code drop_params} (LiteLLM's per-request switch), read by the router, {@code cache} (LiteLLM's per-request cache controls), read by the cache
     * stage, {@code guardrails} (LiteLLM's per-request guardrails), read by the guardrail stage, and
     * {@code litellm_metadata} (LiteLLM's, whose {@code user} names the end user: {@link EndUserOf}). Never sent upstream:
     * dialect decoders put them in {@code extra} and the router strips them.
     */
    public static final java.util.Set<String> ROUTING_CONTROL_FIELDS =
            java.util.Set.of("models", "fallbacks", "num_retries", "timeout", "stream_timeout", "cache", "guardrails",
                    "drop_params", "tags", "litellm_metadata", "mock_response", "mock_testing_fallbacks",
                    "mock_testing_rate_limit_error", "mock_testing_context_window_fallbacks",
                    "mock_testing_content_policy_fallbacks");

    /**
     * The model an entry of a request's {@code fallbacks} list names: the name itself, or LiteLLM's object form
     * {@code {"model": "<name>"}}; null for anything else. The one reading of that list for every stage that checks or
     * rewrites it (the key's allowlist, its model aliases, routing), so a form one of them reads is never one another
     * misses: the object form got past the key's 403 and its aliases when only routing read it (review, 2026-12-07).
     * Whether an object that sets more than its model is accepted is routing's decision (route.RequestControls).
     */
    public static String fallbackName(com.fasterxml.jackson.databind.JsonNode entry) {
        if (entry == null) return null;
        if (entry.isTextual()) return entry.textValue();
        if (!entry.isObject()) return null;
        com.fasterxml.jackson.databind.JsonNode model = entry.get("model");
        return model != null && model.isTextual() && !model.textValue().isBlank() ? model.textValue() : null;
    }

    /**
     * An Anthropic request field ({@code thinking}, {@code top_k}) whichever dialect sent it: from {@code extra} (an
     * OpenAI-dialect client, as LiteLLM accepts them), else from an Anthropic-dialect client's raw body, whose
     * Anthropic-only fields stay out of {@code extra} so they never reach an OpenAI-style server. For the providers that
     * serve Claude or its like in another wire format (Bedrock, Gemini's thinking); null when neither has it.
     */
    public JsonNode anthropicField(String name) {
        JsonNode v = extra.get(name);
        if (v != null || raw == null || !raw.is(RawJson.ANTHROPIC)) return v;
        return raw.body().get(name);
    }

    /** The output-token limit the client asked for under either of OpenAI's names, or null. */
    public Integer outputTokenLimit() {
        return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
    }
}
