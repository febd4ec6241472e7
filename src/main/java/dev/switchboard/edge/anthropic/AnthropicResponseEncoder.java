package dev.switchboard.edge.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Canonical → Anthropic's message JSON. An answer that came from Anthropic itself is written as the
 * provider sent it (its raw body); any other provider's answer is translated.
 */
public final class AnthropicResponseEncoder {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    public Buffer response(ChatResponse r) { return response(r, java.util.List.of()); }

    /** @param tools the request's tools: a shortened name in the answer is given back as the client's own ({@code ToolNames}) */
    public Buffer response(ChatResponse r, java.util.List<dev.switchboard.model.Tool> tools) { return response(r, tools, null); }

    /**
     * @param tools   the request's tools: a shortened name in the answer is given back as the client's own
     * @param request the request answered, whose one-hour cache breakpoints decide whether a translated answer can say
     *                its writes' lifetimes ({@link #usage(Usage, boolean, ChatRequest)}), or null
     */
    public Buffer response(ChatResponse r, java.util.List<dev.switchboard.model.Tool> tools, ChatRequest request) {
        if (r.raw() != null && r.raw().is(RawJson.ANTHROPIC)) {
            if (r.usage() == null || r.usage().cost() == null || !(r.raw().body().get("usage") instanceof ObjectNode)) {
                return json(r.raw().body());
            }
            ObjectNode copy = (ObjectNode) r.raw().body().deepCopy();
            ((ObjectNode) copy.get("usage")).put("cost", plain(r.usage().cost()));
            return json(copy);
        }
        Choice c = r.choices().isEmpty() ? null : r.choices().get(0);
        ObjectNode m = F.objectNode();
        m.put("id", messageId(r.id()));
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", r.model());
        ArrayNode content = m.putArray("content");
        if (c != null) {
            com.fasterxml.jackson.databind.JsonNode signed = c.message().extra() == null ? null
                    : c.message().extra().get("thinking_blocks");
            // Claude behind OpenRouter: its reasoning_details, the signature with the text (OpenAI clients get the
            // field as OpenRouter sent it, in the message's extra)
            ArrayNode fromDetails = signed != null || c.message().extra() == null ? null
                    : dev.switchboard.model.ReasoningDetails.thinkingBlocks(
                            c.message().extra().get(dev.switchboard.model.ReasoningDetails.FIELD), c.message().reasoning());
            if (signed instanceof ArrayNode blocks && !blocks.isEmpty()) {
                // Claude's own signed blocks, from a provider that serves Claude in another wire format (Bedrock)
                for (com.fasterxml.jackson.databind.JsonNode b : blocks) content.add(b.deepCopy());
            } else if (fromDetails != null) {
                content.addAll(fromDetails);
            } else if (c.message().reasoning() != null) {
                content.addObject().put("type", "thinking").put("thinking", c.message().reasoning()).put("signature", "");
            }
            String text = c.message().textContent();
            // No empty text block: Anthropic answers an empty turn with content [], and rejects an empty text
            // block when a client sends this message back in its next request.
            // Claude's document citations from a provider that gives them in another wire format (Bedrock's
            // citationsContent): the text as the blocks they cite, as the Messages API answers
            ArrayNode cited = text.isEmpty() ? null : dev.switchboard.model.CitedText.blocks(c.message(), text);
            if (cited != null) {
                for (JsonNode b : cited) if (!b.path("text").asText().isEmpty()) content.add(b); // blocks() made copies
            } else if (!text.isEmpty()) {
                content.addObject().put("type", "text").put("text", text);
            }
            // An OpenAI-style refusal is Claude's: its words as text, and stop_reason refusal (below)
            String refused = c.message().refusal();
            if (refused != null && !refused.isEmpty()) content.addObject().put("type", "text").put("text", refused);
            for (ToolCall t : c.message().toolCalls()) {
                // the provider's id as it is (Kimi K2 wants its own back); an Anthropic upstream gets it mapped (ToolUseIds)
                ObjectNode use = content.addObject().put("type", "tool_use").put("id", t.id())
                        .put("name", dev.switchboard.model.ToolNames.restore(t.name(), tools));
                use.set("input", ToolInput.of(t.arguments()));
            }
        }
        boolean refusal = c != null && c.message().refusal() != null && !c.message().refusal().isEmpty();
        stop(m, refusal, c == null ? null : c.finishReason(), c == null ? null : c.stopSequence());
        m.set("usage", usage(r.usage() == null ? Usage.ZERO : r.usage(), true, request));
        return json(m);
    }

    /** What a message id starts with: an upstream's id without it gets it ({@link #messageId}). */
    static final String MESSAGE_ID_PREFIX = "msg_";

    static String messageId(String id) {
        // an answer without an id (a minimal server's) gets its own, unique as Anthropic's are
        return id == null ? dev.switchboard.model.RequestIds.answerId(MESSAGE_ID_PREFIX)
                : id.startsWith(MESSAGE_ID_PREFIX) ? id : MESSAGE_ID_PREFIX + id;
    }

    /**
     * {@code stop_reason} and {@code stop_sequence} into a message or a message_delta's delta: {@code stop_sequence} with
     * the sequence when the provider said which one stopped a natural end (Anthropic, Claude on Bedrock); OpenAI and
     * Gemini do not say, and a stop sequence there reads as {@code end_turn}, as from LiteLLM.
     */
    static void stop(ObjectNode into, boolean refused, FinishReason f, String stopSequence) {
        boolean bySequence = !refused && stopSequence != null && (f == null || f == FinishReason.STOP);
        into.put("stop_reason", refused ? "refusal" : bySequence ? "stop_sequence" : stopReason(f));
        if (bySequence) into.put("stop_sequence", stopSequence);
        else into.putNull("stop_sequence");
    }

    static String stopReason(FinishReason f) {
        if (f == null) return "end_turn";
        return switch (f) {
            case LENGTH -> "max_tokens";
            case TOOL_CALLS, FUNCTION_CALL -> "tool_use";
            case CONTENT_FILTER -> "refusal";
            case STOP -> "end_turn";
        };
    }

    /** USD as a decimal, which {@link #json} writes in plain notation (0.00000825, not 8.25E-6). */
    static java.math.BigDecimal plain(double usd) {
        return java.math.BigDecimal.valueOf(usd);
    }

    static ObjectNode usage(Usage u) { return usage(u, true, null); }

    /**
     * Anthropic's usage object of a translated answer. {@code cache_creation} splits the writes by lifetime as the
     * Messages API does, where the split is known: the 1-hour part where the provider said it (Bedrock's
     * {@code cacheDetails}), every other write a 5-minute one when the request asked for no one-hour cache. A request
     * with a one-hour breakpoint ({@code cache_control.ttl: "1h"}) served by a provider that counts its writes without
     * their lifetimes (OpenRouter forwards the ttl and reports only {@code cache_write_tokens}) gets no
     * {@code cache_creation}: its writes may be one-hour ones, and calling them 5-minute ones would be wrong. A provider
     * that said the lifetimes ({@link Usage#writeLifetimesSaid}: Bedrock's cacheDetails listing only 5-minute writes for
     * a one-hour cache point) gets its split said, the one-hour part 0.
     *
     * @param splitKnown false where the counts are not the answer's yet (a live stream's message_start): no
     *                   {@code cache_creation} then (the Messages API never sends it null, and Claude Code's stream-json
     *                   schemas reject a null), not zeros a later count would contradict
     * @param request    the request answered, or null when not known (read as one without a one-hour breakpoint)
     */
    static ObjectNode usage(Usage u, boolean splitKnown, ChatRequest request) {
        ObjectNode o = F.objectNode().put("input_tokens", u.uncachedPromptTokens())
                .put("cache_creation_input_tokens", u.cacheWriteTokens())
                .put("cache_read_input_tokens", u.cacheReadTokens());
        // the request is walked only for an answer with writes none of which the provider called one-hour ones
        if (splitKnown && (u.cacheWriteTokens() <= 0 || u.cacheWrite1hTokens() > 0 || u.writeLifetimesSaid() || !hourBreakpoint(request))) {
            int hour = Math.max(0, Math.min(u.cacheWrite1hTokens(), u.cacheWriteTokens()));
            o.putObject("cache_creation").put("ephemeral_5m_input_tokens", Math.max(0, u.cacheWriteTokens() - hour))
                    .put("ephemeral_1h_input_tokens", hour);
        }
        o.put("output_tokens", u.completionTokens());
        if (u.cost() != null) o.put("cost", plain(u.cost())); // the gateway's price of the call (USD), beside Anthropic's counts
        return o;
    }

    /** Whether the request has a one-hour cache breakpoint ({@code cache_control.ttl: "1h"}) on a tool, a content part or at its top level. */
    static boolean hourBreakpoint(ChatRequest request) {
        if (request == null) return false;
        if (hour(dev.switchboard.model.CacheInjectionPoint.automaticControl(request))) return true; // automatic caching, ttl 1h
        for (dev.switchboard.model.Tool t : request.tools()) if (hour(t.cacheControl())) return true;
        for (dev.switchboard.model.Message m : request.messages()) {
            for (dev.switchboard.model.ContentPart p : m.content()) if (hour(p.cacheControl())) return true;
        }
        return false;
    }

    private static boolean hour(JsonNode cacheControl) {
        return cacheControl != null && "1h".equals(cacheControl.path("ttl").asText(null));
    }

    /**
     * The aliases as Anthropic's model list, one page of it as Anthropic pages: {@code limit} (1 to 1,000, default 20)
     * entries after {@code after_id} or before {@code before_id}, {@code {"data":[ModelInfo…],"has_more","first_id",
     * "last_id"}}. The Anthropic SDKs' auto-pagination follows {@code has_more} with {@code after_id}.
     *
     * @throws dev.switchboard.model.GatewayException 400 naming the query parameter that is wrong
     */
    public Buffer models(java.util.Collection<String> aliases, long created, io.vertx.core.MultiMap query) {
        List<String> all = List.copyOf(aliases);
        int limit = 20;
        String l = query.get("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l.trim());
            } catch (NumberFormatException e) {
                throw dev.switchboard.model.GatewayException.badRequest("limit: Input should be a valid integer, unable to parse "
                        + "string as an integer", "limit");
            }
            if (limit < 1 || limit > 1000) {
                throw dev.switchboard.model.GatewayException.badRequest("limit: Input should be " + (limit < 1
                        ? "greater than or equal to 1" : "less than or equal to 1000"), "limit");
            }
        }
        String after = query.get("after_id");
        String before = query.get("before_id");
        // the ids between the cursors (an id this caller does not have leaves nothing on that side)
        int lo = after == null ? 0 : all.indexOf(after) < 0 ? all.size() : all.indexOf(after) + 1;
        int hi = before == null ? all.size() : Math.max(0, all.indexOf(before));
        int from;
        int to;
        boolean more;
        if (before != null && after == null) { // the page just before before_id
            to = hi;
            from = Math.max(lo, to - limit);
            more = from > lo;
        } else {
            from = lo;
            to = Math.max(from, Math.min(hi, from + limit));
            more = to < hi;
        }
        List<String> page = all.subList(Math.min(from, all.size()), Math.min(Math.max(from, to), all.size()));
        ObjectNode list = F.objectNode();
        ArrayNode data = list.putArray("data");
        for (String a : page) data.add(modelInfo(a, created));
        list.put("has_more", more);
        if (page.isEmpty()) list.putNull("first_id").putNull("last_id");
        else list.put("first_id", page.get(0)).put("last_id", page.get(page.size() - 1));
        return json(list);
    }

    /** One alias as Anthropic's ModelInfo ({@code GET /v1/models/{model_id}}). */
    public Buffer model(String alias, long created) {
        return json(modelInfo(alias, created));
    }

    private static ObjectNode modelInfo(String alias, long created) {
        return F.objectNode().put("type", "model").put("id", alias).put("display_name", alias)
                .put("created_at", java.time.Instant.ofEpochSecond(created).toString());
    }

    public Buffer error(GatewayException e) {
        return json(errorBody(e));
    }

    /** {@code {"type":"error","error":{"type","message"}}}, as a body and as the stream's error event. */
    static ObjectNode errorBody(GatewayException e) {
        String type = e.anthropicType(); // an upstream Anthropic error keeps its own, anything else gets its kind's
        String message = e.getMessage() == null ? "error" : e.getMessage();
        // Anthropic's own words for a prompt over the context window, which Claude Code compacts its conversation on,
        // whichever provider said it in its own. Claude's other wording ("input length and `max_tokens` exceed context
        // limit: …") is already Anthropic's and passes as Claude said it: clients match it anchored at the start.
        if (e.isContextWindow() && !dev.switchboard.model.ContextWindowWords.claudes(message)) message = "prompt is too long: " + message;
        ObjectNode n = F.objectNode().put("type", "error");
        n.putObject("error").put("type", type).put("message", message);
        return n;
    }

    static final com.fasterxml.jackson.databind.ObjectWriter WRITER = AnthropicRequestDecoder.MAPPER.writer()
            .with(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    static Buffer json(JsonNode n) {
        try {
            return Buffer.buffer(WRITER.writeValueAsBytes(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
