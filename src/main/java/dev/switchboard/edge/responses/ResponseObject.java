package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.ReasoningDetails;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Response object ({@code object: "response"}) and its output items, built from canonical parts, for the JSON
 * answer, the stream's {@code response.*} snapshots and the stored copy alike. Every field the spec's
 * {@code Response} schema requires is written; request fields the client did not send get OpenAI's defaults.
 */
final class ResponseObject {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ResponseObject() {}

    /**
     * A response id: unguessable, since ids are how stored responses are read, and saying when it was made (a gateway on
     * the same database waits briefly for a recent one it does not find yet: {@link dev.switchboard.pipeline.ResponseIds}).
     */
    static String newResponseId(long createdMillis) {
        return dev.switchboard.pipeline.ResponseIds.create(createdMillis);
    }

    /** An output item id ({@code msg_}, {@code fc_}, {@code rs_}): unique within the gateway's answers. */
    static String itemId(String prefix) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return prefix + HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
    }

    /**
     * @param status      completed, incomplete, in_progress, failed, or (background responses) queued or cancelled
     * @param usage       null while in progress
     * @param incomplete  why an incomplete response stopped (max_output_tokens, content_filter), else null
     * @param error       why a failed response failed, else null
     */
    static ObjectNode build(String id, long createdAt, String model, String status, ArrayNode output, Usage usage,
                            ResponsesRequest req, String incomplete, GatewayException error) {
        ObjectNode r = F.objectNode();
        ObjectNode echo = req.echo();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", status);
        r.put("background", req.background());
        if (status.equals("completed")) r.put("completed_at", System.currentTimeMillis() / 1000);
        else r.putNull("completed_at");
        if (error == null) r.putNull("error");
        else {
            GatewayException named = ResponsesErrorNames.of(error); // max_output_tokens, as the same refusal's 400 says
            r.putObject("error").put("code", errorCode(named)).put("message", named.getMessage() == null ? "Unknown error" : named.getMessage());
        }
        if (incomplete == null) r.putNull("incomplete_details");
        else r.putObject("incomplete_details").put("reason", incomplete);
        r.set("instructions", echo.path("instructions").isMissingNode() ? F.nullNode() : echo.get("instructions"));
        r.set("max_output_tokens", echoed(echo, "max_output_tokens", F.nullNode()));
        r.put("model", model);
        r.set("output", output);
        r.set("parallel_tool_calls", echoed(echo, "parallel_tool_calls", F.booleanNode(true)));
        r.set("previous_response_id", echoed(echo, "previous_response_id", F.nullNode()));
        r.set("reasoning", echoed(echo, "reasoning", F.nullNode()));
        r.put("store", req.store());
        r.set("temperature", echoed(echo, "temperature", F.numberNode(1.0)));
        JsonNode text = echo.get("text");
        if (text == null || text.isObject() && !text.hasNonNull("format")) {
            // OpenAI always answers text.format ({"type":"text"} by default), also to a client that sent only verbosity
            ObjectNode t = F.objectNode();
            t.putObject("format").put("type", "text");
            if (text != null) text.properties().forEach(e -> { if (!e.getKey().equals("format")) t.set(e.getKey(), e.getValue()); });
            text = t;
        }
        r.set("text", text);
        r.set("tool_choice", echoed(echo, "tool_choice", F.textNode("auto")));
        r.set("tools", echoed(echo, "tools", F.arrayNode()));
        r.set("top_p", echoed(echo, "top_p", F.numberNode(1.0)));
        r.set("truncation", echoed(echo, "truncation", F.textNode("disabled")));
        if (usage != null) r.set("usage", usage(usage)); // absent, not null, while in progress (the spec's type is an object)
        if (echo.has("user")) r.set("user", echo.get("user"));
        r.set("metadata", echoed(echo, "metadata", F.objectNode()));
        for (String f : new String[] {"service_tier", "prompt_cache_key", "safety_identifier", "top_logprobs", "max_tool_calls"}) {
            if (echo.has(f)) r.set(f, echo.get(f));
        }
        return r;
    }

    private static JsonNode echoed(ObjectNode echo, String field, JsonNode dflt) {
        JsonNode v = echo.get(field);
        return v == null ? dflt : v;
    }

    /**
     * A code of the spec's {@code ResponseErrorCode} list for a failure; except a budget refusal's, which that list has no
     * code for: {@code budget_exceeded}, the code the same refusal's 400 has without {@code background}, so that a client
     * reads one code both ways and tells a budget reached from a bad prompt (it was {@code invalid_prompt}, as every 400).
     */
    static String errorCode(GatewayException e) {
        if ("budget_exceeded".equals(e.code())) return "budget_exceeded";
        return switch (e.kind()) {
            case RATE_LIMIT -> "rate_limit_exceeded";
            case BAD_REQUEST -> "invalid_prompt";
            default -> "server_error";
        };
    }

    /** Status and incomplete reason for a finish reason. */
    static String status(FinishReason finish) {
        return finish == FinishReason.LENGTH || finish == FinishReason.CONTENT_FILTER ? "incomplete" : "completed";
    }

    static String incompleteReason(FinishReason finish) {
        if (finish == FinishReason.LENGTH) return "max_output_tokens";
        if (finish == FinishReason.CONTENT_FILTER) return "content_filter";
        return null;
    }

    static ObjectNode usage(Usage u) {
        ObjectNode o = F.objectNode();
        o.put("input_tokens", u.promptTokens());
        o.putObject("input_tokens_details").put("cached_tokens", u.cacheReadTokens()).put("cache_write_tokens", u.cacheWriteTokens());
        o.put("output_tokens", u.completionTokens());
        o.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        o.put("total_tokens", u.totalTokens());
        withCost(o, u);
        return o;
    }

    /**
     * {@code usage} with the gateway's price of the call ({@code cost}, USD, in plain notation as on the other dialects'
     * answers, the same value as {@code x-switchboard-cost} and the ledger row), when {@code u} is priced; an upstream's
     * own {@code cost} is left as it said it.
     */
    static void withCost(ObjectNode usage, Usage u) {
        if (u == null || u.cost() == null || usage.has("cost")) return;
        usage.putRawValue("cost", new com.fasterxml.jackson.databind.util.RawValue(dev.switchboard.model.PlainDecimal.of(u.cost())));
    }

    /**
     * The output items of a whole answer: its reasoning, its message (text with the upstream's url citations and, when
     * asked, log probabilities; or a refusal), then its function calls.
     *
     * @param logprobs the chat choice's {@code logprobs}, or null
     * @param status the response's status: an answer cut short ({@code incomplete}) leaves the items it was writing
     *               when cut incomplete, as OpenAI marks them: its calls, or its message when no call follows it. A
     *               message followed by calls was whole before they began (OpenAI, and our stream, close it
     *               {@code completed} then), so stream and whole answer agree on every item
     */
    static ArrayNode output(Message m, JsonNode logprobs, ResponsesRequest req, String status) {
        String itemStatus = "incomplete".equals(status) ? "incomplete" : "completed";
        String messageStatus = m.toolCalls().isEmpty() ? itemStatus : "completed";
        ArrayNode out = F.arrayNode();
        JsonNode signed = m.extra() == null ? null : m.extra().get("thinking_blocks");
        String summary = m.reasoning() == null || m.reasoning().isEmpty() ? null : m.reasoning();
        if (!(signed instanceof ArrayNode given && !given.isEmpty()) && m.extra() != null
                && m.extra().get(ReasoningDetails.FIELD) instanceof ArrayNode details) {
            // Claude behind OpenRouter: its reasoning_details, signed, as the Anthropic edge reads them
            signed = ReasoningDetails.thinkingBlocks(details, summary);
            if (summary == null) summary = ReasoningDetails.text(details);
        }
        if (!(m.extra() != null && m.extra().get("thinking_blocks") instanceof ArrayNode given && !given.isEmpty())
                && signed instanceof ArrayNode claudes && claudes.size() > 1) {
            // several of Claude's blocks behind OpenRouter: a reasoning item each, its summary the block's own text and
            // its encrypted_content that block, as the stream gives them (the way back joins the items' blocks in order)
            for (JsonNode b : claudes) {
                String own = b.path("thinking").asText("");
                ObjectNode reasoning = reasoningItem(itemId(dev.switchboard.model.GatewayReasoning.ID_PREFIX), own.isEmpty() ? null : own);
                reasoning.put("encrypted_content", SignedReasoning.encode(F.arrayNode().add(b)));
                out.add(reasoning);
            }
        } else if (summary != null || signed instanceof ArrayNode a && !a.isEmpty()) {
            ObjectNode reasoning = reasoningItem(itemId(dev.switchboard.model.GatewayReasoning.ID_PREFIX), summary);
            // Claude's signed blocks, for the next turn of a tool loop (SignedReasoning)
            if (signed instanceof ArrayNode blocks && !blocks.isEmpty()) reasoning.put("encrypted_content", SignedReasoning.encode(blocks));
            out.add(reasoning);
        }
        String text = m.textContent();
        if (!text.isEmpty() || m.refusal() != null) {
            ObjectNode msg = messageItem(itemId("msg_"), messageStatus);
            ArrayNode content = (ArrayNode) msg.get("content");
            if (!text.isEmpty()) {
                content.add(outputText(text, OutputText.annotations(m.extra() == null ? null : m.extra().get("annotations")),
                        OutputText.logprobs(logprobs)));
            }
            if (m.refusal() != null) content.add(refusal(m.refusal()));
            out.add(msg);
        }
        for (ToolCall c : m.toolCalls()) {
            String args = c.arguments() == null ? "" : c.arguments();
            out.add(c.custom() ? customToolCall(itemId("ctc_"), c.id(), req.split(c.name()), args, itemStatus)
                    : functionCall(itemId("fc_"), c.id(), req.split(c.name()), args, itemStatus));
        }
        return out;
    }

    static ObjectNode reasoningItem(String id, String summary) {
        ObjectNode o = F.objectNode().put("id", id).put("type", "reasoning");
        ArrayNode s = o.putArray("summary");
        if (summary != null) s.addObject().put("type", "summary_text").put("text", summary);
        return o;
    }

    static ObjectNode messageItem(String id, String status) {
        ObjectNode o = F.objectNode().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        o.putArray("content");
        return o;
    }

    static ObjectNode outputText(String text) {
        return outputText(text, F.arrayNode(), F.arrayNode());
    }

    /** An output_text part; {@code annotations} and {@code logprobs} in the Responses API's shapes ({@link OutputText}). */
    static ObjectNode outputText(String text, ArrayNode annotations, ArrayNode logprobs) {
        ObjectNode o = F.objectNode().put("type", "output_text").put("text", text);
        o.set("annotations", annotations);
        o.set("logprobs", logprobs);
        return o;
    }

    static ObjectNode refusal(String text) {
        return F.objectNode().put("type", "refusal").put("refusal", text);
    }

    /**
     * A custom tool's call, as the spec's ResponseCustomToolCall (its input text in the place of arguments), with the
     * {@code status} OpenAI's items carry though the spec leaves it out.
     */
    static ObjectNode customToolCall(String id, String callId, String[] name, String input, String status) {
        ObjectNode o = F.objectNode().put("id", id).put("type", "custom_tool_call").put("status", status).put("call_id", callId)
                .put("name", name[1]);
        if (name[0] != null) o.put("namespace", name[0]);
        return o.put("input", input);
    }

    /** @param name {namespace or null, name}, from {@link ResponsesRequest#split} */
    static ObjectNode functionCall(String id, String callId, String[] name, String arguments, String status) {
        ObjectNode o = F.objectNode().put("id", id).put("type", "function_call").put("status", status).put("call_id", callId)
                .put("name", name[1]);
        if (name[0] != null) o.put("namespace", name[0]);
        return o.put("arguments", arguments);
    }
}
