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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AnthropicStreamEncoder.class);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private enum Block { NONE, TEXT, THINKING, REDACTED, TOOL }

    private Boolean passthrough;
    private boolean started;
    /** The request's tools: a shortened name in the answer is given back as the client's own. */
    private final java.util.List<dev.switchboard.model.Tool> tools;

    public AnthropicStreamEncoder() { this(java.util.List.of()); }

    public AnthropicStreamEncoder(java.util.List<dev.switchboard.model.Tool> tools) { this(tools, null); }

    /**
     * @param knownUsage the answer's usage when known before it streams (a cache replay: {@link
     *                   dev.switchboard.model.ChatStream#knownUsage}), else null. Anthropic's {@code message_start} carries
     *                   the prompt's counts; a translated live stream learns them only at its end, so its
     *                   {@code message_start} says 0 and its {@code message_delta} the whole count (which the SDKs take).
     */
    public AnthropicStreamEncoder(java.util.List<dev.switchboard.model.Tool> tools, Usage knownUsage) {
        this(tools, knownUsage, null);
    }

    /**
     * @param request the request answered: its one-hour cache breakpoints decide whether the writes' split can be said
     *                ({@link AnthropicResponseEncoder#usage(Usage, boolean, dev.switchboard.model.ChatRequest)}), or null
     */
    public AnthropicStreamEncoder(java.util.List<dev.switchboard.model.Tool> tools, Usage knownUsage,
                                  dev.switchboard.model.ChatRequest request) {
        this.tools = tools;
        this.request = request;
        this.startUsage = knownUsage == null ? Usage.ZERO
                : new Usage(knownUsage.promptTokens(), 0, knownUsage.cacheReadTokens(), knownUsage.cacheWriteTokens(), 0,
                        knownUsage.cacheWrite1hTokens(), Usage.Details.NONE, null, null, null, knownUsage.writeLifetimesSaid());
        this.startKnown = knownUsage != null;
    }

    /** The prompt side of the usage {@code message_start} carries. */
    private final Usage startUsage;
    /** The request answered, or null. */
    private final dev.switchboard.model.ChatRequest request;
    /** Whether {@link #startUsage} is the answer's (a replay), so message_start can say the cache writes' split. */
    private final boolean startKnown;

    private Block open = Block.NONE;
    /** The open thinking block got its provider's signature (Claude served in another wire format): no empty one at its end. */
    private boolean signed;
    private int index = -1;
    /** The tool call streaming in the open tool_use block (when {@code open} is TOOL). */
    private HeldCall liveTool = new HeldCall(-1);
    /** Calls held back while another streams, by the upstream's index, in the order they began. */
    private final java.util.Map<Integer, HeldCall> heldTools = new java.util.LinkedHashMap<>(2);
    /** Tool indexes whose blocks are closed. */
    private final java.util.Set<Integer> emittedTools = new java.util.HashSet<>(2);
    private int lateToolPieces;
    private FinishReason finish;
    /** The stop sequence that ended the answer, when the provider said which ({@code ChunkChoice#stopSequence}). */
    private String stopSequence;
    /** The answer refused (an OpenAI-style refusal): Anthropic's stop_reason says so. */
    private boolean refused;
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
            msg.set("usage", AnthropicResponseEncoder.usage(startUsage, startKnown, request));
            ObjectNode start = F.objectNode().put("type", "message_start");
            start.set("message", msg);
            out.appendBuffer(event("message_start", start));
        }
        if (c.usage() != null) usage = c.usage();
        for (ChunkChoice ch : c.choices()) {
            if (ch.index() != 0) continue; // Anthropic has one choice
            Delta d = ch.delta();
            // OpenRouter's reasoning_details (Claude behind it): a piece's text is its reasoning when it came without
            // OpenRouter's plain reasoning field, and its signature (or encrypted block) a signed block below
            com.fasterxml.jackson.databind.JsonNode details = d.extra() == null ? null
                    : d.extra().get(dev.switchboard.model.ReasoningDetails.FIELD);
            String reasoning = d.reasoning();
            com.fasterxml.jackson.databind.node.ArrayNode inOrder = null;
            if (details != null && !(d.extra().get("thinking_blocks") instanceof com.fasterxml.jackson.databind.node.ArrayNode)) {
                // Claude's details are walked detail by detail, by their index: each signed one ends its own block with its
                // own text (several signed blocks in one piece are several blocks, not one), an encrypted one is a redacted
                // block; the plain reasoning beside them is the same text joined, so it is read only when the details have
                // none (a lone signature beside its block's last text, an entry cached before the pieces were merged)
                inOrder = dev.switchboard.model.ReasoningDetails.inOrder(details);
            }
            if (inOrder != null) {
                flushTools(out);
                if (walk == null) {
                    walk = new dev.switchboard.model.ReasoningWalk();
                    blocks = new WalkBlocks();
                }
                blocks.out = out;
                walk.walk(inOrder, reasoning, blocks); // the plain reasoning routed by its detail's index there
            } else {
                if ((reasoning == null || reasoning.isEmpty()) && details != null) reasoning = dev.switchboard.model.ReasoningDetails.text(details);
                if (reasoning != null && !reasoning.isEmpty()) {
                    flushTools(out);
                    open(out, Block.THINKING, F.objectNode().put("type", "thinking").put("thinking", ""));
                    out.appendBuffer(delta(F.objectNode().put("type", "thinking_delta").put("thinking", reasoning)));
                }
            }
            if (d.extra() != null && d.extra().get("thinking_blocks") instanceof com.fasterxml.jackson.databind.node.ArrayNode blocks) {
                flushTools(out);
                signedThinking(out, blocks);
            }
            if (walk != null && walk.holding() && (hasText(d) || !d.toolCalls().isEmpty())) {
                // the answer's text or a tool call: the thinking blocks held back behind the open one go out first, whole
                close(out);
                blocks.out = out;
                walk.flush(blocks);
            }
            // a provider text block of its own (Bedrock streams a cited part so): a text block of its own, as Anthropic's
            if (dev.switchboard.model.CitedText.blockStart(d) && open == Block.TEXT) close(out);
            if (d.content() != null && !d.content().isEmpty()) {
                flushTools(out);
                open(out, Block.TEXT, F.objectNode().put("type", "text").put("text", ""));
                out.appendBuffer(delta(F.objectNode().put("type", "text_delta").put("text", d.content())));
            }
            ObjectNode citation = dev.switchboard.model.CitedText.citation(d);
            if (citation != null) { // Claude's citation of the open text block (Bedrock's), as the Messages API streams one
                flushTools(out);
                open(out, Block.TEXT, F.objectNode().put("type", "text").put("text", ""));
                ObjectNode cd = F.objectNode().put("type", "citations_delta");
                cd.set("citation", F.objectNode().setAll(citation));
                out.appendBuffer(delta(cd));
            }
            if (d.refusal() != null && !d.refusal().isEmpty()) { // an OpenAI-style refusal: its words as text, stop_reason refusal
                refused = true;
                flushTools(out);
                open(out, Block.TEXT, F.objectNode().put("type", "text").put("text", ""));
                out.appendBuffer(delta(F.objectNode().put("type", "text_delta").put("text", d.refusal())));
            }
            for (ToolCallDelta t : d.toolCalls()) toolPiece(out, t);
            if (ch.finishReason() != null) {
                finish = ch.finishReason();
                stopSequence = ch.stopSequence();
            }
        }
        return out.length() == 0 ? null : out;
    }

    /**
     * One piece of a tool call. Anthropic's blocks come one after another, while OpenAI's chunks may interleave the
     * pieces of parallel calls by {@code index} (OpenAI itself sends them one call after the other). So one call at a
     * time streams live in its tool_use block; a piece of another call while the live one is unfinished is held back,
     * and the held calls follow, each as one whole block, when the live one's block can close: before text or
     * thinking, and at the end. A live call whose arguments already form a whole JSON value is finished (nothing can
     * follow a whole value), so calls sent one after the other all stream live, as before.
     */
    private void toolPiece(Buffer out, ToolCallDelta t) {
        String args = t.argumentsFragment();
        if (open == Block.TOOL && t.index() == liveTool.index) {
            liveTool.args.feed(args);
            if (args != null && !args.isEmpty()) out.appendBuffer(inputDelta(args));
            return;
        }
        if (emittedTools.contains(t.index())) {
            // Its block is closed: an upstream that sent more of a call after other content. Nothing correct can be
            // sent for it now; the count shows in the log line at the end.
            lateToolPieces++;
            return;
        }
        HeldCall held = heldTools.get(t.index());
        if (held == null && (open != Block.TOOL || liveTool.args.whole()) && heldTools.isEmpty()) {
            if (open == Block.TOOL) emittedTools.add(liveTool.index);
            close(out);
            liveTool = new HeldCall(t.index());
            liveTool.take(t);
            open(out, Block.TOOL, toolUse(liveTool));
            if (args != null && !args.isEmpty()) out.appendBuffer(inputDelta(args));
            return;
        }
        if (held == null) heldTools.put(t.index(), held = new HeldCall(t.index()));
        held.take(t);
    }

    /** Closes the live tool block, then sends every held call as one whole block, in the order they began. */
    private void flushTools(Buffer out) {
        if (open != Block.TOOL && heldTools.isEmpty()) return;
        if (open == Block.TOOL) emittedTools.add(liveTool.index);
        close(out);
        for (HeldCall h : heldTools.values()) {
            open(out, Block.TOOL, toolUse(h));
            if (h.text.length() > 0) out.appendBuffer(inputDelta(h.text.toString()));
            close(out);
            emittedTools.add(h.index);
        }
        heldTools.clear();
    }

    private ObjectNode toolUse(HeldCall c) {
        // the provider's id as it is, as the non-stream answer shows it (an Anthropic upstream gets it mapped: ToolUseIds);
        // the client's own name, where the provider was given a shortened one (ToolNames)
        String id = c.id == null ? "toolu_" + c.index : c.id;
        ObjectNode block = F.objectNode().put("type", "tool_use").put("id", id)
                .put("name", c.name == null ? "" : dev.switchboard.model.ToolNames.restore(c.name, tools));
        block.putObject("input");
        return block;
    }

    private Buffer inputDelta(String partialJson) {
        return delta(F.objectNode().put("type", "input_json_delta").put("partial_json", partialJson));
    }

    /** A tool call as its pieces arrive: the first id and name, the arguments so far (sent whole when it was held back). */
    private static final class HeldCall {
        final int index;
        String id;
        String name;
        final StringBuilder text = new StringBuilder();
        final JsonProgress args = new JsonProgress();

        HeldCall(int index) { this.index = index; }

        void take(ToolCallDelta t) {
            if (id == null) id = t.id();
            if (name == null) name = t.name();
            String a = t.argumentsFragment();
            if (a != null) {
                text.append(a);
                args.feed(a);
            }
        }
    }

    /** Whether text fed piece by piece is one whole JSON object or array so far (strings and escapes skipped). */
    static final class JsonProgress {
        private int depth;
        private boolean inString;
        private boolean escaped;
        private boolean whole;

        void feed(String s) {
            if (s == null) return;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (inString) {
                    if (escaped) escaped = false;
                    else if (c == '\\') escaped = true;
                    else if (c == '"') inString = false;
                    continue;
                }
                switch (c) {
                    case '"' -> { inString = true; whole = false; }
                    case '{', '[' -> { depth++; whole = false; }
                    case '}', ']' -> { depth--; whole = depth == 0; }
                    case ' ', '\t', '\n', '\r' -> { }
                    default -> whole = false;
                }
            }
        }

        boolean whole() { return whole; }
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

    /**
     * Claude's own signature (or redacted block) from a provider that serves Claude in another wire format (Bedrock):
     * the open thinking block ends with that signature_delta, a redacted block is a block of its own, so a client that
     * hands the blocks back in its next turn keeps a tool loop with thinking on working.
     */
    private void signedThinking(Buffer out, com.fasterxml.jackson.databind.node.ArrayNode blocks) {
        for (com.fasterxml.jackson.databind.JsonNode b : blocks) {
            String type = b.path("type").asText();
            if (type.equals("thinking") && b.path("signature").isTextual()) {
                // the block's text streamed before as reasoning when a thinking block is open; else it comes whole here
                boolean streamed = open == Block.THINKING;
                open(out, Block.THINKING, F.objectNode().put("type", "thinking").put("thinking", ""));
                String text = b.path("thinking").asText("");
                if (!streamed && !text.isEmpty()) {
                    out.appendBuffer(delta(F.objectNode().put("type", "thinking_delta").put("thinking", text)));
                }
                out.appendBuffer(delta(F.objectNode().put("type", "signature_delta").put("signature", b.get("signature").textValue())));
                signed = true;
                close(out);
            } else if (type.equals("redacted_thinking") && b.path("data").isTextual()) {
                close(out);
                open(out, Block.REDACTED, F.objectNode().put("type", "redacted_thinking").put("data", b.get("data").textValue()));
                close(out);
            }
        }
    }

    /** Claude's details walked by detail and index ({@code ReasoningWalk}, shared with the Responses edge); null until a piece has them. */
    private dev.switchboard.model.ReasoningWalk walk;
    /** The walk's writer, made with the walk. */
    private WalkBlocks blocks;

    /**
     * The walk's blocks as Anthropic's content blocks: a detail's text on the open thinking block (or opening one), its
     * signature the block's {@code signature_delta} and end, an encrypted detail a {@code redacted_thinking} block of its own.
     */
    private final class WalkBlocks implements dev.switchboard.model.ReasoningWalk.Blocks {
        Buffer out;

        @Override public boolean thinkingOpen() { return open == Block.THINKING; }

        @Override public void text(String text) {
            open(out, Block.THINKING, F.objectNode().put("type", "thinking").put("thinking", ""));
            if (!text.isEmpty()) out.appendBuffer(delta(F.objectNode().put("type", "thinking_delta").put("thinking", text)));
        }

        @Override public void signature(String signature) {
            out.appendBuffer(delta(F.objectNode().put("type", "signature_delta").put("signature", signature)));
            signed = true;
            close(out);
        }

        @Override public void redacted(String data) {
            close(out);
            open(out, Block.REDACTED, F.objectNode().put("type", "redacted_thinking").put("data", data));
            close(out);
        }

        @Override public void end() { close(out); }
    }

    private static boolean hasText(Delta d) {
        return d.content() != null && !d.content().isEmpty() || d.refusal() != null && !d.refusal().isEmpty();
    }

    private void close(Buffer out) {
        if (open == Block.NONE) return;
        if (open == Block.THINKING && !signed) {
            // Anthropic ends a thinking block with its signature_delta; a translated provider's reasoning has no
            // signature, so it is empty, as in a translated non-stream answer, and the SDKs' blocks get the field
            out.appendBuffer(delta(F.objectNode().put("type", "signature_delta").put("signature", "")));
        }
        signed = false;
        if (walk != null) walk.blockEnded();
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
        flushTools(out);
        close(out);
        if (walk != null) {
            blocks.out = out;
            walk.flush(blocks);
        }
        if (lateToolPieces > 0) {
            log.warn("a streamed answer sent {} piece(s) of a tool call after the call's block had closed (after text or "
                    + "thinking); an Anthropic client cannot receive them", lateToolPieces);
        }
        ObjectNode md = F.objectNode().put("type", "message_delta");
        ObjectNode delta = md.putObject("delta");
        AnthropicResponseEncoder.stop(delta, refused, finish, stopSequence);
        md.set("usage", AnthropicResponseEncoder.usage(usage == null ? Usage.ZERO : usage, true, request));
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
