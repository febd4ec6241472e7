package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.CitedText;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.SseParser;
import dev.switchboard.provider.SseRelay;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * ConverseStream's {@code application/vnd.amazon.eventstream} answer → canonical chunks as each frame arrives. Frames
 * are cut and CRC-checked by the AWS SDK's event-stream decoder; the relay (pause/resume, cancel, key scrubbing, cut
 * detection) is the same {@link SseRelay} as every provider's, with this framing instead of SSE. Events:
 * {@code messageStart} (role), {@code contentBlockStart} (a tool call's id and name), {@code contentBlockDelta}
 * (text, tool input, reasoning), {@code contentBlockStop}, {@code messageStop} (the stop reason), {@code metadata}
 * (usage; the last event). An {@code exception} frame ({@code throttlingException}, {@code validationException},
 * {@code modelStreamErrorException}, …) fails the stream with its mapped error.
 */
final class BedrockStream extends SseRelay {
    static final String EXCEPTION = "exception:";
    static final String ERROR = "error:";

    private final String deploymentId;
    private final String model;
    private final String secret;
    private final List<String> stops;
    private final String id = BedrockResponseDecoder.newId();
    private final long created = System.currentTimeMillis() / 1000;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    /**
     * The calls (by index) whose input has had a non-empty piece: a call with no arguments (Claude streams its input as
     * empty pieces, which Converse may relay as they are) gets {@code "{}"} at its block's stop, so OpenAI-dialect clients end with valid JSON, as
     * OpenAI streams such a call and as the non-stream answer says.
     */
    private final java.util.Set<Integer> toolInputSent = new java.util.HashSet<>();
    /**
     * The running key scans: of the answer text, of the reasoning, and of each tool call's input (JSON pieces, by the
     * call's index): each its own text, so another's pieces between two of a key's do not end its run.
     */
    private final KeyScrubber.Run textRun = textRun();
    private final KeyScrubber.Run reasoningRun = textRun();
    private final KeyScrubber.Runs inputRuns = textRuns();
    /** The Converse block index of the last text or citation piece, or null before the first. */
    private Integer textBlock;
    /** The request's documents as Converse numbers them, for a citation's document_index and document_title. */
    private final BedrockDocuments documents;
    private boolean started;
    private boolean stopped;
    private boolean complete;
    private boolean toolCalls;

    BedrockStream(HttpClientResponse upstream, UpstreamHttp.Endpoint endpoint, KeyScrubber scrubber, String deploymentId,
                  String model, String secret, List<String> stops) {
        this(upstream, endpoint, scrubber, deploymentId, model, secret, stops, BedrockDocuments.NONE);
    }

    /** @param documents the request's documents, for a citation's Anthropic document_index and document_title */
    BedrockStream(HttpClientResponse upstream, UpstreamHttp.Endpoint endpoint, KeyScrubber scrubber, String deploymentId,
                  String model, String secret, List<String> stops, BedrockDocuments documents) {
        super(upstream, endpoint, scrubber);
        this.documents = documents;
        this.deploymentId = deploymentId;
        this.model = model;
        this.secret = secret;
        this.stops = stops;
    }

    /**
     * A delta's text for its running scan: when the key scan masked some of the event, the text at {@code delta.field}
     * (or {@code delta.field.inner}) as the upstream sent it (a masked text would end the run, and a key's next pieces
     * pass); else {@code masked}, which is then the text as sent.
     */
    private String sent(String masked, String field, String inner) {
        byte[] sent = unmasked();
        if (sent == null) return masked;
        try {
            JsonNode t = Json.read(sent).path("delta").path(field);
            if (inner != null) t = t.path(inner);
            return t.isTextual() ? t.textValue() : masked;
        } catch (Exception e) {
            return masked;
        }
    }

    /** Binary event-stream frames: each decoded message reaches {@link #onEvent} as its event type and payload. */
    @Override
    protected Framing framing(SseParser.RangeListener events) {
        MessageDecoder decoder = new MessageDecoder(m -> {
            byte[] payload = m.getPayload();
            events.onEvent(name(m), payload, 0, payload.length);
        });
        return bytes -> decoder.feed(bytes.getBytes());
    }

    /** The event type of an {@code event} frame; {@code exception:<type>} or {@code error:<code>} for failures. */
    static String name(Message m) {
        Map<String, HeaderValue> h = m.getHeaders();
        String kind = header(h, ":message-type");
        if ("exception".equals(kind)) return EXCEPTION + header(h, ":exception-type");
        if ("error".equals(kind)) return ERROR + header(h, ":error-code") + ":" + header(h, ":error-message");
        return header(h, ":event-type");
    }

    private static String header(Map<String, HeaderValue> h, String name) {
        HeaderValue v = h.get(name);
        return v == null ? "" : v.getString();
    }

    /** An exception or error frame ({@code throttlingException}, …) in place of {@code messageStart}: the attempt's failure. */
    @Override
    protected dev.switchboard.model.GatewayException firstEventError(String event, byte[] data) {
        return errorOf(event, data);
    }

    /** The failure an exception or error frame says; null for any other event. */
    private dev.switchboard.model.GatewayException errorOf(String event, byte[] data) {
        if (event == null) return null;
        if (event.startsWith(EXCEPTION)) return BedrockErrorDecoder.midStream(event.substring(EXCEPTION.length()), data, deploymentId, secret);
        if (event.startsWith(ERROR)) {
            String rest = event.substring(ERROR.length());
            int colon = rest.indexOf(':');
            return BedrockErrorDecoder.midStream(colon < 0 ? rest : rest.substring(0, colon),
                    (colon < 0 ? "" : rest.substring(colon + 1)).getBytes(StandardCharsets.UTF_8), deploymentId, secret);
        }
        return null;
    }

    @Override
    protected void onEvent(String event, byte[] data) {
        dev.switchboard.model.GatewayException error = errorOf(event, data);
        if (error != null) {
            fail(error);
            return;
        }
        JsonNode n = json(data);
        if (n == null) return;
        switch (event) {
            case "messageStart" -> start();
            case "contentBlockStart" -> {
                start();
                JsonNode tool = n.path("start").path("toolUse");
                if (tool.isObject()) {
                    int index = toolIndexByBlock.size();
                    toolIndexByBlock.put(n.path("contentBlockIndex").asInt(), index);
                    toolCalls = true;
                    emit(delta(new Delta(null, null, null, null, List.of(new ToolCallDelta(index, Json.text(tool, "toolUseId"),
                            Json.text(tool, "name"), ""))), null));
                }
            }
            case "contentBlockDelta" -> {
                start();
                JsonNode d = n.path("delta");
                if (d.has("text")) {
                    String text = d.get("text").asText();
                    emit(delta(new Delta(null, KeyScrubber.withMasks(text, textRun.next(sent(text, "text", null))), null, null, null,
                            textBlock(n.path("contentBlockIndex").asInt(), null)), null));
                } else if (d.has("citation")) {
                    // Claude's document citation (CitationsDelta: title, sourceContent, location) for the text of its
                    // block: Anthropic's citation object, which the Anthropic edge streams as citations_delta
                    com.fasterxml.jackson.databind.node.ObjectNode c = BedrockCitations.citation(d.get("citation"), documents);
                    if (c != null) emit(delta(new Delta(null, null, null, null, null,
                            textBlock(n.path("contentBlockIndex").asInt(), c)), null));
                } else if (d.has("toolUse")) {
                    Integer index = toolIndexByBlock.get(n.path("contentBlockIndex").asInt());
                    int call = index == null ? 0 : index;
                    String input = d.get("toolUse").path("input").asText();
                    // the event scan's masks kept: this scan masks only inside the input's JSON strings
                    input = KeyScrubber.withMasks(input, inputRuns.next(KeyScrubber.channel(0, call), true, sent(input, "toolUse", "input")));
                    if (!input.isEmpty()) toolInputSent.add(call);
                    emit(delta(new Delta(null, null, null, null, List.of(new ToolCallDelta(call, null, null, input))), null));
                } else if (d.path("reasoningContent").has("text")) {
                    String reasoning = d.get("reasoningContent").get("text").asText();
                    emit(delta(new Delta(null, null, KeyScrubber.withMasks(reasoning, reasoningRun.next(sent(reasoning, "reasoningContent", "text"))),
                            null, null), null));
                } else if (d.has("reasoningContent")) {
                    // a signature (its block's text came before) or a redacted block: thinking_blocks, as the Anthropic stream gives them
                    ArrayNode signed = BedrockThinking.streamed(d.get("reasoningContent"));
                    if (signed != null) emit(delta(new Delta(null, null, null, null, null,
                            JsonNodeFactory.instance.objectNode().set("thinking_blocks", signed)), null));
                }
                // delta kinds added later carry nothing canonical
            }
            case "messageStop" -> {
                start();
                stopped = true;
                FinishReason finish = BedrockModels.finishReason(Json.text(n, "stopReason"), toolCalls);
                emit(new ChatChunk(id, created, model, List.of(new ChunkChoice(0, Delta.EMPTY, finish, null,
                        BedrockResponseDecoder.stopSequence(n, stops))), null, null, null));
            }
            case "metadata" -> {
                Usage usage = BedrockResponseDecoder.usage(n.get("usage"));
                if (usage != null) emit(new ChatChunk(id, created, model, List.of(), usage, null, null));
                complete = stopped;
                if (complete) finish();
            }
            case "contentBlockStop" -> {
                Integer call = toolIndexByBlock.get(n.path("contentBlockIndex").asInt());
                if (call != null && toolInputSent.add(call)) {
                    emit(delta(new Delta(null, null, null, null, List.of(new ToolCallDelta(call, null, null, "{}"))), null));
                }
            }
            default -> { } // event types added later
        }
    }

    /**
     * A text or citation piece's extra: {@link CitedText.BlockStart} when it is the first of a Converse text block after
     * another (a cited part streams as a block of its own, its citation after its text), and the citation, if any; null
     * when neither.
     */
    private com.fasterxml.jackson.databind.node.ObjectNode textBlock(int block, com.fasterxml.jackson.databind.node.ObjectNode citation) {
        boolean starts = textBlock != null && textBlock != block;
        textBlock = block;
        if (!starts && citation == null) return null;
        com.fasterxml.jackson.databind.node.ObjectNode extra = JsonNodeFactory.instance.objectNode();
        if (starts) extra.set(CitedText.BLOCK_START, new CitedText.BlockStart());
        if (citation != null) extra.set(CitedText.CITATION, CitedText.citation(citation));
        return extra;
    }

    /** The role chunk, once, before any content: content null, since the turn may be only tool calls. */
    private void start() {
        if (started) return;
        started = true;
        emit(delta(new Delta(Role.ASSISTANT, null, null, null, null), null));
    }

    private ChatChunk delta(Delta d, FinishReason finish) {
        return new ChatChunk(id, created, model, List.of(new ChunkChoice(0, d, finish, null)), null, null, null);
    }

    /** Metadata follows messageStop; a body that ends after messageStop without it still ended its message. */
    @Override
    protected boolean completeAtEndOfBody() { return complete || stopped; }
}
