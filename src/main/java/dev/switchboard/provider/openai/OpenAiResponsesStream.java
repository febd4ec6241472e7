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
import dev.switchboard.provider.SseRelay;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;
import java.util.List;

/**
 * OpenAI's Responses-API event stream, passed through: each event becomes one chunk carrying the event as
 * {@link RawJson} (what a Responses-dialect client receives) and, where it adds any, the canonical delta the stages
 * read (text, reasoning, tool calls; at {@code response.completed} the finish reason and usage), each streamed text
 * through its running key scan ({@link ResponsesTextRuns}). {@code error} and
 * {@code response.failed} fail the stream; a body that ends before {@code response.completed} (or
 * {@code .incomplete}) is cut.
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

    @Override
    protected void onEvent(String event, byte[] data) {
        JsonNode e = json(data);
        if (e == null) return; // json() failed the stream
        RawJson raw = new RawJson(RawJson.OPENAI_RESPONSES, e);
        String type = e.path("type").asText(event == null ? "" : event);
        texts.mask(type, e, unmasked()); // before anything reads the delta: the event relayed and the canonical delta alike
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
            case "response.completed", "response.incomplete" -> {
                completed = true;
                emit(chunk(List.of(new ChunkChoice(0, Delta.EMPTY, OpenAiResponsesDecoder.finish(response, toolIndex >= 0), null)), null, null));
                emit(chunk(List.of(), OpenAiResponsesDecoder.usage(response.path("usage")), raw));
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

}
