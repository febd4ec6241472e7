package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.provider.EventStrings;
import dev.switchboard.provider.SseRelay;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;
import java.util.List;

/**
 * OpenAI's Responses-API event stream, passed through: each event becomes one chunk carrying the event as
 * {@link RawJson} (what a Responses-dialect client receives) and, where it adds any, the canonical delta the stages
 * read (text, reasoning, tool calls; at {@code response.completed} the finish reason and usage), each streamed text
 * through its running key scan ({@link ResponsesTextRuns}); the strings of every other event through theirs
 * ({@link EventStrings}). {@code error} and {@code response.failed} fail the stream; a body that ends before
 * {@code response.completed} (or {@code .incomplete}) is cut.
 *
 * <p>Each event's shape is checked before anything reads or relays it ({@link #shape}): a server that answers the
 * Responses API with another API's stream (a misconfigured OpenAI-compatible server sending Chat Completions chunks)
 * fails the attempt at its first event, before the client got a byte, and a later wrong event fails the stream at that
 * event. Relayed as they came, such events reached the client unread, and a key spread over their texts unmasked.
 */
final class OpenAiResponsesStream extends SseRelay {
    private final String deploymentId;
    private final String secret;
    private String id;
    private long created;
    private String model;
    private int toolIndex = -1;
    private boolean completed;
    /** The running key scans of the streamed texts: a key in pieces across delta events is masked in the events too. */
    private final ResponsesTextRuns texts = new ResponsesTextRuns(textRuns());
    /** The running key scans of the strings of every event {@link #texts} does not read (its own runs). */
    private final EventStrings strings = new EventStrings(textRuns());
    /** The built-in tool calls finished so far ({@code response.output_item.done}), which OpenAI bills beside the tokens. */
    private final dev.switchboard.provider.OpenAiBuiltInTools.Counter tools = new dev.switchboard.provider.OpenAiBuiltInTools.Counter();
    /** {@link #tools}' count, for a client that leaves (read on its thread): what a stream cut short still owes. */
    private volatile dev.switchboard.provider.OpenAiBuiltInTools.Used toolsSoFar = dev.switchboard.provider.OpenAiBuiltInTools.Used.NONE;

    OpenAiResponsesStream(HttpClientResponse upstream, UpstreamHttp.Endpoint endpoint, dev.switchboard.provider.KeyScrubber scrubber,
                          String deploymentId, String model, String secret) {
        super(upstream, endpoint, scrubber);
        this.deploymentId = deploymentId;
        this.model = model;
        this.secret = secret;
    }

    /** An {@code error} or {@code response.failed} event in place of {@code response.created}: the attempt's failure. */
    @Override
    protected dev.switchboard.model.GatewayException firstEventError(String event, byte[] data) {
        JsonNode e = dev.switchboard.provider.Json.readOrNull(data);
        if (e == null) return null;
        return switch (e.path("type").asText(event == null ? "" : event)) {
            case "error" -> OpenAiErrorDecoder.midStream(errorOf(e), deploymentId, secret);
            case "response.failed" -> OpenAiErrorDecoder.midStream(errorOf(e.path("response").path("error")), deploymentId, secret);
            default -> null;
        };
    }

    /** The first event of another API's stream fails the attempt before the stream starts (a 502, retried, fallen back). */
    @Override
    protected String firstEventShape(String event, byte[] data, int offset, int length) {
        JsonNode e;
        try {
            e = dev.switchboard.provider.Json.MAPPER.readTree(data, offset, length);
        } catch (Exception x) {
            return "an event that is not JSON (not a Responses API stream)";
        }
        return shape(e);
    }

    /** The types whose {@code delta} a Responses stream reads as a string (the canonical delta, the running scans). */
    private static final java.util.Set<String> TEXT_DELTAS = java.util.Set.of("response.output_text.delta",
            "response.reasoning_summary_text.delta", "response.reasoning_text.delta", "response.refusal.delta",
            "response.function_call_arguments.delta", "response.custom_tool_call_input.delta",
            "response.mcp_call_arguments.delta", "response.code_interpreter_call_code.delta", "response.audio.delta",
            "response.audio.transcript.delta", "response.shell_call_command.delta");

    /**
     * What is wrong with a Responses API event, or null when the gateway can read and relay it: a JSON object with a
     * string {@code type} that is {@code error} or starts with {@code response.}; the lifecycle events with a
     * {@code response} object, {@code response.output_item.*} with a typed {@code item} object, and the text deltas
     * with a string {@code delta}. Event types added later pass (their strings are scanned by {@link EventStrings}).
     */
    static String shape(JsonNode e) {
        if (e == null || !e.isObject()) return "not a JSON object";
        if (!(e.get("type") instanceof com.fasterxml.jackson.databind.node.TextNode t)) {
            return e.has("choices") || e.has("object") ? "a Chat Completions chunk, not a Responses API event (no string `type`)"
                    : "an event with no string `type` (not a Responses API event)";
        }
        String type = t.textValue();
        if (type.equals("error")) return null;
        if (!type.startsWith("response.")) {
            return "an event of type `" + (type.length() > 40 ? type.substring(0, 40) + "…" : type) + "`, not a Responses API event";
        }
        switch (type) {
            case "response.created", "response.in_progress", "response.queued", "response.completed", "response.incomplete",
                 "response.failed" -> {
                if (!e.path("response").isObject()) return type + " without a `response` object";
            }
            case "response.output_item.added", "response.output_item.done" -> {
                if (!e.path("item").isObject() || !e.path("item").path("type").isTextual()) {
                    return type + " without an `item` object with a string `type`";
                }
            }
            default -> {
                if (TEXT_DELTAS.contains(type) && !e.path("delta").isTextual()) return type + " without a string `delta`";
            }
        }
        return null;
    }

    @Override
    protected void onEvent(String event, byte[] data) {
        JsonNode e = json(data);
        if (e == null) return; // json() failed the stream
        String wrong = shape(e);
        if (wrong != null) {
            failShape(wrong); // relayed, it would reach the client unread, its texts outside every running key scan
            return;
        }
        RawJson raw = new RawJson(RawJson.OPENAI_RESPONSES, e);
        String type = e.get("type").textValue();
        // before anything reads the event: the event relayed and the canonical delta alike
        if (type.endsWith(".delta") && e.path("delta").isTextual()) texts.mask(type, e, unmasked());
        else strings.mask(type, e, unmasked());
        JsonNode response = e.path("response");
        if (response.isObject()) {
            id = response.path("id").asText(id);
            created = response.path("created_at").asLong(created);
            model = response.path("model").asText(model);
        }
        switch (type) {
            case "error" -> fail(OpenAiErrorDecoder.midStream(errorOf(e), deploymentId, secret));
            case "response.failed" -> fail(OpenAiErrorDecoder.midStream(errorOf(response.path("error")), deploymentId, secret));
            case "response.output_text.delta" -> emit(delta(new Delta(null, e.path("delta").asText(), null, null, null), raw));
            case "response.reasoning_summary_text.delta" -> emit(delta(new Delta(null, null, e.path("delta").asText(), null, null), raw));
            case "response.refusal.delta" -> emit(delta(new Delta(null, null, null, e.path("delta").asText(), null), raw));
            case "response.output_item.added" -> {
                JsonNode item = e.path("item");
                String kind = item.path("type").asText();
                if (kind.equals("function_call") || kind.equals("custom_tool_call")) {
                    toolIndex++;
                    emit(delta(new Delta(null, null, null, null, List.of(new ToolCallDelta(toolIndex, item.path("call_id").asText(),
                            item.path("name").asText(), "", kind.equals("custom_tool_call")))), raw));
                } else {
                    emit(chunk(List.of(), null, raw));
                }
            }
            case "response.function_call_arguments.delta" -> emit(delta(new Delta(null, null, null, null,
                    List.of(new ToolCallDelta(Math.max(0, toolIndex), null, null, e.path("delta").asText()))), raw));
            case "response.custom_tool_call_input.delta" -> emit(delta(new Delta(null, null, null, null,
                    List.of(new ToolCallDelta(Math.max(0, toolIndex), null, null, e.path("delta").asText(), true))), raw));
            case "response.output_item.done" -> {
                tools.add(e.path("item"));
                toolsSoFar = tools.used();
                emit(chunk(List.of(), null, raw));
            }
            case "response.completed", "response.incomplete" -> {
                completed = true;
                emit(chunk(List.of(new ChunkChoice(0, Delta.EMPTY, OpenAiResponsesDecoder.finish(response, toolIndex >= 0), null)), null, null));
                // the calls in the final output, or those the done events counted where the output leaves them out
                dev.switchboard.provider.OpenAiBuiltInTools.Used used =
                        dev.switchboard.provider.OpenAiBuiltInTools.used(response.path("output")).max(tools.used());
                emit(chunk(List.of(), OpenAiResponsesDecoder.withTools(OpenAiResponsesDecoder.usage(response.path("usage")), used), raw));
                finish();
            }
            default -> emit(chunk(List.of(), null, raw));
        }
    }

    /** An error object in the shape the OpenAI error decoder reads. */
    private static JsonNode errorOf(JsonNode e) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("message", e.path("message").asText("The upstream's response failed."));
        if (e.hasNonNull("code")) out.put("code", e.path("code").asText());
        out.put("type", e.path("type").asText("server_error").equals("error") ? "server_error" : e.path("type").asText("server_error"));
        return out;
    }

    private ChatChunk delta(Delta d, RawJson raw) {
        return chunk(List.of(new ChunkChoice(0, d, null, null)), null, raw);
    }

    private ChatChunk chunk(List<ChunkChoice> choices, dev.switchboard.model.Usage usage, RawJson raw) {
        return new ChatChunk(id, created, model, choices, usage, null, null, raw);
    }

    @Override
    protected boolean completeAtEndOfBody() { return completed; }

    /**
     * A stream cut before {@code response.completed} reported no tokens, but the built-in tool calls it finished were
     * billed: they are its usage so far (zero tokens, which the gateway's estimate replaces).
     */
    @Override
    public dev.switchboard.model.Usage usageSoFar() {
        dev.switchboard.provider.OpenAiBuiltInTools.Used used = toolsSoFar;
        return used.any() ? OpenAiResponsesDecoder.withTools(null, used) : null;
    }

}
