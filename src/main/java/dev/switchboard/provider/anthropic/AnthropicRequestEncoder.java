package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolUseIds;
import dev.switchboard.provider.ClaudeOutputLimits;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.ToolCallIds;
import java.util.Map;

/**
 * Canonical request → Anthropic Messages API body. System and developer messages become {@code system}
 * blocks; tool results become {@code tool_result} blocks in a user turn; consecutive turns of one role are
 * merged (the API wants user and assistant to alternate); every {@code cache_control} stays where the client
 * put it. A request that arrived in Anthropic's own dialect is passed through as sent, with only the model
 * replaced.
 */
final class AnthropicRequestEncoder {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final Deployment deployment;
    private final dev.switchboard.provider.ClaudeEffort effort;

    AnthropicRequestEncoder(Deployment deployment) {
        this.deployment = deployment;
        this.effort = dev.switchboard.provider.ClaudeEffort.of(deployment.model(), deployment.id());
    }

    /**
     * A raw Anthropic-dialect body's history with another provider's tool ids (Kimi K2's {@code functions.get_weather:0},
     * which the client was shown as they are) in the pattern Anthropic takes ({@link ToolUseIds}): {@code tool_use.id}
     * and {@code tool_result.tool_use_id} alike, so they still match; a body without such an id is left as written.
     */
    private static void anthropicToolIds(ObjectNode body) {
        for (JsonNode m : body.path("messages")) {
            for (JsonNode b : m.path("content")) {
                if (!(b instanceof ObjectNode block)) continue;
                String field = switch (block.path("type").asText("")) {
                    case "tool_use" -> "id";
                    case "tool_result" -> "tool_use_id";
                    default -> null;
                };
                if (field == null || !block.path(field).isTextual()) continue;
                String id = block.get(field).textValue(), mapped = ToolUseIds.forAnthropic(id);
                if (!mapped.equals(id)) block.put(field, mapped);
            }
        }
    }

    ObjectNode encode(ChatRequest r, boolean stream) {
        if (r.raw() != null && r.raw().is(dev.switchboard.model.RawJson.ANTHROPIC)) {
            ObjectNode body = ((ObjectNode) r.raw().body()).deepCopy();
            body.put("model", deployment.model());
            if (stream) body.put("stream", true); else body.remove("stream");
            anthropicToolIds(body);
            withoutUnsignedThinking(body);
            dev.switchboard.provider.ClaudeThinking.adaptiveAsBudget(body, deployment.model());
            // after the budget took the effort into account: a Claude that takes no effort refuses the field
            effort.fit(body);
            return body;
        }
        ObjectNode body = F.objectNode();
        body.put("model", deployment.model());
        ArrayNode system = F.arrayNode();
        ArrayNode messages = body.putArray("messages");
        for (Message m : r.messages()) {
            if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) {
                for (ContentPart p : m.content()) if (p instanceof ContentPart.Text t && !t.text().isEmpty()) system.add(text(t));
                continue;
            }
            boolean user = m.role() == Role.USER || m.role() == Role.TOOL;
            ArrayNode blocks = turn(messages, user ? "user" : "assistant");
            if (m.role() == Role.TOOL) blocks.add(toolResult(m));
            else if (m.role() == Role.USER) for (ContentPart p : m.content()) addPart(blocks, p);
            else assistant(blocks, m);
        }
        dropEmptyTurns(messages);
        requireAUserTurnToAnswer(r, messages);
        JsonNode schema = r.responseFormat() == null || r.responseFormat().jsonSchema() == null ? null
                : r.responseFormat().jsonSchema().get("schema");
        if (schema != null && schema.isObject()) {
            // A json_schema format is Anthropic's structured outputs (constrained decoding, generally available):
            // output_config.format. OpenAI's name, description and strict have no counterpart there. The schema in the
            // subset Claude enforces, as Anthropic's SDKs send one (ClaudeOutputSchema).
            body.putObject("output_config").putObject("format").put("type", "json_schema").set("schema", ClaudeOutputSchema.of(schema));
        } else if (r.responseFormat() != null && !"text".equals(r.responseFormat().type())) {
            // json_object (any JSON, no schema) has no Anthropic form: ask for it in the system prompt (README).
            system.add(F.objectNode().put("type", "text").put("text", "Respond with a single JSON object only, no prose."));
        }
        if (!system.isEmpty()) body.set("system", system);
        Integer limit = r.outputTokenLimit() != null ? r.outputTokenLimit() : deployment.maxTokens();
        body.put("max_tokens", limit != null ? limit : ClaudeOutputLimits.defaultMaxTokens(deployment.model()));
        if (!r.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool t : r.tools()) {
                ObjectNode tool = tools.addObject().put("name", t.name());
                if (t.description() != null) tool.put("description", t.description());
                tool.set("input_schema", t.parameters() != null ? t.parameters()
                        : F.objectNode().put("type", "object").set("properties", F.objectNode()));
                if (t.cacheControl() != null) tool.set("cache_control", t.cacheControl());
            }
        }
        toolChoice(body, r);
        if (r.temperature() != null) body.put("temperature", r.temperature());
        if (r.topP() != null) body.put("top_p", r.topP());
        if (!r.stop().isEmpty()) {
            ArrayNode stops = body.putArray("stop_sequences");
            r.stop().forEach(stops::add);
        }
        if (r.user() != null) body.putObject("metadata").put("user_id", r.user());
        anthropicOnlyExtras(body, r);
        withoutUnsignedThinking(body);
        dev.switchboard.provider.ClaudeThinking.adaptiveAsBudget(body, deployment.model());
        if (stream) body.put("stream", true);
        return body;
    }

    /**
     * Drops the thinking blocks no signature vouches for, from the history a Claude deployment gets: a block another
     * provider's thinking became (the gateway answers Gemini's and OpenAI-style reasoning to Anthropic clients with
     * {@code "signature": ""}, there being none) reaches Claude when the conversation moves to it — after the gateway's
     * own fallback, or a client's model switch — and Claude refuses the whole request (400 "Invalid `signature` in
     * `thinking` block"), every later turn of it too, since the client keeps the block. Without it, the last assistant
     * turn of a tool loop no longer starts with a thinking block, which Claude requires while thinking is on: then
     * thinking is turned off for this request, as LiteLLM does ({@code modify_params}), rather than answered with a 400
     * the client cannot fix. A request without such a block is left as it is.
     */
    static void withoutUnsignedThinking(ObjectNode body) {
        if (!(body.get("messages") instanceof ArrayNode messages)) return;
        boolean dropped = false;
        ObjectNode lastAssistant = null;
        for (java.util.Iterator<JsonNode> turns = messages.iterator(); turns.hasNext(); ) {
            if (!(turns.next() instanceof ObjectNode message) || !"assistant".equals(message.path("role").asText())) continue;
            if (!(message.get("content") instanceof ArrayNode content)) {
                lastAssistant = message;
                continue;
            }
            boolean droppedHere = false;
            for (java.util.Iterator<JsonNode> it = content.iterator(); it.hasNext(); ) {
                JsonNode block = it.next();
                if ("thinking".equals(block.path("type").asText()) && block.path("signature").asText("").isEmpty()) {
                    it.remove();
                    droppedHere = true;
                }
            }
            dropped |= droppedHere;
            // a turn that was nothing but such a block: gone (Claude refuses an empty turn, and joins the user turns
            // left side by side)
            if (droppedHere && content.isEmpty()) turns.remove();
            else lastAssistant = message;
        }
        if (!dropped || lastAssistant == null || !thinkingOn(body)) return;
        if (!(lastAssistant.get("content") instanceof ArrayNode content)) return; // text content, or none: no tool loop
        boolean callsTools = false;
        for (JsonNode block : content) callsTools |= "tool_use".equals(block.path("type").asText());
        String first = content.isEmpty() ? "" : content.get(0).path("type").asText();
        if (callsTools && !first.equals("thinking") && !first.equals("redacted_thinking")) body.remove("thinking");
    }

    /**
     * Whether the request's thinking reaches this Claude as nothing (Provider#dropsThinking), by the encoder's own rules,
     * read without encoding: an Anthropic client's thinking on that {@link #withoutUnsignedThinking} turns off (a tool
     * loop whose turn held only unsigned thinking, as another provider's answer gave it) or that
     * {@link dev.switchboard.provider.ClaudeThinking#adaptiveAsBudget} leaves off for a model that thinks only with a
     * budget; an OpenAI-dialect {@code reasoning_effort} Claude cannot take with the request's forced tool choice or
     * tool loop ({@link dev.switchboard.provider.ClaudeThinking#effortLeftOff}). A Claude without thinking at all (3.5,
     * 3 Haiku) is sent it and refuses it with a 400: no silent drop.
     */
    boolean dropsThinking(ChatRequest r) {
        if (r.raw() != null && r.raw().is(dev.switchboard.model.RawJson.ANTHROPIC)) {
            JsonNode body = r.raw().body();
            return thinkingOn(body) && (unsignedThinkingTurnsItOff(body)
                    || dev.switchboard.provider.ClaudeThinking.adaptiveLeftOff(body, deployment.model()));
        }
        return dev.switchboard.provider.ClaudeThinking.effortLeftOff(r);
    }

    /** Whether {@link #withoutUnsignedThinking} removes the body's thinking, read without changing the body. */
    static boolean unsignedThinkingTurnsItOff(JsonNode body) {
        boolean dropped = false, lastIsArray = false, lastCalls = false;
        String lastFirst = "";
        for (JsonNode m : body.path("messages")) {
            if (!m.isObject() || !"assistant".equals(m.path("role").asText())) continue;
            JsonNode content = m.get("content");
            if (!(content instanceof ArrayNode)) {
                lastIsArray = false;
                continue;
            }
            boolean droppedHere = false, calls = false;
            String first = null;
            for (JsonNode block : content) {
                String type = block.path("type").asText();
                if ("thinking".equals(type) && block.path("signature").asText("").isEmpty()) {
                    droppedHere = true;
                    continue;
                }
                if (first == null) first = type;
                calls |= "tool_use".equals(type);
            }
            dropped |= droppedHere;
            if (droppedHere && first == null) continue; // the turn goes: the one before stays the last
            lastIsArray = true;
            lastCalls = calls;
            lastFirst = first == null ? "" : first;
        }
        return dropped && lastIsArray && lastCalls && !lastFirst.equals("thinking") && !lastFirst.equals("redacted_thinking");
    }

    private static boolean thinkingOn(JsonNode body) {
        String type = body.path("thinking").path("type").asText("");
        return type.equals("enabled") || type.equals("adaptive");
    }


    /** Anthropic fields an OpenAI-dialect client may send through (LiteLLM accepts these too): thinking, top_k, cache_control. */
    private static void anthropicOnlyExtras(ObjectNode body, ChatRequest r) {
        Map<String, JsonNode> extra = r.extra();
        if (extra.get("thinking") != null) body.set("thinking", extra.get("thinking"));
        if (extra.get("top_k") != null) body.set("top_k", extra.get("top_k"));
        // Anthropic's automatic caching, as LiteLLM forwards it (BerriAI/litellm#22442); Vertex's hook moves it onto the last block
        if (extra.get("cache_control") instanceof com.fasterxml.jackson.databind.node.ObjectNode cc) body.set("cache_control", cc);
        if (!body.has("thinking")) {
            ObjectNode thinking = dev.switchboard.provider.ClaudeThinking.forEffort(r, body.path("max_tokens").asInt());
            if (thinking != null) body.set("thinking", thinking);
        }
    }

    /**
     * Removes turns left without blocks (an assistant message of "" and no tool calls, a user message of ""):
     * Anthropic rejects empty messages. The turns around a removed one may then share a role and are merged. An empty
     * last user turn is not served this way: {@link #requireAUserTurnToAnswer} refuses the request.
     */
    private static void dropEmptyTurns(ArrayNode messages) {
        for (int i = 0; i < messages.size(); ) {
            if (messages.get(i).get("content").isEmpty()) {
                messages.remove(i);
                if (i > 0 && i < messages.size()
                        && messages.get(i - 1).get("role").asText().equals(messages.get(i).get("role").asText())) {
                    ((ArrayNode) messages.get(i - 1).get("content")).addAll((ArrayNode) messages.get(i).get("content"));
                    messages.remove(i);
                }
                continue;
            }
            i++;
        }
    }

    /**
     * Refuses, before any call, a conversation whose last user turn was dropped as empty ({@link #dropEmptyTurns}):
     * without it the request would end with the assistant's turn, which Claude reads as a prefill and continues instead
     * of answering (the client cannot tell), or, as the only message, go as {@code messages: []} and come back as
     * Anthropic's 400 naming no field. An empty user turn in the middle, and empty assistant turns, are still left out:
     * the turn the client wants answered is there. The param is the message as the client numbered it
     * ({@code messages[N].content}); a conversation left with no turn at all without such a message names
     * {@code messages}.
     */
    private static void requireAUserTurnToAnswer(ChatRequest r, ArrayNode messages) {
        if (!messages.isEmpty() && !"assistant".equals(messages.get(messages.size() - 1).path("role").asText())) return;
        // the client's last turn, an empty assistant one (left out, as it prefills nothing) not counted
        for (int i = r.messages().size() - 1; i >= 0; i--) {
            Message m = r.messages().get(i);
            if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER || (m.role() == Role.ASSISTANT && leavesNoBlock(m))) continue;
            if (m.role() != Role.USER) return; // the client's own assistant turn last: its prefill, sent as written
            // a user turn that left no block (else the last turn would be a user one)
            String at = "messages[" + i + "].content";
            throw GatewayException.badRequest(at + ": Claude does not accept an empty user message, and "
                    + (messages.isEmpty() ? "no other message of this request has content" : "without it the conversation "
                    + "would end with the assistant's turn, which Claude continues instead of replying to") + ". Fix: "
                    + "give the last user message some content, or leave it out.", at);
        }
        if (messages.isEmpty()) {
            throw GatewayException.badRequest("messages: Claude needs at least one user or assistant message with content, "
                    + "and this request has none.", "messages");
        }
    }

    /** Whether {@link #assistant} writes no block for this turn: no text, refusal, thinking, other part or tool call. */
    private static boolean leavesNoBlock(Message m) {
        if (!m.toolCalls().isEmpty() || m.refusalText() != null || !dev.switchboard.model.ThinkingBlocks.of(m).isEmpty()) return false;
        for (ContentPart p : m.content()) {
            if (Message.isRefusalPart(p)) continue;
            if (!(p instanceof ContentPart.Text t) || !t.text().isEmpty()) return false;
        }
        return true;
    }

    /** The block list of the last turn if it has this role, else a new turn: consecutive roles merge. */
    private static ArrayNode turn(ArrayNode messages, String role) {
        if (!messages.isEmpty()) {
            JsonNode last = messages.get(messages.size() - 1);
            if (role.equals(last.get("role").asText())) return (ArrayNode) last.get("content");
        }
        ObjectNode m = messages.addObject().put("role", role);
        return m.putArray("content");
    }

    private static void assistant(ArrayNode blocks, Message m) {
        thinkingBlocks(blocks, m);
        for (ContentPart p : m.content()) {
            if (Message.isRefusalPart(p)) continue; // as text, below
            if (!(p instanceof ContentPart.Text t) || !t.text().isEmpty()) addPart(blocks, p);
        }
        String refused = m.refusalText();
        if (refused != null) blocks.addObject().put("type", "text").put("text", refused);
        for (ToolCall c : m.toolCalls()) {
            // a Gemini thoughtSignature carried in the id means nothing here (see ToolCallIds)
            ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", ToolUseIds.forAnthropic(ToolCallIds.withoutSignature(c.id())))
                    .put("name", c.name());
            use.set("input", arguments(c));
        }
    }

    /**
     * An OpenAI-dialect assistant turn's {@code thinking_blocks} (LiteLLM's field: Claude's signed thinking and
     * redacted_thinking blocks, which the gateway's answers carry too) go back first in the turn, as Anthropic wants
     * them: with thinking on, a turn that called tools must start with its signed thinking block (checked by
     * {@link dev.switchboard.model.ThinkingBlocks}).
     */
    private static void thinkingBlocks(ArrayNode blocks, Message m) {
        for (dev.switchboard.model.ThinkingBlocks.Block b : dev.switchboard.model.ThinkingBlocks.of(m)) {
            if (b.redacted()) blocks.addObject().put("type", "redacted_thinking").put("data", b.redactedData());
            else blocks.addObject().put("type", "thinking").put("thinking", b.thinking()).put("signature", b.signature());
        }
    }

    private static JsonNode arguments(ToolCall c) {
        if (c.arguments() == null || c.arguments().isBlank()) return F.objectNode();
        try {
            JsonNode n = Json.MAPPER.readTree(c.arguments());
            if (n.isObject()) return n;
        } catch (Exception ignored) {
            // fall through to the error below
        }
        throw GatewayException.badRequest("Tool call " + c.id() + " has arguments that are not a JSON object; "
                + "Anthropic needs tool_use input as an object.", "messages");
    }

    private static ObjectNode toolResult(Message m) {
        ObjectNode r = F.objectNode().put("type", "tool_result").put("tool_use_id",
                ToolUseIds.forAnthropic(ToolCallIds.withoutSignature(m.toolCallId())));
        boolean blocks = m.content().stream().anyMatch(p -> !(p instanceof ContentPart.Text t) || t.cacheControl() != null);
        if (!blocks) {
            r.put("content", m.textContent());
        } else {
            ArrayNode content = r.putArray("content");
            for (ContentPart p : m.content()) addPart(content, p);
        }
        return r;
    }

    private static void addPart(ArrayNode blocks, ContentPart p) {
        switch (p) {
            case ContentPart.Text t -> {
                if (!t.text().isEmpty()) blocks.add(text(t));
            }
            case ContentPart.Image i -> blocks.add(image(i));
            case ContentPart.File f -> blocks.add(AnthropicAttachments.file(f));
            case ContentPart.Audio a -> throw AnthropicAttachments.audio(a);
            case ContentPart.Other o -> blocks.add(o.raw()); // a block the client wrote in a shape Anthropic may know
        }
    }

    private static ObjectNode text(ContentPart.Text t) {
        ObjectNode b = F.objectNode().put("type", "text").put("text", t.text());
        if (t.cacheControl() != null) b.set("cache_control", t.cacheControl());
        return b;
    }

    private static ObjectNode image(ContentPart.Image i) {
        ObjectNode b = F.objectNode().put("type", "image");
        ObjectNode source = b.putObject("source");
        String url = i.url();
        if (url.startsWith("data:")) {
            dev.switchboard.provider.Attachments.DataUrl data = dev.switchboard.provider.Attachments.DataUrl.parse(url);
            if (data == null) throw dev.switchboard.provider.Attachments.notBase64(i);
            source.put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
        } else {
            source.put("type", "url").put("url", url);
        }
        if (i.cacheControl() != null) b.set("cache_control", i.cacheControl());
        return b;
    }

    private static void toolChoice(ObjectNode body, ChatRequest r) {
        if (r.toolChoice() == null && r.parallelToolCalls() == null) return;
        if (r.tools().isEmpty()) return;
        ObjectNode c = body.putObject("tool_choice");
        var choice = r.toolChoice();
        switch (choice == null ? dev.switchboard.model.ToolChoice.Mode.AUTO : choice.mode()) {
            case AUTO -> c.put("type", "auto");
            case REQUIRED -> c.put("type", "any");
            case NONE -> c.put("type", "none");
            case FUNCTION -> c.put("type", "tool").put("name", choice.functionName());
        }
        if (Boolean.FALSE.equals(r.parallelToolCalls()) && !"none".equals(c.get("type").asText())) {
            c.put("disable_parallel_tool_use", true);
        }
    }

}
