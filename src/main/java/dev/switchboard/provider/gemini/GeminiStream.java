package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.SseRelay;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini's {@code streamGenerateContent?alt=sse}: each event is a partial GenerateContentResponse; there is
 * no end marker, so the stream is complete when the body ends after a candidate carried a finishReason (or
 * after the single event of a blocked prompt, which has promptFeedback.blockReason and no candidates).
 * Function calls arrive whole, so each becomes one tool-call delta with id, name and all its arguments.
 */
final class GeminiStream extends SseRelay {
    private final String fallbackModel;
    private final String deploymentId;
    private final String secret;
    private boolean started;
    private boolean finished;
    private int toolIndex;
    private String id;
    private final long created = System.currentTimeMillis() / 1000;
    private final KeyScrubber.Run textRun = textRun();

    GeminiStream(HttpClientResponse upstream, UpstreamHttp.Endpoint endpoint, KeyScrubber scrubber, String deploymentId,
                 String fallbackModel, String secret) {
        super(upstream, endpoint, scrubber);
        this.deploymentId = deploymentId;
        this.fallbackModel = fallbackModel;
        this.secret = secret;
    }

    @Override
    protected void onEvent(String event, byte[] data) {
        JsonNode n = json(data);
        if (n == null) return;
        if (n.has("error")) {
            fail(GeminiErrorDecoder.fromBody(n.path("error").path("code").asInt(502), n, null, deploymentId, secret));
            return;
        }
        String problem = GeminiAnswerShape.event(n);
        if (problem != null) {
            failShape(problem);
            return;
        }
        if (id == null) id = Json.text(n, "responseId");
        String model = Json.text(n, "modelVersion") == null ? fallbackModel : Json.text(n, "modelVersion");
        if (!started) {
            started = true;
            // content null, not "": the turn may be only tool calls, whose content OpenAI leaves null
            emit(chunk(model, new Delta(Role.ASSISTANT, null, null, null, null), null, null));
        }
        if (!finished && n.path("candidates").isEmpty() && GeminiResponseDecoder.promptBlocked(n)) {
            finish(model, FinishReason.CONTENT_FILTER, n); // the one event of a blocked prompt: a complete, filtered stream
            return;
        }
        JsonNode candidate = n.path("candidates").path(0);
        StringBuilder text = new StringBuilder();
        StringBuilder thought = new StringBuilder();
        List<ToolCallDelta> calls = new ArrayList<>();
        for (JsonNode p : candidate.path("content").path("parts")) {
            if (p.has("functionCall")) {
                JsonNode fc = p.get("functionCall");
                calls.add(new ToolCallDelta(toolIndex, GeminiResponseDecoder.callId(p, id, toolIndex), fc.path("name").asText(),
                        fc.has("args") ? fc.get("args").toString() : "{}"));
                toolIndex++;
            } else if (p.path("thought").asBoolean(false)) {
                thought.append(p.path("text").asText());
            } else if (p.has("text")) {
                text.append(p.get("text").asText());
            }
        }
        if (text.length() > 0 || thought.length() > 0 || !calls.isEmpty()) {
            emit(chunk(model, new Delta(null, text.length() > 0 ? textRun.next(text.toString()) : null,
                    thought.length() > 0 ? thought.toString() : null, null, calls), null, null));
        }
        if (GeminiResponseDecoder.MALFORMED.equals(Json.text(candidate, "finishReason"))) {
            failShape(GeminiResponseDecoder.malformed(candidate)); // an error event, never a clean empty finish
            return;
        }
        FinishReason finish = GeminiResponseDecoder.finishReason(Json.text(candidate, "finishReason"));
        if (finish != null && !finished) finish(model, toolIndex > 0 ? FinishReason.TOOL_CALLS : finish, n);
    }

    /** The finish chunk, then the usage chunk if this event has usage; the stream is complete from here. */
    private void finish(String model, FinishReason reason, JsonNode event) {
        finished = true;
        emit(chunk(model, Delta.EMPTY, reason, null));
        Usage usage = GeminiResponseDecoder.usage(event.get("usageMetadata"));
        if (usage != null) emit(new ChatChunk(id, created, model, List.of(), usage, null, null));
    }

    private ChatChunk chunk(String model, Delta d, FinishReason finish, Usage usage) {
        return new ChatChunk(id, created, model, List.of(new ChunkChoice(0, d, finish, null)), usage, null, null);
    }

    @Override
    protected boolean completeAtEndOfBody() { return finished; }
}
