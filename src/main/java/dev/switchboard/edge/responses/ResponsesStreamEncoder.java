package dev.switchboard.edge.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.StreamEncoder;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.ReasoningDetails;
import dev.switchboard.model.ReasoningWalk;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Canonical chunks → the Responses API's typed event stream, for one response. Chat streams deltas of one message;
 * Responses streams output items, each opened ({@code response.output_item.added}, a content or summary part added),
 * filled ({@code *.delta}) and closed ({@code *.done}, {@code response.output_item.done}) in turn, so this keeps
 * the item that is open and closes it when a delta of another kind (reasoning → text → function calls) arrives;
 * calls streamed side by side (parallel calls whose pieces interleave) are items open side by side, each piece
 * going to its call's item by its index. Every event carries the next {@code sequence_number}, from 0.
 *
 * <p>A stream that breaks ends with {@code response.failed} and then an {@code error} event whose data also holds
 * an {@code error} object, which is what the OpenAI SDKs raise on (Python and Node by the event name, Java by the
 * key): never with {@code response.completed}.
 *
 * <p>Its methods are synchronized (uncontended but for one moment): chunks arrive on the upstream's context, and a
 * client leaving calls {@link #abandoned} on the edge's ({@code MeteredStream} notes the same split).
 */
final class ResponsesStreamEncoder implements StreamEncoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ResponsesStreamEncoder.class);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private enum Kind { NONE, REASONING, TEXT, REFUSAL, TOOL }

    private final String id;
    private final long createdAt;
    private final ResponsesRequest req;
    private final Consumer<ObjectNode> onCompleted;
    private final ArrayNode output = F.arrayNode();
    private String model;
    private int sequence;
    private Buffer out;

    private Kind open = Kind.NONE;
    private String itemId;
    private int outputIndex = -1;
    private final StringBuilder text = new StringBuilder();
    /** The open text item's log probabilities (the part's shape) and url citations, as the upstream's chunks brought them. */
    private final ArrayNode textLogprobs = F.arrayNode();
    private final ArrayNode textAnnotations = F.arrayNode();
    /**
     * The calls being streamed, by their index in the chat stream, each its own item (kind {@link Kind#TOOL}): an
     * OpenAI-compatible server may interleave parallel calls' pieces, and each piece goes to its call's item. They are
     * closed together, in the order they opened, when the choice finishes or an item of another kind opens.
     */
    private final java.util.LinkedHashMap<Integer, ToolItem> tools = new java.util.LinkedHashMap<>();

    /** One function or custom call's item while it streams. */
    private static final class ToolItem {
        final String itemId;
        final String callId;
        final boolean custom;
        final int outputIndex;
        String name;
        final StringBuilder arguments = new StringBuilder();

        ToolItem(String itemId, String callId, String name, boolean custom, int outputIndex) {
            this.itemId = itemId;
            this.callId = callId;
            this.name = name;
            this.custom = custom;
            this.outputIndex = outputIndex;
        }

        ObjectNode about() { return F.objectNode().put("item_id", itemId).put("output_index", outputIndex); }
    }
    private Usage usage;
    private FinishReason finish;
    /** null until the first chunk: true when the upstream is OpenAI's Responses API, whose own events are relayed. */
    private Boolean passThrough;
    private boolean started;
    /** {@link #queued} sent {@code response.created} already (a background stream). */
    private boolean createdSent;
    private ObjectNode relayedResponse;
    /** Claude's signed blocks of the open reasoning item, for its {@code encrypted_content} ({@link SignedReasoning}). */
    private ArrayNode signed;
    /** Where in {@link #text} the thinking block being signed began (a streamed signature comes without its text). */
    private int blockStart;
    /** Where in {@link #text} the chunk being read began to add reasoning (a signed piece's own text follows it). */
    private int pieceStart;
    /** Whether the client asked for {@code reasoning.encrypted_content}: else its events leave it out (the store keeps it). */
    private final boolean wanted;
    /** What the call was charged when it ended without a priced answer ({@code CallContext.CHARGED}), or null. */
    private final Supplier<Usage> charged;
    /** The stream has ended (completed, failed, cancelled or left by its client): its end is stored once. */
    private boolean ended;
    /** Its client left before the end: the items still open are closed as cut short ({@code incomplete}). */
    private boolean cutShort;

    /**
     * @param model       the model named until the first chunk names the one that serves
     * @param onCompleted receives the final Response object of a stream that ended (for storing)
     * @param charged     what the call was charged when it failed or its client left (its usage with {@code cost}), or
     *                    null when it has not said
     */
    ResponsesStreamEncoder(String id, long createdAt, String model, ResponsesRequest req, Consumer<ObjectNode> onCompleted,
                           Supplier<Usage> charged) {
        this.charged = charged;
        this.id = id;
        this.createdAt = createdAt;
        this.model = model;
        this.req = req;
        this.onCompleted = onCompleted;
        this.wanted = SignedReasoning.wanted(req);
    }

    /** {@code response.created} and {@code response.in_progress}, before the first event of a translated stream. */
    private void start() {
        if (started) return;
        started = true;
        ObjectNode snapshot = snapshot("in_progress", null, null);
        if (!createdSent) event("response.created", F.objectNode().set("response", snapshot));
        event("response.in_progress", F.objectNode().set("response", snapshot));
    }

    /**
     * A background stream's first event, before any provider is asked: {@code response.created} with the response
     * {@code queued}, so the client holds its id at once. {@code response.in_progress} follows when the answer starts;
     * an upstream's own {@code response.created} is then not relayed, and its events are numbered after this one.
     */
    synchronized Buffer queued() {
        out = null;
        createdSent = true;
        event("response.created", F.objectNode().set("response", snapshot("queued", null, null)));
        return take();
    }

    @Override
    public synchronized Buffer chunk(ChatChunk c) {
        out = null;
        if (ended) return null;
        if (passThrough == null) passThrough = c.raw() != null && c.raw().is(RawJson.OPENAI_RESPONSES);
        if (passThrough) return relay(c);
        start();
        if (c.model() != null) model = c.model();
        if (c.usage() != null) usage = c.usage();
        for (ChunkChoice ch : c.choices()) {
            if (ch.index() != 0) continue; // the Responses API has one output; n > 1 is not a thing there
            Delta d = ch.delta();
            if (d != null) {
                // Claude behind OpenRouter: a piece's reasoning_details give its text when OpenRouter sent no plain
                // reasoning beside it, and its signature (or encrypted block) signs the reasoning (as the Anthropic edge)
                JsonNode details = d.extra() == null ? null : d.extra().get(ReasoningDetails.FIELD);
                String reasoning = d.reasoning();
                // Claude's details with content are walked detail by detail, by index (ReasoningWalk, as the Anthropic
                // edge): each block a reasoning item of its own with its own text, its signature (or encrypted data)
                // that item's encrypted_content; the plain reasoning beside them is their texts joined, so it is read
                // only when they have none (a lone signature beside its block's last text)
                ArrayNode inOrder = details != null && !(d.extra().get("thinking_blocks") instanceof ArrayNode)
                        ? ReasoningDetails.inOrder(details) : null;
                if (inOrder != null) {
                    if (walk == null) {
                        walk = new ReasoningWalk();
                        items = new ItemBlocks();
                    }
                    // the plain reasoning beside a signature-only piece goes where its detail's index says (the walk)
                    walk.walk(inOrder, reasoning, items);
                } else {
                    if ((reasoning == null || reasoning.isEmpty()) && details != null) reasoning = ReasoningDetails.text(details);
                    pieceStart = open == Kind.REASONING ? text.length() : 0; // a new reasoning item's text begins empty
                    if (reasoning != null && !reasoning.isEmpty()) {
                        ensure(Kind.REASONING);
                        summaryDelta(reasoning);
                    }
                    // the signature ends the reasoning it signs: before any text of the same delta opens a message item
                    if (d.extra() != null && d.extra().get("thinking_blocks") instanceof ArrayNode blocks) {
                        signed(blocks);
                    }
                    // (no signed Claude details here: inOrder keeps every signed or encrypted one, so it was non-null)
                }
                if (walk != null && walk.holding() && (d.content() != null && !d.content().isEmpty()
                        || d.refusal() != null && !d.refusal().isEmpty() || !d.toolCalls().isEmpty())) {
                    // the answer's text or a tool call: the blocks held behind the open one go out first, whole
                    close();
                    walk.flush(items);
                }
                if (d.content() != null && !d.content().isEmpty()) {
                    ensure(Kind.TEXT);
                    text.append(d.content());
                    ObjectNode e = item().put("content_index", 0).put("delta", d.content());
                    ArrayNode logprobs = OutputText.logprobs(ch.logprobs()); // this delta's tokens, when asked
                    textLogprobs.addAll(logprobs);
                    e.set("logprobs", OutputText.eventLogprobs(logprobs));
                    event("response.output_text.delta", e);
                }
                if (d.extra() != null && d.extra().get("annotations") instanceof ArrayNode cited) annotate(cited);
                if (d.refusal() != null && !d.refusal().isEmpty()) {
                    ensure(Kind.REFUSAL);
                    text.append(d.refusal());
                    event("response.refusal.delta", item().put("content_index", 0).put("delta", d.refusal()));
                }
                for (ToolCallDelta t : d.toolCalls()) toolCall(t);
            }
            if (ch.finishReason() != null) finish = ch.finishReason();
        }
        return take();
    }

    /**
     * The url citations of the text being streamed (an OpenAI-style server sends them in a delta of their own, after
     * the text they cite): each a {@code response.output_text.annotation.added} event, before the text's done events,
     * and the part's {@code annotations}. With no text streaming there is nothing they could annotate.
     */
    private void annotate(ArrayNode chat) {
        if (open != Kind.TEXT) return;
        for (com.fasterxml.jackson.databind.JsonNode a : OutputText.annotations(chat)) {
            ObjectNode e = item().put("content_index", 0).put("annotation_index", textAnnotations.size());
            e.set("annotation", a);
            event("response.output_text.annotation.added", e);
            textAnnotations.add(a);
        }
    }

    /** A streamed signature (its block's text came as reasoning deltas) or a whole redacted block, for the open reasoning item. */
    private void signed(ArrayNode blocks) {
        for (com.fasterxml.jackson.databind.JsonNode b : blocks) {
            if (!(b instanceof ObjectNode block)) continue;
            String type = block.path("type").asText();
            // only what Claude can take back: a signed thinking block, or a redacted one (an unsigned piece is not)
            boolean signedThinking = type.equals("thinking") && !block.path("signature").asText("").isEmpty();
            if (!signedThinking && !(type.equals("redacted_thinking") && block.path("data").isTextual())) continue;
            ensure(Kind.REASONING);
            if (signed == null) signed = F.arrayNode();
            ObjectNode copy = block.deepCopy();
            if (signedThinking) {
                // the block's text is what streamed since it began: before this piece, plus the text the signed piece
                // itself carries (OpenRouter may send a block's last text with its signature), streamed just above
                String own = copy.path("thinking").asText("");
                int before = Math.min(text.length(), Math.max(blockStart, pieceStart));
                copy.put("thinking", own.isEmpty() ? text.substring(blockStart) : text.substring(blockStart, before) + own);
                blockStart = own.isEmpty() ? text.length() : Math.min(text.length(), before + own.length());
            }
            signed.add(copy);
        }
    }

    /** Claude's blocks walked by detail ({@link ReasoningWalk}); null until a piece has such details. */
    private ReasoningWalk walk;

    /** The walk's writer, made with the walk. */
    private ReasoningWalk.Blocks items;
    /**
     * The open reasoning item's summary part was added: at its first text, so an item without text (a redacted block, a
     * signature whose block streamed no text) has no summary part events and {@code summary: []}, as OpenAI's reasoning
     * item without a summary and as the whole answer's ({@link ResponseObject#output}).
     */
    private boolean summaryPart;

    /** Reasoning text on the open reasoning item: its summary part first, when this is its first text. */
    private void summaryDelta(String t) {
        if (!summaryPart) {
            summaryPart = true;
            event("response.reasoning_summary_part.added", item().put("summary_index", 0)
                    .set("part", F.objectNode().put("type", "summary_text").put("text", "")));
        }
        text.append(t);
        event("response.reasoning_summary_text.delta", item().put("summary_index", 0).put("delta", t));
    }

    /** The walk's blocks as reasoning items: one item per block, signed (or redacted) in its encrypted_content. */
    private final class ItemBlocks implements ReasoningWalk.Blocks {
        @Override public boolean thinkingOpen() { return open == Kind.REASONING && (signed == null || signed.isEmpty()); }

        @Override public void text(String t) {
            if (open == Kind.REASONING && signed != null && !signed.isEmpty()) close(); // an item holds one block
            ensure(Kind.REASONING);
            if (!t.isEmpty()) summaryDelta(t);
        }

        @Override public void signature(String signature) {
            ensure(Kind.REASONING);
            if (signed == null) signed = F.arrayNode();
            signed.addObject().put("type", "thinking").put("thinking", text.substring(Math.min(blockStart, text.length())))
                    .put("signature", signature);
            close();
        }

        @Override public void redacted(String data) {
            close();
            ensure(Kind.REASONING); // no summary part: the block has no text
            signed = F.arrayNode();
            signed.addObject().put("type", "redacted_thinking").put("data", data);
            close();
        }

        @Override public void end() { close(); }
    }

    private void toolCall(ToolCallDelta t) {
        ToolItem call = tools.get(t.index());
        if (open != Kind.TOOL || call == null || (t.id() != null && !t.id().equals(call.callId))) {
            // another kind's item, or a new call where one was, is closed first; a call that begins while others stream
            // leaves them open (an OpenAI-compatible server may interleave parallel calls' pieces: each goes to its item)
            if (open != Kind.TOOL || call != null) close();
            open = Kind.TOOL;
            String callId = t.id() != null ? t.id() : ResponseObject.itemId("call_");
            String name = t.name() == null ? "" : t.name();
            call = new ToolItem(ResponseObject.itemId(t.custom() ? "ctc_" : "fc_"), callId, name, t.custom(), output.size() + tools.size());
            tools.put(t.index(), call);
            added(call.outputIndex, t.custom() ? ResponseObject.customToolCall(call.itemId, callId, req.split(name), "", "in_progress")
                    : ResponseObject.functionCall(call.itemId, callId, req.split(name), "", "in_progress"));
        } else if (t.name() != null && call.name.isEmpty()) {
            call.name = t.name();
        }
        String fragment = t.argumentsFragment();
        if (fragment != null && !fragment.isEmpty()) {
            call.arguments.append(fragment);
            event(call.custom ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta",
                    call.about().put("delta", fragment));
        }
    }

    /** Closes the open calls' items, in the order they opened: their done events, and each joins the output. */
    private void closeTools(String itemStatus) {
        for (ToolItem call : tools.values()) {
            String args = call.arguments.toString();
            ObjectNode done;
            if (call.custom) {
                event("response.custom_tool_call_input.done", call.about().put("input", args));
                done = ResponseObject.customToolCall(call.itemId, call.callId, req.split(call.name), args, itemStatus);
            } else {
                event("response.function_call_arguments.done", call.about().put("name", req.split(call.name)[1]).put("arguments", args));
                done = ResponseObject.functionCall(call.itemId, call.callId, req.split(call.name), args, itemStatus);
            }
            done(call.outputIndex, done);
        }
        tools.clear();
    }

    /** Opens an item of {@code kind} unless one is open, closing the item of another kind first. */
    private void ensure(Kind kind) {
        if (open == kind) return;
        close();
        open = kind;
        outputIndex = output.size();
        text.setLength(0);
        textLogprobs.removeAll();
        textAnnotations.removeAll();
        blockStart = 0;
        switch (kind) {
            case REASONING -> {
                itemId = ResponseObject.itemId(dev.switchboard.model.GatewayReasoning.ID_PREFIX);
                added(ResponseObject.reasoningItem(itemId, null));
                summaryPart = false; // added with the item's first text (summaryDelta)
            }
            case TEXT, REFUSAL -> {
                itemId = ResponseObject.itemId("msg_");
                added(ResponseObject.messageItem(itemId, "in_progress"));
                ObjectNode part = kind == Kind.TEXT ? ResponseObject.outputText("") : ResponseObject.refusal("");
                event("response.content_part.added", item().put("content_index", 0).set("part", part));
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /** Closes the open item: its done events, then {@code response.output_item.done}; the item joins the output. */
    private void close() {
        String t = text.toString();
        // an item closed once the answer was cut short (its finish already read: the end) is the one cut
        String itemStatus = cutShort ? "incomplete" : ResponseObject.status(finish);
        ObjectNode done;
        switch (open) {
            case NONE -> { return; }
            case REASONING -> {
                if (summaryPart) {
                    event("response.reasoning_summary_text.done", item().put("summary_index", 0).put("text", t));
                    event("response.reasoning_summary_part.done", item().put("summary_index", 0)
                            .set("part", F.objectNode().put("type", "summary_text").put("text", t)));
                }
                // an item without text (a redacted block's, an empty signed block's) has no summary, as the whole
                // answer's (ResponseObject.output) and OpenAI's reasoning item without a summary
                done = ResponseObject.reasoningItem(itemId, summaryPart ? t : null);
                summaryPart = false;
                if (signed != null && !signed.isEmpty()) done.put("encrypted_content", SignedReasoning.encode(signed));
                signed = null;
            }
            case TEXT -> {
                ObjectNode e = item().put("content_index", 0).put("text", t);
                e.set("logprobs", OutputText.eventLogprobs(textLogprobs));
                event("response.output_text.done", e);
                ObjectNode part = ResponseObject.outputText(t, textAnnotations.deepCopy(), textLogprobs.deepCopy());
                event("response.content_part.done", item().put("content_index", 0).set("part", part.deepCopy()));
                done = ResponseObject.messageItem(itemId, itemStatus);
                ((ArrayNode) done.get("content")).add(part);
            }
            case REFUSAL -> {
                event("response.refusal.done", item().put("content_index", 0).put("refusal", t));
                event("response.content_part.done", item().put("content_index", 0).set("part", ResponseObject.refusal(t)));
                done = ResponseObject.messageItem(itemId, itemStatus);
                ((ArrayNode) done.get("content")).add(ResponseObject.refusal(t));
            }
            case TOOL -> {
                closeTools(itemStatus);
                open = Kind.NONE;
                text.setLength(0);
                return;
            }
            default -> throw new IllegalStateException();
        }
        done(outputIndex, done);
        if (open == Kind.REASONING && walk != null) walk.blockEnded();
        open = Kind.NONE;
        text.setLength(0);
    }

    /**
     * OpenAI's own event, as it sent it, but for the response id, which is the gateway's (the answer is stored under
     * it, and a stream served from OpenAI looks like any other). Chunks with no event of their own are not sent.
     */
    private Buffer relay(ChatChunk c) {
        if (c.raw() == null || !c.raw().is(RawJson.OPENAI_RESPONSES)) return null;
        ObjectNode e = c.raw().body().deepCopy();
        if (createdSent && "response.created".equals(e.path("type").asText())) return null; // the gateway's went first
        if (e.get("response") instanceof ObjectNode r) {
            r.put("id", id);
            if (req.background()) { // the gateway runs it in the background, OpenAI does not: its flag and its time
                r.put("background", true);
                r.put("created_at", createdAt);
            }
            String type = e.path("type").asText();
            if (type.equals("response.completed") || type.equals("response.incomplete")) relayedResponse = r;
            if (r.get("model") instanceof com.fasterxml.jackson.databind.node.TextNode m) model = m.textValue();
            // the chunk carrying OpenAI's usage was priced on its way (MeteredStream): the cost rides in that usage
            if (c.usage() != null && r.get("usage") instanceof ObjectNode usage) ResponseObject.withCost(usage, c.usage());
        }
        // the items OpenAI finished, for the response stored should its client leave before the end (abandoned)
        if ("response.output_item.done".equals(e.path("type").asText()) && e.get("item") instanceof ObjectNode item) output.add(item);
        if (createdSent) e.put("sequence_number", sequence++); // after the gateway's own first event
        else sequence = e.path("sequence_number").asInt(sequence) + 1;
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
        String type = e.path("type").asText("message");
        Buffer event = Buffer.buffer(json.length + 40).appendString("event: ").appendString(type).appendString("\ndata: ")
                .appendBytes(json).appendString("\n\n");
        if (relayedResponse != null) {
            // OpenAI's last event: the response is stored now, before the client reads it (not when the upstream closes,
            // which may come later), so that a GET or a previous_response_id sent the moment the client has it finds it.
            // The stream has ended for the store: nothing after it (the upstream's close, a late break, the client
            // leaving) stores it again or otherwise
            ended = true;
            try {
                onCompleted.accept(relayedResponse);
            } catch (RuntimeException x) { // the client still gets its answer; the store's failure is the gateway's to say
                log.error("response {}: its answer could not be stored", id, x);
            }
        }
        return event;
    }

    @Override
    public synchronized Buffer end() {
        out = null;
        if (ended) return null;
        ended = true;
        // OpenAI's stream ended without its response.completed (relay stored that one): nothing to store here; the
        // upstream stream fails such a cut body (error below) before it ends
        if (Boolean.TRUE.equals(passThrough)) return null;
        start();
        close();
        if (walk != null) walk.flush(items); // blocks still held behind the last one, whole
        String status = ResponseObject.status(finish);
        ObjectNode response = snapshot(status, usage == null ? Usage.ZERO : usage, null);
        event(status.equals("completed") ? "response.completed" : "response.incomplete",
                F.objectNode().set("response", SignedReasoning.visibleResponse(response, wanted)));
        onCompleted.accept(response);
        return take();
    }

    @Override
    public synchronized Buffer error(GatewayException error) {
        GatewayException e = ResponsesErrorNames.of(error); // the Responses API's field names, as its 400s say them
        out = null;
        if (ended) return null;
        ended = true;
        if (!Boolean.TRUE.equals(passThrough)) {
            start();
            // the item that was streaming is closed as cut short (its output_item.done, status incomplete) and listed in
            // response.failed's output with the items before it: a client that saw its output_item.added finds it there
            // (response.failed listed output [] after items had been added)
            cutShort = true;
            close();
            if (walk != null) walk.flush(items);
        }
        // with the cost it was charged, as a completed response says its own (0 when nothing was billed)
        ObjectNode failed = snapshot("failed", chargedUsage(), e);
        event("response.failed", F.objectNode().set("response", SignedReasoning.visibleResponse(failed, wanted)));
        // created (the client has its id since response.created), so kept as OpenAI keeps it: failed, without the output
        // cut short (as a failed background response is kept); a next turn continues from before it
        ObjectNode kept = failed.deepCopy();
        kept.set("output", F.arrayNode());
        onCompleted.accept(kept);
        // without a code of its own, the kind's OpenAI type: server_error for a 503, as the type beside it and the
        // response.failed's error.code say (it said service_unavailable, a word OpenAI's Responses API never sends)
        ObjectNode err = F.objectNode().put("code", e.code() != null ? e.code() : e.openAiKindType())
                .put("message", e.getMessage() == null ? "Unknown error" : e.getMessage());
        if (e.param() == null) err.putNull("param");
        else err.put("param", e.param());
        ObjectNode inner = err.deepCopy().put("type", e.openAiType());
        err.set("error", inner);
        event("error", err);
        return take();
    }

    /**
     * The end of a background stream that was cancelled: {@code response.failed} holding the response as cancelled
     * (no output), as OpenAI ends one; its call is being stopped.
     */
    synchronized Buffer cancelled() {
        out = null;
        if (ended) return null;
        ended = true;
        if (!Boolean.TRUE.equals(passThrough)) start();
        ObjectNode response = snapshot("cancelled", usage, null);
        response.set("output", F.arrayNode());
        event("response.failed", F.objectNode().set("response", response));
        return take();
    }

    /**
     * The client left a stream that had not ended (its upstream is being reset; the call's ledger row says 499 at what
     * it was charged): the response is stored as far as it got, {@code incomplete}, so that {@code GET} finds the id
     * {@code response.created} gave the client, as it finds a completed or failed one. The item that was streaming is
     * closed {@code incomplete} with its text so far (an OpenAI stream relayed keeps the items it had finished); no
     * reason is given ({@code incomplete_details} null: the spec's reasons are the output limit and a content filter).
     * Nothing is sent: the client is gone.
     */
    synchronized void abandoned() {
        if (ended) return;
        ended = true;
        cutShort = true;
        out = null;
        if (!Boolean.TRUE.equals(passThrough)) {
            start();
            close();
            if (walk != null) walk.flush(items); // blocks held behind the last one, whole: they join the output stored
        }
        out = null;
        onCompleted.accept(snapshot("incomplete", chargedUsage(), null));
    }

    /**
     * The usage a response that ended without its priced usage shows: what the call was charged, else the usage the
     * stream reported, else none at cost 0.
     */
    private Usage chargedUsage() {
        Usage c = charged == null ? null : charged.get();
        if (c != null) return c;
        return usage != null ? usage : Usage.ZERO.withCost(0);
    }

    private ObjectNode snapshot(String status, Usage u, GatewayException error) {
        return ResponseObject.build(id, createdAt, model, status, output.deepCopy(), u, req, status.equals("incomplete")
                ? ResponseObject.incompleteReason(finish) : null, error);
    }

    /** An event body about the open item: {@code item_id} and {@code output_index}. */
    private ObjectNode item() {
        return F.objectNode().put("item_id", itemId).put("output_index", outputIndex);
    }

    private void added(ObjectNode item) { added(outputIndex, item); }

    private void added(int index, ObjectNode item) {
        ObjectNode e = F.objectNode().put("output_index", index);
        e.set("item", item);
        event("response.output_item.added", e);
    }

    /** {@code response.output_item.done} for the item at {@code index} (its signed reasoning as the client asked), which joins the output. */
    private void done(int index, ObjectNode item) {
        ObjectNode e = F.objectNode().put("output_index", index);
        e.set("item", SignedReasoning.visible(item, wanted));
        event("response.output_item.done", e);
        output.add(item);
    }

    /** Appends one SSE event: its type in the body (first) and on the event line, and the next sequence number. */
    private void event(String type, ObjectNode body) {
        ObjectNode e = F.objectNode().put("type", type);
        e.setAll(body);
        e.put("sequence_number", sequence++);
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
        if (out == null) out = Buffer.buffer(json.length + type.length() + 20);
        out.appendString("event: ").appendString(type).appendString("\ndata: ").appendBytes(json).appendString("\n\n");
    }

    private Buffer take() {
        Buffer b = out;
        out = null;
        return b;
    }
}
