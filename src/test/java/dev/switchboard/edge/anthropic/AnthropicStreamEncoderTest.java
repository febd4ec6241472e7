package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.ToolCallDelta;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tool calls from OpenAI-shaped chunks into Anthropic's one-block-after-another events. */
class AnthropicStreamEncoderTest {

    private static ChatChunk calls(ToolCallDelta... pieces) {
        return new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, new Delta(null, null, null, null, List.of(pieces)), null, null)),
                null, null, null);
    }

    private static ChatChunk text(String t) {
        return new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, new Delta(null, t, null, null, List.of()), null, null)),
                null, null, null);
    }

    private static ChatChunk finish() {
        return new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.TOOL_CALLS, null)), null, null, null);
    }

    /** Each event as "type index [partial json]", in order; one list per encoder call, so a test sees when each left. */
    private static List<String> events(Buffer b) {
        List<String> out = new ArrayList<>();
        if (b == null) return out;
        for (String block : b.toString().split("\n\n")) {
            String data = block.substring(block.indexOf("data: ") + 6);
            JsonObject e = new JsonObject(data);
            String line = e.getString("type");
            if (e.containsKey("index")) line += " " + e.getInteger("index");
            JsonObject cb = e.getJsonObject("content_block");
            if (cb != null && cb.containsKey("id")) line += " " + cb.getString("id") + " " + cb.getString("name");
            JsonObject d = e.getJsonObject("delta");
            if (d != null && d.containsKey("partial_json")) line += " " + d.getString("partial_json");
            out.add(line);
        }
        return out;
    }

    @Test
    void callsSentOneAfterTheOtherEachStreamLive() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        events(enc.chunk(calls(new ToolCallDelta(0, "call_a", "f", ""))));
        assertThat(events(enc.chunk(calls(new ToolCallDelta(0, null, null, "{\"x\":1}"))))).containsExactly("content_block_delta 0 {\"x\":1}");
        // the first call's arguments are a whole object: the second call's block follows at once and streams
        assertThat(events(enc.chunk(calls(new ToolCallDelta(1, "call_b", "g", "{\"y\""))))).containsExactly(
                "content_block_stop 0", "content_block_start 1 call_b g", "content_block_delta 1 {\"y\"");
        assertThat(events(enc.chunk(calls(new ToolCallDelta(1, null, null, ":2}"))))).containsExactly("content_block_delta 1 :2}");
        enc.chunk(finish());
        assertThat(events(enc.end())).containsExactly("content_block_stop 1", "message_delta", "message_stop");
    }

    @Test
    void interleavedPiecesOfParallelCallsBecomeOneWholeBlockEach() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<String> all = new ArrayList<>();
        all.addAll(events(enc.chunk(calls(new ToolCallDelta(0, "call_a", "f", "{\"city\":")))));
        all.addAll(events(enc.chunk(calls(new ToolCallDelta(1, "call_b", "g", "{\"tz\"")))));
        all.addAll(events(enc.chunk(calls(new ToolCallDelta(0, null, null, "\"Paris\"}")))));
        all.addAll(events(enc.chunk(calls(new ToolCallDelta(1, null, null, ":\"CET\"}")))));
        all.addAll(events(enc.chunk(finish())));
        all.addAll(events(enc.end()));
        assertThat(all).containsExactly("message_start", "content_block_start 0 call_a f", "content_block_delta 0 {\"city\":",
                "content_block_delta 0 \"Paris\"}", "content_block_stop 0",
                "content_block_start 1 call_b g", "content_block_delta 1 {\"tz\":\"CET\"}", "content_block_stop 1",
                "message_delta", "message_stop");
    }

    @Test
    void heldCallsGoOutBeforeText() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<String> all = new ArrayList<>();
        all.addAll(events(enc.chunk(calls(new ToolCallDelta(0, "call_a", "f", "{\"a\":"), new ToolCallDelta(1, "call_b", "g", "{}")))));
        all.addAll(events(enc.chunk(calls(new ToolCallDelta(0, null, null, "1}")))));
        all.addAll(events(enc.chunk(text("done"))));
        assertThat(all).containsExactly("message_start", "content_block_start 0 call_a f", "content_block_delta 0 {\"a\":",
                "content_block_delta 0 1}", "content_block_stop 0", "content_block_start 1 call_b g", "content_block_delta 1 {}",
                "content_block_stop 1", "content_block_start 2", "content_block_delta 2");
    }

    @Test
    void aTranslatedThinkingBlockEndsWithAnEmptySignatureAsANonStreamAnswerHasOne() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        enc.chunk(new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, new Delta(null, null, "hmm", null, List.of()), null, null)),
                null, null, null));
        Buffer next = enc.chunk(text("answer"));
        assertThat(events(next)).containsExactly("content_block_delta 0", "content_block_stop 0", "content_block_start 1", "content_block_delta 1");
        assertThat(next.toString()).contains("{\"type\":\"signature_delta\",\"signature\":\"\"}");
    }

    /** An OpenAI-style chunk with its reasoning and OpenRouter's reasoning_details (JSON) on the delta. */
    private static ChatChunk details(String reasoning, String content, String detailsJson) {
        com.fasterxml.jackson.databind.node.ObjectNode extra = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        try {
            extra.set("reasoning_details", new com.fasterxml.jackson.databind.ObjectMapper().readTree(detailsJson));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new ChatChunk("gen-1", 1, "anthropic/claude-sonnet-4.5", List.of(new ChunkChoice(0,
                new Delta(null, content, reasoning, null, List.of(), extra), null, null)), null, null, null);
    }

    /** Each event in full: "type index", the block's type (and data), the delta's type and value. */
    private static List<String> fullEvents(Buffer b) {
        List<String> out = new ArrayList<>();
        if (b == null) return out;
        for (String block : b.toString().split("\n\n")) {
            JsonObject e = new JsonObject(block.substring(block.indexOf("data: ") + 6));
            String line = e.getString("type");
            if (e.containsKey("index")) line += " " + e.getInteger("index");
            JsonObject cb = e.getJsonObject("content_block");
            if (cb != null) line += " " + cb.getString("type") + (cb.containsKey("data") ? " " + cb.getString("data") : "");
            JsonObject d = e.getJsonObject("delta");
            if (d != null && d.containsKey("thinking")) line += " thinking_delta " + d.getString("thinking");
            if (d != null && d.containsKey("signature")) line += " signature_delta " + d.getString("signature");
            if (d != null && d.containsKey("text")) line += " text_delta " + d.getString("text");
            out.add(line);
        }
        return out;
    }

    private static final String CLAUDE = ",\"format\":\"anthropic-claude-v1\"";

    /**
     * Claude behind OpenRouter, streamed: the text pieces are one thinking block's deltas, the signature piece its
     * signature_delta and end, the encrypted piece a redacted_thinking block of its own, then the text; the content
     * chunks' "reasoning_details": [] add nothing. The same whether the text pieces carry the plain reasoning beside
     * their details or not.
     */
    @Test
    void openRoutersReasoningDetailsBecomeSignedAndRedactedBlocksInOrder() {
        for (boolean plain : new boolean[] {true, false}) {
            AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
            List<String> all = new ArrayList<>();
            all.addAll(fullEvents(enc.chunk(details(plain ? "Let me " : null, "",
                    "[{\"type\":\"reasoning.text\",\"text\":\"Let me \"" + CLAUDE + ",\"index\":0}]"))));
            all.addAll(fullEvents(enc.chunk(details(plain ? "think." : null, "",
                    "[{\"type\":\"reasoning.text\",\"text\":\"think.\"" + CLAUDE + ",\"index\":0}]"))));
            all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.text\",\"signature\":\"EqIFsig\"" + CLAUDE + ",\"index\":0}]"))));
            all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE + ",\"index\":1}]"))));
            all.addAll(fullEvents(enc.chunk(details(null, "Sunny.", "[]"))));
            all.addAll(fullEvents(enc.chunk(finish())));
            all.addAll(fullEvents(enc.end()));
            assertThat(all).as(plain ? "with the plain reasoning" : "details alone").containsExactly("message_start",
                    "content_block_start 0 thinking", "content_block_delta 0 thinking_delta Let me ",
                    "content_block_delta 0 thinking_delta think.", "content_block_delta 0 signature_delta EqIFsig", "content_block_stop 0",
                    "content_block_start 1 redacted_thinking EmwKAhgB", "content_block_stop 1",
                    "content_block_start 2 text", "content_block_delta 2 text_delta Sunny.", "content_block_stop 2",
                    "message_delta", "message_stop");
        }
    }

    /**
     * One piece with two signed details and no plain reasoning beside them (OpenRouter sending two of Claude's blocks
     * at once; a cache replay sends the plain reasoning beside them, see aCacheReplayOfSeveralSignedBlocks…): each detail is its own thinking block with its own text once and its own signature, in
     * order; a signed detail followed by an unsigned one opens the next block for that text, whose signature comes
     * later. Before, the first block held both texts and the second repeated its own.
     */
    @Test
    void eachSignedDetailOfOnePieceIsABlockOfItsOwn() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<String> all = new ArrayList<>();
        all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\""
                + CLAUDE + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Second.\",\"signature\":\"sigB\"" + CLAUDE
                + ",\"index\":1},{\"type\":\"reasoning.text\",\"text\":\"Third \"" + CLAUDE + ",\"index\":2}]"))));
        all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\"ends.\"" + CLAUDE + ",\"index\":2}]"))));
        all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.text\",\"signature\":\"sigC\"" + CLAUDE + ",\"index\":2}]"))));
        all.addAll(fullEvents(enc.chunk(details(null, "Sunny.", "[]"))));
        all.addAll(fullEvents(enc.chunk(finish())));
        all.addAll(fullEvents(enc.end()));
        assertThat(all).containsExactly("message_start",
                "content_block_start 0 thinking", "content_block_delta 0 thinking_delta First.",
                "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                "content_block_start 1 thinking", "content_block_delta 1 thinking_delta Second.",
                "content_block_delta 1 signature_delta sigB", "content_block_stop 1",
                "content_block_start 2 thinking", "content_block_delta 2 thinking_delta Third ",
                "content_block_delta 2 thinking_delta ends.", "content_block_delta 2 signature_delta sigC", "content_block_stop 2",
                "content_block_start 3 text", "content_block_delta 3 text_delta Sunny.", "content_block_stop 3",
                "message_delta", "message_stop");
    }

    /**
     * A cache hit of an answer of two of Claude's signed blocks (and an encrypted one) streamed to an Anthropic client,
     * through the cache's recorder and {@code StreamReplay}: each block has its own text once and its own signature.
     * Before, the replay sent the whole reasoning beside all the details in one piece, so block 0 held "First.Second."
     * with sigA and block 1 repeated "Second." with sigB.
     */
    @Test
    void aCacheReplayOfSeveralSignedBlocksGivesEachItsOwnTextAndSignature() {
        assertThat(stream(replayOf(details("First.Second.", "", "[{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\""
                + CLAUDE + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Second.\",\"signature\":\"sigB\"" + CLAUDE
                + ",\"index\":1},{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE + ",\"index\":2}]"),
                details(null, "Sunny.", "[]"), finish()))).containsExactly("message_start",
                "content_block_start 0 thinking", "content_block_delta 0 thinking_delta First.",
                "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                "content_block_start 1 thinking", "content_block_delta 1 thinking_delta Second.",
                "content_block_delta 1 signature_delta sigB", "content_block_stop 1",
                "content_block_start 2 redacted_thinking EmwKAhgB", "content_block_stop 2",
                "content_block_start 3 text", "content_block_delta 3 text_delta Sunny.", "content_block_stop 3",
                "message_delta", "message_stop");
    }

    /** A piece whose {@code thinking_blocks} is a JSON null is walked detail by detail, as one without the field. */
    @Test
    void aNullThinkingBlocksFieldDoesNotStopTheWalkByDetail() {
        ChatChunk piece = details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\""
                + CLAUDE + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Second.\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]");
        piece.choices().get(0).delta().extra().putNull("thinking_blocks");
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<String> all = new ArrayList<>(fullEvents(enc.chunk(piece)));
        assertThat(all).containsExactly("message_start",
                "content_block_start 0 thinking", "content_block_delta 0 thinking_delta First.",
                "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                "content_block_start 1 thinking", "content_block_delta 1 thinking_delta Second.",
                "content_block_delta 1 signature_delta sigB", "content_block_stop 1");
    }

    /** A piece whose one detail holds the last text and the signature ends the block streamed so far (as before). */
    @Test
    void aSignedDetailWithTextEndsTheOpenBlock() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<String> all = new ArrayList<>();
        all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\"Let me \"" + CLAUDE + ",\"index\":0}]"))));
        all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\"think.\",\"signature\":\"sigA\""
                + CLAUDE + ",\"index\":0}]"))));
        all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.text\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]"))));
        assertThat(all).containsExactly("message_start",
                "content_block_start 0 thinking", "content_block_delta 0 thinking_delta Let me ",
                "content_block_delta 0 thinking_delta think.", "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                "content_block_start 1 thinking", "content_block_delta 1 signature_delta sigB", "content_block_stop 1");
    }

    /**
     * Another format's details (OpenAI's summaries behind OpenRouter) without the plain reasoning beside them are not
     * made into a thinking block: only Claude's are; the plain reasoning is what every provider's thinking block is of.
     */
    @Test
    void onlyClaudesDetailsStandInForAMissingReasoning() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<String> all = new ArrayList<>();
        all.addAll(fullEvents(enc.chunk(details(null, "",
                "[{\"type\":\"reasoning.summary\",\"summary\":\"Thought it over\",\"format\":\"openai-responses-v1\",\"index\":0}]"))));
        all.addAll(fullEvents(enc.chunk(details(null, "", "[{\"type\":\"reasoning.encrypted\",\"data\":\"gAAAA\","
                + "\"format\":\"openai-responses-v1\",\"index\":1}]"))));
        all.addAll(fullEvents(enc.chunk(details(null, "Hi.", "[]"))));
        assertThat(all).containsExactly("message_start", "content_block_start 0 text", "content_block_delta 0 text_delta Hi.");
    }

    /** The chunks a cache hit replays ({@code StreamReplay}) of an answer the cache's recorder stored from these chunks. */
    private static ChatChunk[] replayOf(ChatChunk... recorded) {
        List<ChatChunk> replayed = new ArrayList<>();
        dev.switchboard.model.ChunkSink collect = new dev.switchboard.model.ChunkSink() {
            @Override public void chunk(ChatChunk c) { replayed.add(c); }
            @Override public void flush() {}
            @Override public void end() {}
            @Override public void fail(dev.switchboard.model.GatewayException error) {}
            @Override public boolean writeQueueFull() { return false; }
            @Override public void drainHandler(Runnable onDrain) {}
        };
        dev.switchboard.model.ChatResponse[] stored = new dev.switchboard.model.ChatResponse[1];
        dev.switchboard.cache.StreamRecorder rec = new dev.switchboard.cache.StreamRecorder(collect, r -> stored[0] = r);
        for (ChatChunk c : recorded) rec.chunk(c);
        rec.end();
        replayed.clear();
        new dev.switchboard.cache.StreamReplay(stored[0]).start(collect);
        return replayed.toArray(ChatChunk[]::new);
    }

    /** The events of a whole stream: each chunk, then the end. */
    private static List<String> stream(ChatChunk... chunks) {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<String> all = new ArrayList<>();
        for (ChatChunk c : chunks) all.addAll(fullEvents(enc.chunk(c)));
        all.addAll(fullEvents(enc.end()));
        return all;
    }

    /**
     * One piece holding Claude's encrypted block and then a signed text block (the thirty-first session's gap 1): a
     * redacted_thinking block, then a thinking block with that text once and its signature, indexes in order, with or
     * without OpenRouter's plain reasoning beside the details. Before, the plain reasoning opened an unsigned block 0
     * with the text, the redacted block was 1 and block 2 repeated the text with the signature.
     */
    @Test
    void anEncryptedThenASignedDetailInOnePieceAreTwoBlocksInOrder() {
        for (String plain : new String[] {"Thought it over.", null}) {
            assertThat(stream(details(plain, "", "[{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE
                            + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Thought it over.\",\"signature\":\"sigA\""
                            + CLAUDE + ",\"index\":1}]"),
                    details(null, "Sunny.", "[]"), finish()))
                    .as("plain reasoning %s", plain)
                    .containsExactly("message_start",
                            "content_block_start 0 redacted_thinking EmwKAhgB", "content_block_stop 0",
                            "content_block_start 1 thinking", "content_block_delta 1 thinking_delta Thought it over.",
                            "content_block_delta 1 signature_delta sigA", "content_block_stop 1",
                            "content_block_start 2 text", "content_block_delta 2 text_delta Sunny.", "content_block_stop 2",
                            "message_delta", "message_stop");
        }
    }

    /**
     * Signed details and the answer's first text in the same piece (gap 2): the thinking blocks close, each with its own
     * signature, before the text block opens; nothing is written twice. With and without the plain reasoning.
     */
    @Test
    void signedDetailsAndTextInOnePieceCloseTheThinkingBeforeTheText() {
        for (boolean plain : new boolean[] {true, false}) {
            assertThat(stream(details(plain ? "Let me " : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"Let me \"" + CLAUDE + ",\"index\":0}]"),
                    details(plain ? "think.Next." : null, "Sunny.", "[{\"type\":\"reasoning.text\",\"text\":\"think.\",\"signature\":\"sigA\""
                            + CLAUDE + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Next.\",\"signature\":\"sigB\"" + CLAUDE
                            + ",\"index\":1}]"),
                    finish()))
                    .as("plain reasoning %s", plain)
                    .containsExactly("message_start",
                            "content_block_start 0 thinking", "content_block_delta 0 thinking_delta Let me ",
                            "content_block_delta 0 thinking_delta think.", "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                            "content_block_start 1 thinking", "content_block_delta 1 thinking_delta Next.",
                            "content_block_delta 1 signature_delta sigB", "content_block_stop 1",
                            "content_block_start 2 text", "content_block_delta 2 text_delta Sunny.", "content_block_stop 2",
                            "message_delta", "message_stop");
        }
    }

    /**
     * A cache hit whose stored details' texts are not the stored plain reasoning (gap 3; here the reasoning has a space
     * the details lack, so it is replayed in one piece): an Anthropic client gets each signature with exactly its own
     * detail's text. Before, block 0 held the whole plain reasoning with sigA and block 1 repeated "Second.".
     */
    @Test
    void aCacheReplayWhoseDetailsDifferFromTheReasoningSignsEachDetailsOwnText() {
        assertThat(stream(replayOf(details("First. Second.", "", "[{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\""
                + CLAUDE + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Second.\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]"),
                details(null, "Sunny.", "[]"), finish()))).containsExactly("message_start",
                "content_block_start 0 thinking", "content_block_delta 0 thinking_delta First.",
                "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                "content_block_start 1 thinking", "content_block_delta 1 thinking_delta Second.",
                "content_block_delta 1 signature_delta sigB", "content_block_stop 1",
                "content_block_start 2 text", "content_block_delta 2 text_delta Sunny.", "content_block_stop 2",
                "message_delta", "message_stop");
    }

    /**
     * Details of two blocks whose pieces interleave by {@code index} (gap 4): each index is a block of its own, in index
     * order; the later block's pieces are held while the earlier one streams and follow when it is signed. With and
     * without the plain reasoning beside the details. Before, every text went into one block.
     */
    @Test
    void interleavedDetailIndexesAreBlocksOfTheirOwnInIndexOrder() {
        for (boolean plain : new boolean[] {true, false}) {
            assertThat(stream(details(plain ? "A1 " : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"A1 \"" + CLAUDE + ",\"index\":0}]"),
                    details(plain ? "B1 " : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"B1 \"" + CLAUDE + ",\"index\":1}]"),
                    details(plain ? "A2" : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"A2\"" + CLAUDE + ",\"index\":0}]"),
                    details(plain ? "B2" : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"B2\"" + CLAUDE + ",\"index\":1}]"),
                    details(null, "", "[{\"type\":\"reasoning.text\",\"signature\":\"sigA\"" + CLAUDE + ",\"index\":0}]"),
                    details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\" B3\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]"),
                    details(null, "Sunny.", "[]"), finish()))
                    .as("plain reasoning %s", plain)
                    .containsExactly("message_start",
                            "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A1 ",
                            "content_block_delta 0 thinking_delta A2", "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                            "content_block_start 1 thinking", "content_block_delta 1 thinking_delta B1 B2",
                            "content_block_delta 1 thinking_delta  B3", "content_block_delta 1 signature_delta sigB", "content_block_stop 1",
                            "content_block_start 2 text", "content_block_delta 2 text_delta Sunny.", "content_block_stop 2",
                            "message_delta", "message_stop");
        }
    }

    /**
     * A detail's text in one piece and its signature in the next with the same index, the next block's first text beside
     * that signature (gap 4's split case), and held blocks that never get a signature go out, unsigned, before the text.
     */
    @Test
    void aDetailSplitAcrossPiecesByIndexAndHeldBlocksBeforeText() {
        assertThat(stream(details("A", "", "[{\"type\":\"reasoning.text\",\"text\":\"A\"" + CLAUDE + ",\"index\":0}]"),
                details(null, "", "[{\"type\":\"reasoning.text\",\"signature\":\"sigA\"" + CLAUDE + ",\"index\":0},"
                        + "{\"type\":\"reasoning.text\",\"text\":\"B\"" + CLAUDE + ",\"index\":1}]"),
                details(null, "", "[{\"type\":\"reasoning.text\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]"),
                finish()))
                .containsExactly("message_start",
                        "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A",
                        "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                        "content_block_start 1 thinking", "content_block_delta 1 thinking_delta B",
                        "content_block_delta 1 signature_delta sigB", "content_block_stop 1",
                        "message_delta", "message_stop");
        assertThat(stream(details("A", "", "[{\"type\":\"reasoning.text\",\"text\":\"A\"" + CLAUDE + ",\"index\":0}]"),
                details("B", "", "[{\"type\":\"reasoning.text\",\"text\":\"B\"" + CLAUDE + ",\"index\":1}]"),
                details(null, "Sunny.", "[]"), finish()))
                .as("two unsigned blocks: each its own, the held one before the text")
                .containsExactly("message_start",
                        "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A",
                        "content_block_delta 0 signature_delta ", "content_block_stop 0",
                        "content_block_start 1 thinking", "content_block_delta 1 thinking_delta B",
                        "content_block_delta 1 signature_delta ", "content_block_stop 1",
                        "content_block_start 2 text", "content_block_delta 2 text_delta Sunny.", "content_block_stop 2",
                        "message_delta", "message_stop");
    }

    private static ChatChunk textAt(String reasoning, String text, int index) {
        return details(reasoning, "", "[{\"type\":\"reasoning.text\",\"text\":\"" + text + "\"" + CLAUDE + ",\"index\":" + index + "}]");
    }

    private static ChatChunk signatureAt(String reasoning, String signature, int index) {
        return details(reasoning, "", "[{\"type\":\"reasoning.text\",\"signature\":\"" + signature + "\"" + CLAUDE + ",\"index\":" + index + "}]");
    }

    /**
     * A signature-only piece of a held index with the plain reasoning beside it (the block's last text, which OpenRouter
     * sends as the plain field only): that text belongs to the held block of the detail's index, not to the open block of
     * another. Before, "B2" went into block 0, so block 0 was "AB2" with sigA and block 1 "B" with sigB (both fail).
     */
    @Test
    void aSignatureOnlyPiecesPlainReasoningGoesToItsDetailsIndex() {
        assertThat(stream(textAt("A", "A", 0), textAt("B", "B", 1), signatureAt("B2", "sigB", 1), signatureAt(null, "sigA", 0), finish()))
                .containsExactly("message_start",
                        "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A",
                        "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                        "content_block_start 1 thinking", "content_block_delta 1 thinking_delta BB2",
                        "content_block_delta 1 signature_delta sigB", "content_block_stop 1",
                        "message_delta", "message_stop");
        assertThat(stream(textAt("A", "A", 0), signatureAt("A2", "sigA", 0), finish()))
                .as("the same index: the text goes on the open block, as before")
                .containsExactly("message_start",
                        "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A",
                        "content_block_delta 0 thinking_delta A2", "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                        "message_delta", "message_stop");
    }

    /**
     * Held blocks are bounded: a ninth held index (or more than 1 MiB of held text) sends the open block and every held
     * one, in index order, and the rest of the stream holds nothing (a detail of another index ends the open block
     * and opens its own: it is never joined to another index's text, nor signed with another's signature; an index
     * whose text went out in parts gets no signature, since it signs a whole no block holds).
     */
    @Test
    void heldBlocksAreCappedAndPastTheCapNothingIsHeld() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        enc.chunk(textAt(null, "A", 0));
        for (int i = 1; i <= 8; i++) {
            assertThat(fullEvents(enc.chunk(textAt(null, "T" + i, i)))).as("index %d held", i).isEmpty();
        }
        List<String> overflow = fullEvents(enc.chunk(textAt(null, "T9", 9)));
        List<String> expected = new ArrayList<>(List.of("content_block_delta 0 signature_delta ", "content_block_stop 0"));
        for (int i = 1; i <= 9; i++) {
            expected.addAll(List.of("content_block_start " + i + " thinking", "content_block_delta " + i + " thinking_delta T" + i,
                    "content_block_delta " + i + " signature_delta ", "content_block_stop " + i));
        }
        assertThat(overflow).containsExactlyElementsOf(expected);
        assertThat(fullEvents(enc.chunk(textAt(null, "late", 3)))).containsExactly("content_block_start 10 thinking",
                "content_block_delta 10 thinking_delta late");
        assertThat(fullEvents(enc.chunk(textAt(null, "also", 4)))).as("not held any more: a block of its own").containsExactly(
                "content_block_delta 10 signature_delta ", "content_block_stop 10", "content_block_start 11 thinking",
                "content_block_delta 11 thinking_delta also");
        assertThat(fullEvents(enc.chunk(signatureAt(null, "sig1", 1))))
                .as("index 1's text went out unsigned at the cap: its signature alone writes nothing (it signed an empty block)")
                .isEmpty();
        assertThat(fullEvents(enc.chunk(signatureAt(" done", "sig4", 4))))
                .as("index 4's T4 went out at the cap: sig4 signs \"T4also done\", so the block ends unsigned, not signed sig4")
                .containsExactly("content_block_delta 11 thinking_delta  done", "content_block_delta 11 signature_delta ",
                        "content_block_stop 11");
        assertThat(fullEvents(enc.chunk(textAt(null, "B", 12)))).containsExactly("content_block_start 12 thinking",
                "content_block_delta 12 thinking_delta B");
        assertThat(fullEvents(enc.chunk(signatureAt(null, "sig12", 12)))).as("a new index past the cap, whole: signed")
                .containsExactly("content_block_delta 12 signature_delta sig12", "content_block_stop 12");

        String big = "x".repeat((1 << 20) + 1);
        AnthropicStreamEncoder bytes = new AnthropicStreamEncoder();
        bytes.chunk(textAt(null, "A", 0));
        assertThat(fullEvents(bytes.chunk(textAt(null, big, 1)))).as("over 1 MiB held").containsExactly(
                "content_block_delta 0 signature_delta ", "content_block_stop 0", "content_block_start 1 thinking",
                "content_block_delta 1 thinking_delta " + big, "content_block_delta 1 signature_delta ", "content_block_stop 1");
        assertThat(fullEvents(bytes.chunk(textAt(null, "B", 2)))).containsExactly("content_block_start 2 thinking",
                "content_block_delta 2 thinking_delta B");
    }

    /** Interleaved indexes then a tool call: the open block and the held one close before the tool_use block opens. */
    @Test
    void heldBlocksGoOutBeforeAToolCall() {
        assertThat(stream(textAt("A", "A", 0), textAt("B", "B", 1), calls(new ToolCallDelta(0, "call_a", "f", "{}")), finish()))
                .containsExactly("message_start",
                        "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A",
                        "content_block_delta 0 signature_delta ", "content_block_stop 0",
                        "content_block_start 1 thinking", "content_block_delta 1 thinking_delta B",
                        "content_block_delta 1 signature_delta ", "content_block_stop 1",
                        "content_block_start 2 tool_use", "content_block_delta 2", "content_block_stop 2",
                        "message_delta", "message_stop");
    }

    /** Interleaved indexes then the finish, no text: the held block goes out at the end, after the open one. */
    @Test
    void heldBlocksGoOutAtTheEnd() {
        assertThat(stream(textAt("A", "A", 0), textAt("B", "B", 1), signatureAt(null, "sigB", 1), finish()))
                .containsExactly("message_start",
                        "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A",
                        "content_block_delta 0 signature_delta ", "content_block_stop 0",
                        "content_block_start 1 thinking", "content_block_delta 1 thinking_delta B",
                        "content_block_delta 1 signature_delta sigB", "content_block_stop 1",
                        "message_delta", "message_stop");
    }

    /** Claude's encrypted block at index 1 while block 0 is open and unsigned: held, it follows block 0's signature whole. */
    @Test
    void aRedactedDetailOfAnotherIndexWaitsForTheOpenBlock() {
        String redacted = "[{\"type\":\"reasoning.encrypted\",\"data\":\"R\"" + CLAUDE + ",\"index\":1}]";
        assertThat(stream(textAt("A", "A", 0), details(null, "", redacted), signatureAt("A2", "sigA", 0), details(null, "Sunny.", "[]"), finish()))
                .containsExactly("message_start",
                        "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A",
                        "content_block_delta 0 thinking_delta A2", "content_block_delta 0 signature_delta sigA", "content_block_stop 0",
                        "content_block_start 1 redacted_thinking R", "content_block_stop 1",
                        "content_block_start 2 text", "content_block_delta 2 text_delta Sunny.", "content_block_stop 2",
                        "message_delta", "message_stop");
        assertThat(stream(textAt("A", "A", 0), details(null, "", redacted), details(null, "Sunny.", "[]"), finish()))
                .as("block 0 never signed: it closes unsigned, the redacted block follows before the text")
                .containsExactly("message_start",
                        "content_block_start 0 thinking", "content_block_delta 0 thinking_delta A",
                        "content_block_delta 0 signature_delta ", "content_block_stop 0",
                        "content_block_start 1 redacted_thinking R", "content_block_stop 1",
                        "content_block_start 2 text", "content_block_delta 2 text_delta Sunny.", "content_block_stop 2",
                        "message_delta", "message_stop");
    }

    @Test
    void jsonProgressKnowsAWholeValueAcrossPieces() {
        AnthropicStreamEncoder.JsonProgress p = new AnthropicStreamEncoder.JsonProgress();
        p.feed("{\"a\":\"}\\\"");
        assertThat(p.whole()).isFalse(); // the brace and the escaped quote are inside a string
        p.feed("\",\"b\":[1,{\"c\":2}]");
        assertThat(p.whole()).isFalse();
        p.feed("} ");
        assertThat(p.whole()).isTrue();
        p.feed("x");
        assertThat(p.whole()).as("anything after a whole value").isFalse();
        AnthropicStreamEncoder.JsonProgress empty = new AnthropicStreamEncoder.JsonProgress();
        empty.feed("");
        assertThat(empty.whole()).isFalse();
    }

    private static ChatChunk withExtra(String t, com.fasterxml.jackson.databind.node.ObjectNode extra) {
        return new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, new Delta(null, t, null, null, List.of(), extra), null, null)),
                null, null, null);
    }

    /**
     * The gateway's citation marks (a provider text block's start, a citation: {@code CitedText}) become a text block of
     * the cited part's own and its {@code citations_delta}; an upstream delta's plain fields of the same names are not
     * taken for them.
     */
    @Test
    void aCitedBlockIsATextBlockOfItsOwnWithItsCitationsDeltaAndAnUpstreamsSameNamedFieldsAreNot() {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        com.fasterxml.jackson.databind.node.ObjectNode citation = f.objectNode().put("type", "char_location").put("cited_text", "g");
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        enc.chunk(text("Look: "));
        com.fasterxml.jackson.databind.node.ObjectNode start = f.objectNode();
        start.set(dev.switchboard.model.CitedText.BLOCK_START, new dev.switchboard.model.CitedText.BlockStart());
        assertThat(events(enc.chunk(withExtra("green", start)))).containsExactly("content_block_stop 0", "content_block_start 1",
                "content_block_delta 1");
        com.fasterxml.jackson.databind.node.ObjectNode cite = f.objectNode();
        cite.set(dev.switchboard.model.CitedText.CITATION, dev.switchboard.model.CitedText.citation(citation));
        Buffer b = enc.chunk(withExtra(null, cite));
        JsonObject e = new JsonObject(b.toString().substring(b.toString().indexOf("data: ") + 6).trim());
        assertThat(e.getInteger("index")).isEqualTo(1);
        assertThat(e.getJsonObject("delta")).isEqualTo(new JsonObject().put("type", "citations_delta")
                .put("citation", new JsonObject().put("type", "char_location").put("cited_text", "g")));

        AnthropicStreamEncoder other = new AnthropicStreamEncoder();
        other.chunk(text("Look: "));
        com.fasterxml.jackson.databind.node.ObjectNode plain = f.objectNode();
        plain.set(dev.switchboard.model.CitedText.BLOCK_START, f.objectNode());
        plain.set(dev.switchboard.model.CitedText.CITATION, citation.deepCopy());
        assertThat(events(other.chunk(withExtra("green", plain)))).containsExactly("content_block_delta 0");
    }

    /** Each event as "type index", a delta's type and its text or cited_text: where citations land among the text. */
    private static List<String> citedEvents(Buffer b) {
        List<String> out = new ArrayList<>();
        if (b == null) return out;
        for (String block : b.toString().split("\n\n")) {
            JsonObject e = new JsonObject(block.substring(block.indexOf("data: ") + 6));
            String line = e.getString("type");
            if (e.containsKey("index")) line += " " + e.getInteger("index");
            JsonObject d = e.getJsonObject("delta");
            if (d != null && d.containsKey("text")) line += " text_delta " + d.getString("text");
            if (d != null && d.containsKey("citation")) line += " citations_delta " + d.getJsonObject("citation").getString("cited_text");
            out.add(line);
        }
        return out;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode marks(boolean start, String citedText) {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        com.fasterxml.jackson.databind.node.ObjectNode m = f.objectNode();
        if (start) m.set(dev.switchboard.model.CitedText.BLOCK_START, new dev.switchboard.model.CitedText.BlockStart());
        if (citedText != null) m.set(dev.switchboard.model.CitedText.CITATION, dev.switchboard.model.CitedText.citation(
                f.objectNode().put("type", "char_location").put("cited_text", citedText)));
        return m;
    }

    /**
     * A block's citation before its text (the block's first piece is the citation, marked as the block's start): the
     * open text block ends, the cited block opens with its citations_delta, and its text follows on the same block.
     */
    @Test
    void aCitationBeforeItsTextOpensTheCitedBlockAndTheTextFollowsOnIt() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<String> all = new ArrayList<>();
        all.addAll(citedEvents(enc.chunk(text("Look: "))));
        all.addAll(citedEvents(enc.chunk(withExtra(null, marks(true, "g")))));
        all.addAll(citedEvents(enc.chunk(text("green"))));
        all.addAll(citedEvents(enc.chunk(withExtra(" Fine.", marks(true, null)))));
        assertThat(all).containsExactly("message_start", "content_block_start 0", "content_block_delta 0 text_delta Look: ",
                "content_block_stop 0", "content_block_start 1", "content_block_delta 1 citations_delta g",
                "content_block_delta 1 text_delta green",
                "content_block_stop 1", "content_block_start 2", "content_block_delta 2 text_delta  Fine.");
    }

    /**
     * A cited stream stored by the cache's recorder and replayed on a hit streams as it did live: the cited part a text
     * block of its own with its citations_delta, whichever came first live (the text or the citation). Before, the
     * replay sent the text in one block without citations.
     */
    @Test
    void aReplayedHitOfACitedStreamHasItsCitationsDeltas() {
        List<String> expected = List.of("message_start", "content_block_start 0", "content_block_delta 0 text_delta Look: ",
                "content_block_stop 0", "content_block_start 1", "content_block_delta 1 text_delta green",
                "content_block_delta 1 citations_delta g");
        ChatChunk[] textFirst = replayOf(text("Look: "), withExtra("green", marks(true, null)), withExtra(null, marks(false, "g")));
        ChatChunk[] citationFirst = replayOf(text("Look: "), withExtra(null, marks(true, "g")), text("green"));
        for (ChatChunk[] replay : List.of(textFirst, citationFirst)) {
            AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
            List<String> all = new ArrayList<>();
            for (ChatChunk c : replay) all.addAll(citedEvents(enc.chunk(c)));
            assertThat(all.subList(0, expected.size())).isEqualTo(expected);
            assertThat(all).filteredOn(e -> e.contains("citations_delta")).hasSize(1);
        }
    }
}
