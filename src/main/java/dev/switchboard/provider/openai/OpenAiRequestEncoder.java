package dev.switchboard.provider.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.RelayedRequest;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.ToolCallIds;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Canonical request → OpenAI's chat/completions and embeddings JSON, written in one streaming pass. */
final class OpenAiRequestEncoder {
    private static final byte[] STREAM = ",\"stream\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM_OPTIONS = ",\"stream_options\":{\"include_usage\":true}".getBytes(StandardCharsets.US_ASCII);

    private final Deployment deployment;
    /** {@link Deployment#id()}, which concatenates on every call: made once, as {@code DeploymentState} does. */
    private final String deploymentId;
    private final OpenAiFlavor flavor;
    /** The flavor's {@link WireRules}, and whether they let a client's body be relayed: read once, not per request. */
    private final WireRules wire;
    private final boolean relayable;
    /** {@code {"model":"…"} without its closing brace: how every relayed body starts. */
    private final byte[] modelMember;
    /** {@link #reasoningModel()}, decided once: the model name does not change. */
    private final boolean reasoning;
    /** The model as the service knows it ({@link ReasoningModels#wireName}: an Azure name without LiteLLM's o_series/). */
    private final String model;
    /** Mistral's rule ({@link MistralEffort}): whether this model takes {@code reasoning_effort}, decided once. */
    private final boolean mistralAdjustable;
    /** Mistral's Magistral ({@link MistralEffort#reasonsAlways}): reasons whatever the request says. */
    private final boolean mistralNative;
    /**
     * {@code model_info.supports_reasoning: true} (LiteLLM's key: "a reasoning model"): a model that thinks without being
     * asked (deepseek-reasoner, grok-3-mini, Qwen3 on vLLM), which the name list of {@link ReasoningModels} does not know.
     * Read by {@link #dropsThinking} alone: such a model is sent no {@code reasoning_effort} (it may refuse one).
     */
    private final boolean declaredReasoning;

    /**
     * Whether a system message after the conversation's first turn goes where it is ({@link WireRules#systemInConversation}
     * and, for the {@code openai} flavor, OpenAI's own endpoint: an {@code openai/} entry whose base is a vLLM, a proxy or
     * any other OpenAI-compatible server, as LiteLLM's {@code openai/<model>} + {@code api_base} and its
     * {@code OPENAI_API_BASE} make it, gets the fold — many such servers refuse a system message that is not first).
     */
    private final boolean systemInPlace;

    OpenAiRequestEncoder(Deployment deployment, OpenAiFlavor flavor) {
        this(deployment, flavor, flavor.wire().systemInConversation());
    }

    /** @param systemInPlace see {@link #systemInPlace}: the caller knows the endpoint. */
    OpenAiRequestEncoder(Deployment deployment, OpenAiFlavor flavor, boolean systemInPlace) {
        this.systemInPlace = systemInPlace;
        this.deployment = deployment;
        this.deploymentId = deployment.id();
        this.flavor = flavor;
        this.wire = flavor.wire();
        this.relayable = wire.relayable();
        this.model = ReasoningModels.wireName(deployment);
        byte[] m = Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeEndObject();
        }).getBytes();
        this.modelMember = java.util.Arrays.copyOf(m, m.length - 1);
        // by model_info.base_model when set (an azure/ deployment is named by its user), or LiteLLM's azure/o_series/
        this.reasoning = ReasoningModels.reasoning(deployment);
        this.mistralAdjustable = wire.mistralEffort() && MistralEffort.adjustable(deployment);
        this.mistralNative = wire.mistralEffort() && MistralEffort.reasonsAlways(deployment);
        this.declaredReasoning = deployment.modelInfo() != null && Boolean.TRUE.equals(deployment.modelInfo().get("supports_reasoning"));
    }

    Buffer chat(ChatRequest r, boolean stream) {
        flavor.check(r, deploymentId);
        Buffer relayed = relay(r, stream);
        return relayed != null ? relayed : canonical(r, stream);
    }

    private static final byte[] MAX_TOKENS_KEY = "\"max_tokens\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAX_COMPLETION_TOKENS_KEY = "\"max_completion_tokens\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * The client's own OpenAI body with this deployment's {@code model} (and a stream's {@code stream} and
     * {@code stream_options}, as {@link #canonical} writes them), when the edge found every other member to be what
     * the canonical encoding would write back ({@link RelayedRequest}); null otherwise. The output-token limit goes
     * under the name {@link #completionField} gives this deployment: where that is not the client's (max_tokens to
     * OpenAI's reasoning models, which refuse it; max_completion_tokens to a server that knows only max_tokens), only
     * that member's key is rewritten, its value copied as the client wrote it. {@code OpenAiRequestRelayTest}:
     * JSON-equal to {@link #canonical} whenever it is not null.
     */
    Buffer relay(ChatRequest r, boolean stream) {
        RelayedRequest q = r.relay();
        if (q == null || r.raw() != null || !relayable) return null;
        if (wire.dropsEffort(r.extra().get("reasoning_effort"))) return null; // the canonical encoding leaves it out
        if (!flavor.forwardsCacheControl() && r.extra().containsKey("cache_control")) return null; // left out too
        byte[] renameFrom = null, renameTo = null;
        if (q.outputLimit() == RelayedRequest.NO_LIMIT) {
            if (deployment.maxTokens() != null) return null; // the encoder adds the deployment's limit
        } else if ((q.outputLimit() == RelayedRequest.MAX_COMPLETION_TOKENS) != completionField(r)) {
            // the service takes the limit under the other name: that one key is rewritten below
            boolean completion = q.outputLimit() == RelayedRequest.MAX_COMPLETION_TOKENS;
            renameFrom = completion ? MAX_COMPLETION_TOKENS_KEY : MAX_TOKENS_KEY;
            renameTo = completion ? MAX_TOKENS_KEY : MAX_COMPLETION_TOKENS_KEY;
        }
        for (Message m : r.messages()) {
            // a carried Gemini signature is cut off the ids (see ToolCallIds)
            if (m.toolCallId() != null && m.toolCallId().contains(ToolCallIds.SIGNATURE_SEPARATOR)) return null;
            for (ToolCall c : m.toolCalls()) if (c.id().contains(ToolCallIds.SIGNATURE_SEPARATOR)) return null;
            // a tool-calling turn the client sent without reasoning_content gets the one DeepSeek requires (the
            // edge already sends a body with reasoning_content the canonical way)
            if (wire.reasoning().required && !m.toolCalls().isEmpty()) return null;
        }
        byte[] b = q.body();
        int[] spans = q.spans();
        int size = modelMember.length + q.memberBytes() + spans.length / 2 + 1;
        if (renameFrom != null) size += renameTo.length - renameFrom.length;
        if (stream) size += STREAM.length + (flavor.streamOptions() ? STREAM_OPTIONS.length : 0);
        byte[] out = new byte[size];
        System.arraycopy(modelMember, 0, out, 0, modelMember.length);
        int at = modelMember.length;
        if (stream) {
            System.arraycopy(STREAM, 0, out, at, STREAM.length);
            at += STREAM.length;
            if (flavor.streamOptions()) {
                System.arraycopy(STREAM_OPTIONS, 0, out, at, STREAM_OPTIONS.length);
                at += STREAM_OPTIONS.length;
            }
        }
        for (int i = 0; i < spans.length; i += 2) {
            out[at++] = ',';
            int from = spans[i];
            // a top-level key is never escaped in a relayed body (RequestRelayShape), so its bytes are its name
            if (renameFrom != null && java.util.Arrays.equals(b, from, Math.min(from + renameFrom.length, spans[i + 1]),
                    renameFrom, 0, renameFrom.length)) {
                System.arraycopy(renameTo, 0, out, at, renameTo.length);
                at += renameTo.length;
                from += renameFrom.length;
                renameFrom = null; // one such member: the edge relays no body with the limit twice
            }
            System.arraycopy(b, from, out, at, spans[i + 1] - from);
            at += spans[i + 1] - from;
        }
        out[at] = '}';
        return Json.wrap(out);
    }

    Buffer canonical(ChatRequest r, boolean stream) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("messages");
            // A part we could not translate is passed on as the client wrote it when the client speaks OpenAI's
            // dialect (the server may know it); an Anthropic-shaped block would only confuse an OpenAI-style server.
            boolean foreignParts = r.raw() != null && r.raw().is(dev.switchboard.model.RawJson.ANTHROPIC);
            ToolAttachments attachments = null; // made at the first tool message: most requests have none
            List<Message> messages = systemInPlace || !fromAnthropic(r) ? r.messages() : foldedSystem(r.messages());
            String[] reasoning = wire.reasoning() == WireRules.ReasoningEcho.NONE ? null : echoedReasoning(messages);
            for (int i = 0; i < messages.size(); i++) {
                Message m = messages.get(i);
                if (m.role() == dev.switchboard.model.Role.TOOL) {
                    // every tool message of a turn first (OpenAI wants them right after their assistant turn), then
                    // what they returned besides text
                    if (attachments == null) attachments = new ToolAttachments();
                    message(g, attachments.take(m) ? attachments.textOnly(m) : m, foreignParts, null);
                    continue;
                }
                writeAttachments(g, attachments, foreignParts);
                message(g, m, foreignParts, reasoning == null ? null : reasoning[i]);
            }
            writeAttachments(g, attachments, foreignParts);
            g.writeEndArray();
            if (!r.tools().isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (Tool t : r.tools()) tool(g, t);
                g.writeEndArray();
            }
            if (r.toolChoice() != null) toolChoice(g, r.toolChoice(), r.tools());
            if (r.parallelToolCalls() != null) g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls());
            if (r.responseFormat() != null) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", r.responseFormat().type());
                Json.writeIfNotNull(g, "json_schema", r.responseFormat().jsonSchema());
                g.writeEndObject();
            }
            // OpenAI's reasoning models take neither (only the default): an Anthropic client (Claude Code sends
            // temperature) does not know it is talking to one; an OpenAI client's own values go as it wrote them
            if (!(fromAnthropic(r) && reasoningModel())) {
                Json.writeIfNotNull(g, "temperature", r.temperature());
                Json.writeIfNotNull(g, "top_p", r.topP());
            }
            outputLimit(g, r);
            if (!r.stop().isEmpty()) {
                g.writeArrayFieldStart("stop");
                for (String s : r.stop()) g.writeString(s);
                g.writeEndArray();
            }
            // Mistral's seed is random_seed (a client's own random_seed, carried in extra, wins), and it has no user
            if (r.seed() != null && !r.extra().containsKey(wire.seedField())) g.writeNumberField(wire.seedField(), r.seed());
            if (wire.takesUser()) Json.writeIfNotNull(g, "user", OpenAiUser.of(r));
            // OpenAI takes metadata only for stored completions, and never the gateway's own keys (tags, tracing, guardrails)
            JsonNode store = r.extra().get("store");
            if (!r.metadata().isEmpty() && store != null && store.asBoolean()) {
                boolean open = false;
                for (Map.Entry<String, String> e : r.metadata().entrySet()) {
                    if (dev.switchboard.model.GatewayMetadata.KEYS.contains(e.getKey())) continue;
                    if (!open) g.writeObjectFieldStart("metadata");
                    open = true;
                    g.writeStringField(e.getKey(), e.getValue());
                }
                if (open) g.writeEndObject();
            }
            if (stream) {
                g.writeBooleanField("stream", true);
                // Always ask for usage: the gateway needs it for accounting even when the client did not ask;
                // the edge drops the usage chunk for clients that did not request it. A service that refuses the field
                // (Mistral) reports usage in its last chunk unasked.
                if (flavor.streamOptions()) {
                    g.writeObjectFieldStart("stream_options");
                    g.writeBooleanField("include_usage", true);
                    g.writeEndObject();
                }
            }
            for (Map.Entry<String, JsonNode> e : r.extra().entrySet()) {
                // Anthropic's automatic caching (a top-level cache_control): only to a service that takes Anthropic's
                // markers; OpenAI answers it with a 400 "Unrecognized request argument supplied" (a Claude→GPT fallback)
                if (e.getKey().equals("cache_control") && !flavor.forwardsCacheControl()) continue;
                if (e.getKey().equals("reasoning_effort")) {
                    // "default" is the model's own effort: where the word is no value of the service's, none is sent
                    if (wire.dropsEffort(e.getValue())) continue;
                    if (wire.mistralEffort()) { // Mistral's two values, to the models that take the field only
                        String v = mistralAdjustable ? MistralEffort.value(e.getValue()) : null;
                        if (v != null) g.writeStringField("reasoning_effort", v);
                        continue;
                    }
                }
                g.writeFieldName(e.getKey());
                g.writeTree(e.getValue());
            }
            String effort = effortForThinking(r);
            if (effort != null) g.writeStringField("reasoning_effort", effort);
            if (wire.reasoningDetails()) reasoningForThinking(g, r);
            g.writeEndObject();
        });
    }

    /**
     * An Anthropic client's {@code thinking} (Claude Code's thinking toggle) as {@code reasoning_effort} for OpenAI's
     * reasoning models (o-series, gpt-5), which reason anyway and take an effort, not a budget: up to 2,048 tokens low,
     * up to 8,192 medium, more high. Adaptive thinking ({@code type: adaptive}, the model decides how much, no budget) is
     * thinking on too: its {@code output_config.effort} when the client gave one ({@code xhigh} and {@code max} are {@code high}), else
     * {@code medium}, OpenAI's own default. Null for other models (gpt-4o refuses the field) or without thinking; an
     * OpenAI-dialect client writes {@code reasoning_effort} itself. None to OpenRouter: its {@code reasoning} object
     * ({@link #reasoningForThinking}, or the client's own) carries the thinking, and OpenRouter refuses a top-level
     * effort beside it that says otherwise.
     */
    private String effortForThinking(ChatRequest r) {
        if (!fromAnthropic(r) || r.extra().containsKey("reasoning_effort") || wire.reasoningDetails()) return null;
        JsonNode thinking = thinkingOn(r);
        if (thinking == null) return null;
        boolean adaptive = "adaptive".equals(thinking.path("type").asText());
        if (mistralAdjustable) return "high"; // Mistral's one effort with reasoning on
        if (!reasoningModel()) return null;
        if (adaptive) {
            JsonNode config = r.anthropicField("output_config");
            String effort = config == null ? "" : config.path("effort").asText("");
            return switch (effort) {
                case "low", "medium", "high" -> effort;
                case "max", "xhigh" -> "high"; // Claude's efforts above high: OpenAI's highest it takes everywhere
                default -> "medium";
            };
        }
        int budget = thinking.path("budget_tokens").asInt(0);
        return budget <= 2048 ? "low" : budget <= 8192 ? "medium" : "high";
    }

    /**
     * Whether an Anthropic client's thinking (on) is written as nothing here: {@link #effortForThinking} and
     * {@link #reasoningForThinking} both leave it out, so the model answers without thinking (gpt-4o and other models
     * that are no reasoning model; not Mistral's adjustable ones nor Magistral, not OpenRouter, not a request with its own
     * {@code reasoning_effort}); and on Mistral, an OpenAI client's {@code reasoning_effort} asking for reasoning that a
     * model without adjustable reasoning is not sent ({@link MistralEffort#effortLeftOff}). A heuristic: "reasoning model" is {@link ReasoningModels}' names (o1, o3, o4, gpt-5)
     * or {@code model_info.supports_reasoning: true}; a model that always thinks under another name (deepseek-reasoner,
     * grok-3-mini, Qwen3 on vLLM) without that flag is reported as a drop it is not.
     */
    boolean dropsThinking(ChatRequest r) {
        if (wire.mistralEffort() && MistralEffort.effortLeftOff(r.extra().get("reasoning_effort"), mistralAdjustable, mistralNative)) {
            return true; // an effort Mistral's model has no counterpart for: left off by canonical
        }
        if (!fromAnthropic(r) || r.extra().containsKey("reasoning_effort") || wire.reasoningDetails() || mistralAdjustable
                || mistralNative || reasoningModel() || declaredReasoning) return false;
        return thinkingOn(r) != null;
    }

    /** An Anthropic client's {@code thinking} when it is on ({@code enabled} with a budget, or {@code adaptive}), else null. */
    private static JsonNode thinkingOn(ChatRequest r) {
        JsonNode thinking = r.anthropicField("thinking");
        String type = thinking == null ? null : thinking.path("type").asText();
        return "enabled".equals(type) || "adaptive".equals(type) ? thinking : null;
    }

    /**
     * An Anthropic client's {@code thinking} as OpenRouter's {@code reasoning} object, which OpenRouter gives Claude as
     * its thinking budget ({@code max_tokens}; {@code enabled} for an adaptive thinking without one), unless the client
     * sent OpenRouter's own field. Without it a Claude model behind OpenRouter does not think, and a tool loop's
     * thinking blocks have nothing to sign.
     */
    private static void reasoningForThinking(JsonGenerator g, ChatRequest r) throws IOException {
        if (!fromAnthropic(r) || r.extra().containsKey("reasoning")) return;
        JsonNode thinking = r.anthropicField("thinking");
        String type = thinking == null ? null : thinking.path("type").asText();
        if (!"enabled".equals(type) && !"adaptive".equals(type)) return;
        g.writeObjectFieldStart("reasoning");
        int budget = thinking.path("budget_tokens").asInt(0);
        if (budget > 0) g.writeNumberField("max_tokens", budget);
        else g.writeBooleanField("enabled", true);
        g.writeEndObject();
    }

    /**
     * An Anthropic client's conversation for a server that takes a system message only at the start
     * ({@link WireRules#systemInConversation}): its later system messages as {@code <system-reminder>} notes in a user
     * turn ({@link dev.switchboard.provider.SystemReminders#folded}).
     */
    static List<Message> foldedSystem(List<Message> messages) {
        return dev.switchboard.provider.SystemReminders.folded(messages, "an OpenAI-style server that takes a system message only first");
    }


    private static boolean fromAnthropic(ChatRequest r) {
        return r.raw() != null && r.raw().is(dev.switchboard.model.RawJson.ANTHROPIC);
    }

    /**
     * OpenAI's reasoning models (o-series, gpt-5): an effort instead of a budget, no temperature or top_p of one's own,
     * and the output limit as {@code max_completion_tokens} only.
     */
    private boolean reasoningModel() { return reasoning; }

    private void outputLimit(JsonGenerator g, ChatRequest r) throws IOException {
        Integer limit = r.outputTokenLimit() != null ? r.outputTokenLimit() : deployment.maxTokens();
        if (limit == null) return;
        g.writeNumberField(completionField(r) ? "max_completion_tokens" : "max_tokens", limit);
    }

    /** The user turn holding what the tool results just written returned besides text, if any (see {@link ToolAttachments}). */
    private void writeAttachments(JsonGenerator g, ToolAttachments attachments, boolean foreignParts) throws IOException {
        Message turn = attachments == null ? null : attachments.drain();
        if (turn != null) message(g, turn, foreignParts, null);
    }

    /**
     * Whether the output-token limit goes as {@code max_completion_tokens} (else {@code max_tokens}): always to OpenAI's
     * reasoning models on {@code openai/} and {@code azure/} (the {@code openai} flavor), which refuse max_tokens with a
     * 400 ("Use 'max_completion_tokens' instead"; LiteLLM renames it for them too); else the client's own name where the
     * flavor keeps it, and max_tokens for the servers that know only that one.
     */
    private boolean completionField(ChatRequest r) {
        boolean openai = "openai".equals(flavor.prefix());
        // also behind a contract that otherwise knows only max_tokens (an old Azure api-version): a reasoning model
        // refuses max_tokens, and is served only by versions that take max_completion_tokens
        if (openai && reasoning) return true;
        if (!flavor.keepsOutputFieldName()) return false;
        return r.maxCompletionTokens() != null || (r.maxTokens() == null && openai);
    }

    /**
     * For each message, the reasoning text the service is sent back with it, or null ({@link WireRules.ReasoningEcho}):
     * an assistant turn's reasoning when, between the user messages around it, the model called tools; an empty text
     * for such a turn that called tools without known reasoning where the service requires the field (DeepSeek).
     */
    private String[] echoedReasoning(List<Message> messages) {
        String[] out = new String[messages.size()];
        int from = 0;
        for (int i = 0; i <= messages.size(); i++) {
            if (i < messages.size() && messages.get(i).role() != dev.switchboard.model.Role.USER) continue;
            boolean calledTools = false;
            for (int j = from; j < i && !calledTools; j++) calledTools = !messages.get(j).toolCalls().isEmpty();
            for (int j = from; calledTools && j < i; j++) {
                Message m = messages.get(j);
                if (m.role() != dev.switchboard.model.Role.ASSISTANT) continue;
                out[j] = m.reasoning() != null ? m.reasoning() : wire.reasoning().required && !m.toolCalls().isEmpty() ? "" : null;
            }
            from = i + 1;
        }
        return out;
    }

    /** The id as this service takes it: without a carried Gemini signature, and in Mistral's form for Mistral. */
    private String toolCallId(String id) {
        String plain = ToolCallIds.withoutSignature(id);
        return wire.mistralToolIds() ? dev.switchboard.model.ToolUseIds.forMistral(plain) : plain;
    }

    /** @param reasoning the reasoning text sent back with this turn, or null ({@link #echoedReasoning}) */
    private void message(JsonGenerator g, Message m, boolean foreignParts, String reasoning) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role().wire());
        content(g, m.content(), !m.toolCalls().isEmpty(), foreignParts);
        if (!wire.namesOnToolsOnly() || m.role() == dev.switchboard.model.Role.TOOL) Json.writeIfNotNull(g, "name", m.name());
        Json.writeIfNotNull(g, "refusal", m.refusal());
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                g.writeStartObject();
                // without a carried Gemini thoughtSignature: OpenAI refuses ids over 40 characters (see ToolCallIds)
                g.writeStringField("id", toolCallId(c.id()));
                if (c.custom()) { // a custom tool's call (only providers that take custom tools get one, see route.CustomTools)
                    g.writeStringField("type", "custom");
                    g.writeObjectFieldStart("custom");
                    g.writeStringField("name", c.name());
                    g.writeStringField("input", c.arguments() == null ? "" : c.arguments());
                } else {
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c.name());
                    g.writeStringField("arguments", c.arguments() == null ? "{}" : c.arguments());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        Json.writeIfNotNull(g, "tool_call_id", toolCallId(m.toolCallId()));
        // the client's own field of that name (an OpenRouter client's reasoning) goes as it wrote it, from extra
        if (reasoning != null && (m.extra() == null || !m.extra().has(wire.reasoning().field))) {
            g.writeStringField(wire.reasoning().field, reasoning);
        }
        // Claude's signed thinking (an Anthropic client's blocks) as OpenRouter's reasoning_details, unless the client
        // sent that field itself (it goes as written, from extra)
        if (wire.reasoningDetails() && m.extra() != null && m.extra().has("thinking_blocks")
                && !m.extra().has(dev.switchboard.model.ReasoningDetails.FIELD)) {
            g.writeFieldName(dev.switchboard.model.ReasoningDetails.FIELD);
            g.writeTree(dev.switchboard.model.ReasoningDetails.of(dev.switchboard.model.ThinkingBlocks.of(m)));
        }
        if (m.extra() != null) {
            for (Map.Entry<String, JsonNode> e : m.extra().properties()) {
                // Claude's signed thinking (LiteLLM's field, or carried by a Responses conversation): Anthropic's alone
                if (e.getKey().equals("thinking_blocks")) continue;
                g.writeFieldName(e.getKey());
                g.writeTree(e.getValue());
            }
        }
        g.writeEndObject();
    }

    /** A lone plain text part goes as a string (what every compatible server accepts); anything else as parts. */
    private void content(JsonGenerator g, List<ContentPart> parts, boolean hasToolCalls, boolean foreignParts) throws IOException {
        if (parts.isEmpty()) {
            if (hasToolCalls) g.writeNullField("content");
            else g.writeStringField("content", "");
            return;
        }
        if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text t && t.extra() == null
                && (t.cacheControl() == null || !flavor.forwardsCacheControl())) {
            g.writeStringField("content", t.text());
            return;
        }
        g.writeArrayFieldStart("content");
        for (ContentPart p : parts) {
            switch (p) {
                case ContentPart.Text t -> {
                    g.writeStartObject();
                    g.writeStringField("type", "text");
                    g.writeStringField("text", t.text());
                    cacheControl(g, t.cacheControl());
                    partExtra(g, t.extra());
                    g.writeEndObject();
                }
                case ContentPart.Image i -> {
                    g.writeStartObject();
                    g.writeStringField("type", "image_url");
                    g.writeObjectFieldStart("image_url");
                    g.writeStringField("url", i.url());
                    Json.writeIfNotNull(g, "detail", i.detail());
                    g.writeEndObject();
                    cacheControl(g, i.cacheControl());
                    partExtra(g, i.extra());
                    g.writeEndObject();
                }
                case ContentPart.File f -> file(g, f);
                // the client's own part, byte for byte: OpenAI-compatible servers read these shapes themselves
                case ContentPart.Audio a -> asSent(g, a.raw());
                case ContentPart.Other o -> {
                    if (foreignParts) {
                        String at = dev.switchboard.provider.Attachments.where(o.param());
                        throw GatewayException.badRequest(at + ": a content block of type '" + o.type() + "' cannot be "
                                + "translated for " + deploymentId + ", an OpenAI-style provider."
                                + dev.switchboard.provider.Attachments.anthropicOnly(o, deploymentId), at);
                    }
                    asSent(g, o.raw());
                }
            }
        }
        g.writeEndArray();
    }

    /** A part as the client sent it; its breakpoint only to a service that takes Anthropic's cache_control, as a text part's. */
    private void asSent(JsonGenerator g, com.fasterxml.jackson.databind.node.ObjectNode raw) throws IOException {
        if (raw.has("cache_control") && !flavor.forwardsCacheControl()) {
            com.fasterxml.jackson.databind.node.ObjectNode part = raw.deepCopy();
            part.remove("cache_control");
            g.writeTree(part);
        } else {
            g.writeTree(raw);
        }
    }

    /** A part's fields the gateway does not model, as the client wrote them (README: they reach the provider unchanged). */
    private static void partExtra(JsonGenerator g, com.fasterxml.jackson.databind.node.ObjectNode extra) throws IOException {
        if (extra == null) return;
        for (Map.Entry<String, JsonNode> e : extra.properties()) {
            g.writeFieldName(e.getKey());
            g.writeTree(e.getValue());
        }
    }

    /** The name an untitled document (an Anthropic PDF without {@code title}) is given for OpenAI, which needs one. */
    static final String UNTITLED_PDF = "document.pdf";

    /**
     * An OpenAI-dialect file part as sent; a file from another dialect (an Anthropic document) in OpenAI's shape, but a
     * plain-text one as text: OpenAI's file parts take PDFs only (a text/plain file_data is its 400). OpenAI also refuses
     * {@code file_data} without a {@code filename} (its 400 "Missing required parameter: '…file.file_id'"), and an
     * Anthropic document's {@code title} is optional: an untitled one (or one titled blank) is named {@value #UNTITLED_PDF}.
     */
    private void file(JsonGenerator g, ContentPart.File f) throws IOException {
        if ("file".equals(f.raw().path("type").asText())) {
            asSent(g, f.raw());
            return;
        }
        JsonNode source = f.raw().path("source");
        if ("text".equals(source.path("type").asText()) && source.path("data").isTextual()) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", dev.switchboard.model.DocumentText.of(f.raw().path("title").textValue(),
                    f.raw().path("context").textValue(), source.get("data").textValue()));
            cacheControl(g, f.cacheControl());
            g.writeEndObject();
            return;
        }
        g.writeStartObject();
        g.writeStringField("type", "file");
        g.writeObjectFieldStart("file");
        boolean untitled = f.filename() == null || f.filename().isBlank(); // a title of "" is no name either
        Json.writeIfNotNull(g, "filename", !untitled ? f.filename() : f.fileData() == null ? null : UNTITLED_PDF);
        Json.writeIfNotNull(g, "file_data", f.fileData());
        Json.writeIfNotNull(g, "file_id", f.fileId());
        g.writeEndObject();
        g.writeEndObject();
    }

    private void cacheControl(JsonGenerator g, JsonNode cc) throws IOException {
        if (cc != null && flavor.forwardsCacheControl()) Json.writeIfNotNull(g, "cache_control", cc);
    }

    private void tool(JsonGenerator g, Tool t) throws IOException {
        g.writeStartObject();
        if (t.custom()) { // OpenAI's custom (free-form) tool, as the client wrote it
            g.writeStringField("type", "custom");
            g.writeObjectFieldStart("custom");
            g.writeStringField("name", t.name());
            Json.writeIfNotNull(g, "description", t.description());
            g.writeFieldName("format");
            g.writeTree(t.customFormat());
            g.writeEndObject();
            cacheControl(g, t.cacheControl());
            g.writeEndObject();
            return;
        }
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", t.name());
        Json.writeIfNotNull(g, "description", t.description());
        Json.writeIfNotNull(g, "parameters", t.parameters());
        if (t.strict() != null) g.writeBooleanField("strict", t.strict());
        g.writeEndObject();
        cacheControl(g, t.cacheControl());
        g.writeEndObject();
    }

    /** Whether the tool {@code name} is one of {@code tools}' custom tools (named as such in a tool choice). */
    private static boolean isCustom(String name, List<Tool> tools) {
        for (Tool t : tools) if (t.custom() && t.name().equals(name)) return true;
        return false;
    }

    private static void toolChoice(JsonGenerator g, ToolChoice c, List<Tool> tools) throws IOException {
        if (c.allowed() != null) { // OpenAI's allowed_tools, as the client wrote it
            g.writeObjectFieldStart("tool_choice");
            g.writeStringField("type", "allowed_tools");
            g.writeObjectFieldStart("allowed_tools");
            g.writeStringField("mode", c.mode() == ToolChoice.Mode.REQUIRED ? "required" : "auto");
            g.writeArrayFieldStart("tools");
            for (String name : c.allowed()) {
                String type = isCustom(name, tools) ? "custom" : "function";
                g.writeStartObject();
                g.writeStringField("type", type);
                g.writeObjectFieldStart(type);
                g.writeStringField("name", name);
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
            return;
        }
        switch (c.mode()) {
            case AUTO -> g.writeStringField("tool_choice", "auto");
            case NONE -> g.writeStringField("tool_choice", "none");
            case REQUIRED -> g.writeStringField("tool_choice", "required");
            case FUNCTION -> {
                String type = isCustom(c.functionName(), tools) ? "custom" : "function";
                g.writeObjectFieldStart("tool_choice");
                g.writeStringField("type", type);
                g.writeObjectFieldStart(type);
                g.writeStringField("name", c.functionName());
                g.writeEndObject();
                g.writeEndObject();
            }
        }
    }

    Buffer embeddings(EmbeddingRequest r) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeFieldName("input");
            g.writeTree(r.input());
            Json.writeIfNotNull(g, "encoding_format", r.encodingFormat());
            Json.writeIfNotNull(g, "dimensions", r.dimensions());
            Json.writeIfNotNull(g, "user", r.user());
            for (Map.Entry<String, JsonNode> e : r.extra().entrySet()) {
                g.writeFieldName(e.getKey());
                g.writeTree(e.getValue());
            }
            g.writeEndObject();
        });
    }
}
