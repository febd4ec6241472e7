package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.EventStrings;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.SseRelay;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;
import java.util.List;

/**
 * Anthropic's event sequence (message_start, content_block_start/delta/stop, message_delta, message_stop,
 * ping, error) → canonical chunks as each event arrives. Every chunk also carries its raw event, so an
 * Anthropic-dialect client gets the provider's events byte for byte; events with no canonical content
 * (ping, block stops) travel as raw-only chunks with no choices.
 *
 * <p>A stream that does not begin with {@code message_start} (a {@code ping} or an {@code error} aside) is not
 * Anthropic's (a server answering with OpenAI's chunks or Responses events): its first event fails the attempt before
 * the stream starts, and no event is relayed before {@code message_start}. The strings of event types the stream does
 * not read (added later) go through running key scans of their own ({@link EventStrings}).
 */
final class AnthropicStream extends SseRelay {
    private final String deploymentId;
    private final String secret;
    private String id;
    private String model;
    private long created = System.currentTimeMillis() / 1000;
    /** message_start's usage; read by {@link #usageSoFar} on the thread of a client that leaves. */
    private volatile Usage startUsage;
    private int toolIndex = -1;
    private boolean blockIsTool;
    /**
     * The tool block's input as its start gave it ({@code {}} for Anthropic's own streams) while no input delta with
     * content has come: a call with no arguments streams only empty {@code partial_json} pieces, and an OpenAI-dialect
     * client must still end with valid JSON arguments, as OpenAI streams them. Null once the input came in pieces.
     */
    private String toolInputUnsent;
    /**
     * The running key scans: of the answer text and of the thinking (each one text across its blocks, as an
     * OpenAI-dialect client gets it: one content, one reasoning), and of the tool input of the block being streamed
     * (JSON pieces; each call's input is its own, so a fresh scan at each block's start).
     */
    private final KeyScrubber.Run textRun = textRun();
    private final KeyScrubber.Run thinkingRun = textRun();
    private KeyScrubber.Run inputRun;
    /**
     * The text of this event already run through its running scan (and masked), by the relay's scan or from the
     * event as sent: the tree path must not scan it again.
     */
    private String scannedText;
    /** The running key scans of the strings of event types this stream does not read. */
    private final EventStrings strings = new EventStrings(textRuns());
    /** {@code message_start} came: before it only a ping or an error is Anthropic's. */
    private boolean started;

    AnthropicStream(HttpClientResponse upstream, UpstreamHttp.Endpoint endpoint, KeyScrubber scrubber, String deploymentId,
                    String fallbackModel, String secret) {
        super(upstream, endpoint, scrubber);
        this.deploymentId = deploymentId;
        this.model = fallbackModel;
        this.secret = secret;
    }

    @Override
    protected String relayDialect() { return RawJson.ANTHROPIC; }

    @Override
    public Usage usageSoFar() { return startUsage; }

    /** An {@code error} event (an overload, most often) in place of {@code message_start}: the attempt's failure. */
    @Override
    protected dev.switchboard.model.GatewayException firstEventError(String event, byte[] data) {
        JsonNode n = Json.readOrNull(data);
        return n != null && n.path("error").isObject() ? AnthropicErrorDecoder.midStream(n, deploymentId, secret) : null;
    }

    /** A first event that is no Anthropic stream's fails the attempt before the stream starts (a 502, retried, fallen back). */
    @Override
    protected String firstEventShape(String event, byte[] data, int offset, int length) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(data, offset, length);
        } catch (Exception e) {
            return "an event that is not JSON (not an Anthropic Messages stream)";
        }
        if (n == null || !n.isObject()) return "not a JSON object";
        if (n.path("error").isObject()) return null; // the error, read by onEvent
        return beforeStart(n.path("type").isTextual() ? n.get("type").textValue() : event == null ? "" : event);
    }

    /** What is wrong with an event of {@code type} before {@code message_start}, or null for a ping, an error or the start. */
    private static String beforeStart(String type) {
        return switch (type) {
            case "message_start", "ping", "error" -> null;
            case "" -> "an event with no type (not an Anthropic Messages stream)";
            default -> "`" + (type.length() > 40 ? type.substring(0, 40) + "…" : type)
                    + "` before message_start (not an Anthropic Messages stream)";
        };
    }

    /**
     * To an Anthropic-dialect client a text delta (most of a stream's events) is relayed as the upstream sent it, read
     * only by {@link AnthropicDeltaScan}; every other event, and a delta whose text continues a key run, goes through the
     * tree as before.
     */
    @Override
    protected void onEvent(String event, byte[] data, int offset, int length) {
        scannedText = null;
        byte[] sent = unmasked();
        if (sent != null) {
            // the key scan masked some of this event: the running scan reads its text as sent (a masked one would end
            // the run, and the key's next pieces pass); the event then goes through the tree with that scan's text
            scannedText = scannedSent(sent);
        } else if (relaying() && started) {
            String text = AnthropicDeltaScan.text(data, offset, length);
            if (text != null) {
                String masked = textRun.next(text);
                if (masked == text) {
                    relay(new dev.switchboard.model.RelayedEvent(RawJson.ANTHROPIC, event == null ? "content_block_delta" : event,
                            data, offset, length, null, null, null, text.length(), -1, -1, canonicalDelta(data, offset, length, text),
                            java.util.List.of(text)));
                    return;
                }
                scannedText = masked;
            }
        }
        super.onEvent(event, data, offset, length);
    }

    /**
     * The text of an event as the upstream sent it (a text, thinking or tool-input delta's, or a text block start's)
     * through its running scan, or null when it has none. Read only for the running scan, from the unmasked bytes:
     * nothing else of them goes out.
     */
    private String scannedSent(byte[] sent) {
        JsonNode n;
        try {
            n = Json.read(sent);
        } catch (Exception e) {
            return null; // not JSON: the tree path fails the stream
        }
        String type = n.path("type").asText();
        if ("content_block_start".equals(type)) {
            JsonNode b = n.path("content_block");
            return "text".equals(b.path("type").asText()) && b.path("text").isTextual() ? textRun.next(b.get("text").textValue()) : null;
        }
        if (!"content_block_delta".equals(type)) return null;
        JsonNode d = n.path("delta");
        return switch (d.path("type").asText()) {
            case "text_delta" -> d.path("text").isTextual() ? textRun.next(d.get("text").textValue()) : null;
            case "thinking_delta" -> d.path("thinking").isTextual() ? thinkingRun.next(d.get("thinking").textValue()) : null;
            case "input_json_delta" -> d.path("partial_json").isTextual() ? inputRun().next(d.get("partial_json").textValue()) : null;
            default -> null;
        };
    }

    /** The running scan of the tool input being streamed, made at its first piece after a block's start. */
    private KeyScrubber.Run inputRun() {
        if (inputRun == null) inputRun = jsonRun();
        return inputRun;
    }

    /** The relayed delta as the chunk the tree path would have made, decoded only if a stage asks. */
    private java.util.function.Supplier<ChatChunk> canonicalDelta(byte[] data, int offset, int length, String text) {
        ChatChunk[] made = new ChatChunk[1];
        return () -> {
            if (made[0] == null) {
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(data, offset, length);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e); // the scan read it whole: cannot happen
                }
                made[0] = delta(new Delta(null, text, null, null, null), null, new RawJson(RawJson.ANTHROPIC, n));
            }
            return made[0];
        };
    }

    @Override
    protected void onEvent(String event, byte[] data) {
        JsonNode n = json(data);
        if (n == null) return;
        if (n.path("error").isObject()) {
            // An error however it is labelled (some servers send it with no event line and no type): relayed raw it
            // would reach the client unscrubbed and as an event with no name.
            fail(AnthropicErrorDecoder.midStream(n, deploymentId, secret));
            return;
        }
        String type = n.path("type").isTextual() ? n.get("type").textValue() : event == null ? "" : event;
        String problem = AnthropicAnswerShape.event(n, type);
        if (problem == null && !started) problem = beforeStart(type);
        if (problem != null) {
            failShape(problem); // relayed raw, a wrong-shaped event would reach Anthropic-dialect clients as is
            return;
        }
        RawJson raw = new RawJson(RawJson.ANTHROPIC, n);
        switch (type) {
            case "message_start" -> {
                started = true;
                JsonNode m = n.path("message");
                id = m.path("id").asText(id);
                if (m.hasNonNull("model")) model = m.get("model").asText();
                startUsage = AnthropicResponseDecoder.usage(m.get("usage"), null);
                // content null, not "": the turn may be only tool calls, whose content OpenAI leaves null
                emit(delta(new Delta(Role.ASSISTANT, null, null, null, null), null, raw));
            }
            case "content_block_start" -> {
                JsonNode b = n.path("content_block");
                inputRun = null; // a new block: a tool input that follows is another call's
                blockIsTool = "tool_use".equals(b.path("type").asText());
                if (blockIsTool) {
                    toolIndex++;
                    JsonNode input = b.path("input");
                    toolInputUnsent = input.isObject() && !input.isEmpty() ? input.toString() : "{}";
                    emit(delta(new Delta(null, null, null, null, List.of(new ToolCallDelta(toolIndex,
                            b.path("id").asText(), b.path("name").asText(), ""))), null, raw));
                } else if ("redacted_thinking".equals(b.path("type").asText())) {
                    emit(delta(thinkingBlocks(AnthropicResponseDecoder.thinkingBlock(null, b, "data")), null, raw));
                } else if ("text".equals(b.path("type").asText()) && !b.path("text").asText().isEmpty()) {
                    emit(delta(new Delta(null, text((com.fasterxml.jackson.databind.node.ObjectNode) b, "text", textRun), null, null, null), null, raw));
                } else {
                    emit(rawOnly(raw));
                }
            }
            case "content_block_delta" -> {
                JsonNode d = n.path("delta");
                switch (d.path("type").asText()) {
                    case "text_delta" -> emit(delta(new Delta(null, text((com.fasterxml.jackson.databind.node.ObjectNode) d, "text", textRun),
                            null, null, null), null, raw));
                    case "thinking_delta" -> emit(delta(new Delta(null, null,
                            text((com.fasterxml.jackson.databind.node.ObjectNode) d, "thinking", thinkingRun), null, null), null, raw));
                    case "input_json_delta" -> {
                        String piece = text((com.fasterxml.jackson.databind.node.ObjectNode) d, "partial_json", inputRun());
                        if (!piece.isEmpty()) toolInputUnsent = null;
                        emit(delta(new Delta(null, null, null, null, List.of(new ToolCallDelta(Math.max(toolIndex, 0),
                                null, null, piece))), null, raw));
                    }
                    // the signed block's signature, for an OpenAI-dialect client's thinking_blocks (its text came as reasoning)
                    case "signature_delta" -> {
                        ArrayNode signed = JsonNodeFactory.instance.arrayNode();
                        signed.addObject().put("type", "thinking").put("thinking", "").put("signature", d.path("signature").asText());
                        emit(delta(thinkingBlocks(signed), null, raw));
                    }
                    default -> { // citations_delta, and delta types added later
                        strings.mask(type + "/" + d.path("type").asText(), n, unmasked());
                        emit(rawOnly(raw));
                    }
                }
            }
            case "message_delta" -> {
                Usage usage = AnthropicResponseDecoder.usage(n.get("usage"), startUsage);
                String stop = n.path("delta").path("stop_reason").asText(null);
                // One raw event, two canonical facts: the finish reason, then the usage (as OpenAI orders them). The raw
                // event rides on the usage chunk, so a stage that prices the usage can put the cost into the event.
                emit(new ChatChunk(id, created, model, List.of(new ChunkChoice(0, Delta.EMPTY, AnthropicModels.finishReason(
                        stop == null ? "end_turn" : stop), null, AnthropicResponseDecoder.stopSequence(n.path("delta")))),
                        null, null, null, null));
                emit(new ChatChunk(id, created, model, List.of(), usage, null, null, raw));
            }
            case "content_block_stop" -> {
                if (blockIsTool && toolInputUnsent != null) {
                    // no argument came in pieces: the arguments OpenAI itself streams for such a call ("{}"), with the
                    // block's stop as its raw event (Anthropic-dialect clients get that event as sent)
                    String input = toolInputUnsent;
                    toolInputUnsent = null;
                    emit(delta(new Delta(null, null, null, null, List.of(new ToolCallDelta(Math.max(toolIndex, 0), null, null, input))),
                            null, raw));
                } else {
                    emit(rawOnly(raw));
                }
                blockIsTool = false;
            }
            case "message_stop" -> {
                emit(rawOnly(raw));
                finish();
            }
            case "error" -> fail(AnthropicErrorDecoder.midStream(n, deploymentId, secret));
            case "ping" -> emit(rawOnly(raw));
            default -> { // event types added later: each event scrubbed, and their strings through running scans
                strings.mask(type, n, unmasked());
                emit(rawOnly(raw));
            }
        }
    }

    /** A delta carrying only {@code thinking_blocks} (LiteLLM's streamed form: the signature in its own piece). */
    private static Delta thinkingBlocks(ArrayNode blocks) {
        return new Delta(null, null, null, null, null, JsonNodeFactory.instance.objectNode().set("thinking_blocks", blocks));
    }

    /**
     * The text of a block or delta with key runs that continue across events masked, in the raw event too (this
     * tree is ours, freshly parsed; the raw event relayed to Anthropic-dialect clients is this same tree).
     */
    private String text(com.fasterxml.jackson.databind.node.ObjectNode holder, String field, KeyScrubber.Run run) {
        String t = holder.path(field).asText();
        String masked = scannedText != null ? KeyScrubber.withMasks(t, scannedText) : run.next(t);
        scannedText = null;
        if (masked != t) holder.put(field, masked);
        return masked;
    }

    private ChatChunk delta(Delta d, dev.switchboard.model.FinishReason finish, RawJson raw) {
        return new ChatChunk(id, created, model, List.of(new ChunkChoice(0, d, finish, null)), null, null, null, raw);
    }

    /**
     * An event relayed only as raw text to Anthropic-dialect clients (ping, block stops, types we do not read). Its
     * bytes were scanned for every configured key's runs before it was parsed ({@link SseRelay}), like every event.
     */
    private ChatChunk rawOnly(RawJson raw) {
        return new ChatChunk(id, created, model, List.of(), null, null, null, raw);
    }

    @Override
    protected boolean completeAtEndOfBody() { return false; } // message_stop is the only clean end
}
