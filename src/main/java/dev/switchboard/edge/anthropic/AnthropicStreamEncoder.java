package dev.switchboard.edge.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.StreamEncoder;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Canonical chunks → Anthropic's SSE events, one instance per response. If the stream comes from Anthropic
 * (its chunks carry raw events) the events are relayed as they were sent. Otherwise it builds Anthropic's
 * sequence: message_start, then for each text / thinking / tool-call run a content block
 * (content_block_start, deltas, content_block_stop), and at the end message_delta (stop_reason, usage) and
 * message_stop.
 */
final class AnthropicStreamEncoder implements StreamEncoder {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private enum Block { NONE, TEXT, THINKING, TOOL }

    private Boolean passthrough;
    private boolean started;
    private Block open = Block.NONE;
    private int index = -1;
    private int openToolIndex = -1;
    private FinishReason finish;
    private Usage usage;
    private String id;
    private String model;

    /** A relayed message_delta gets the gateway's price of the call in {@code usage.cost}, as a translated one does. */
    private static JsonNode withCost(JsonNode event, Usage u) {
        if (u == null || u.cost() == null || !(event.get("usage") instanceof ObjectNode usage)) return event;
        ObjectNode copy = (ObjectNode) event.deepCopy();
        ((ObjectNode) copy.get("usage")).put("cost", AnthropicResponseEncoder.plain(u.cost()));
        return copy;
    }

    /** An Anthropic upstream's text deltas come as sent (the events around them as raw trees, see {@link #chunk}). */
    @Override
    public boolean relays(String dialect) { return RawJson.ANTHROPIC.equals(dialect); }

    @Override
    public void appendRelayed(Buffer out, dev.switchboard.model.RelayedEvent e) {
        if (passthrough == null) passthrough = true;
        StreamEncoder.super.appendRelayed(out, e);
    }

    @Override
    public Buffer chunk(ChatChunk c) {
        if (passthrough == null) passthrough = c.raw() != null && c.raw().is(RawJson.ANTHROPIC);
        if (passthrough) return c.raw() == null ? null : event(c.raw().body().path("type").asText(), withCost(c.raw().body(), c.usage()));
        Buffer out = Buffer.buffer();
        if (!started) {
            started = true;
            id = AnthropicResponseEncoder.messageId(c.id());
            model = c.model();
            ObjectNode msg = F.objectNode().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
            msg.putArray("content");
            msg.putNull("stop_reason").putNull("stop_sequence");
            msg.set("usage", AnthropicResponseEncoder.usage(Usage.ZERO));
            ObjectNode start = F.objectNode().put("type", "message_start");
            start.set("message", msg);
            out.appendBuffer(event("message_start", start));
        }
        if (c.usage() != null) usage = c.usage();
        for (ChunkChoice ch : c.choices()) {
            if (ch.index() != 0) continue; // Anthropic has one choice
            Delta d = ch.delta();
            if (d.reasoning() != null && !d.reasoning().isEmpty()) {
                open(out, Block.THINKING, F.objectNode().put("type", "thinking").put("thinking", ""));
                out.appendBuffer(delta(F.objectNode().put("type", "thinking_delta").put("thinking", d.reasoning())));
            }
            if (d.content() != null && !d.content().isEmpty()) {
                open(out, Block.TEXT, F.objectNode().put("type", "text").put("text", ""));
                out.appendBuffer(delta(F.objectNode().put("type", "text_delta").put("text", d.content())));
            }
            for (ToolCallDelta t : d.toolCalls()) {
                // A new tool_use block for each tool call (by index), never one per piece of a call.
                if (open != Block.TOOL || t.index() != openToolIndex) {
                    ObjectNode block = F.objectNode().put("type", "tool_use").put("id", t.id() == null ? "toolu_" + t.index() : t.id())
                            .put("name", t.name() == null ? "" : t.name());
                    block.putObject("input");
                    close(out);
                    open(out, Block.TOOL, block);
                    openToolIndex = t.index();
                }
                if (t.argumentsFragment() != null && !t.argumentsFragment().isEmpty()) {
                    out.appendBuffer(delta(F.objectNode().put("type", "input_json_delta").put("partial_json", t.argumentsFragment())));
                }
            }
            if (ch.finishReason() != null) finish = ch.finishReason();
        }
        return out.length() == 0 ? null : out;
    }

    /** Opens a block of this kind unless one is open already (a new tool block is opened by the caller). */
    private void open(Buffer out, Block kind, ObjectNode contentBlock) {
        if (open == kind && kind != Block.TOOL) return;
        if (open == kind) return;
        close(out);
        index++;
        open = kind;
        ObjectNode e = F.objectNode().put("type", "content_block_start").put("index", index);
        e.set("content_block", contentBlock);
        out.appendBuffer(event("content_block_start", e));
    }

    private void close(Buffer out) {
        if (open == Block.NONE) return;
        out.appendBuffer(event("content_block_stop", F.objectNode().put("type", "content_block_stop").put("index", index)));
        open = Block.NONE;
    }

    private Buffer delta(ObjectNode delta) {
        ObjectNode e = F.objectNode().put("type", "content_block_delta").put("index", index);
        e.set("delta", delta);
        return event("content_block_delta", e);
    }

    @Override
    public Buffer end() {
        if (Boolean.TRUE.equals(passthrough)) return null; // message_stop was relayed
        Buffer out = Buffer.buffer();
        close(out);
        ObjectNode md = F.objectNode().put("type", "message_delta");
        md.putObject("delta").put("stop_reason", AnthropicResponseEncoder.stopReason(finish)).putNull("stop_sequence");
        md.set("usage", AnthropicResponseEncoder.usage(usage == null ? Usage.ZERO : usage));
        out.appendBuffer(event("message_delta", md));
        out.appendBuffer(event("message_stop", F.objectNode().put("type", "message_stop")));
        return out;
    }

    @Override
    public Buffer error(GatewayException e) {
        return event("error", AnthropicResponseEncoder.errorBody(e));
    }

    private static Buffer event(String name, JsonNode data) {
        Buffer b = Buffer.buffer(64 + 256);
        b.appendString("event: ").appendString(name).appendString("\ndata: ");
        try (var g = AnthropicResponseEncoder.WRITER.createGenerator(new dev.switchboard.edge.BufferOutput(b))) {
            g.writeTree(data); // straight into the event's buffer, no byte array in between
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        b.appendString("\n\n", StandardCharsets.UTF_8.name());
        return b;
    }
}
