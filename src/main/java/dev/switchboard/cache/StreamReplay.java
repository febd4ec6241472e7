package dev.switchboard.cache;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.Delta;
import dev.switchboard.model.Message;
import dev.switchboard.model.ReasoningDetails;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored answer played back as a stream, so a streaming client gets a hit too: per choice the role, the reasoning,
 * the text, each tool call whole, then the finish reason, then the usage chunk — the canonical chunks every dialect's
 * encoder turns into a proper event stream (OpenAI's chunks and {@code [DONE]}, Anthropic's block sequence).
 */
public final class StreamReplay implements ChatStream {
    private final ChatResponse r;
    private volatile boolean cancelled;

    public StreamReplay(ChatResponse r) { this.r = r; }

    @Override
    public void start(ChunkSink sink) {
        for (ChatChunk c : chunks()) {
            if (cancelled) return;
            sink.chunk(c);
        }
        sink.flush();
        if (!cancelled) sink.end();
    }

    @Override
    public void cancel() { cancelled = true; }

    @Override
    public dev.switchboard.model.Usage knownUsage() { return r.usage(); }

    List<ChatChunk> chunks() {
        List<ChatChunk> out = new ArrayList<>();
        for (Choice choice : r.choices()) {
            Message m = choice.message();
            int i = choice.index();
            out.add(chunk(i, new Delta(Role.ASSISTANT, null, null, null, List.of())));
            com.fasterxml.jackson.databind.node.ObjectNode extra = m.extra();
            if (extra != null && extra.get("thinking_blocks") instanceof com.fasterxml.jackson.databind.node.ArrayNode blocks) {
                // Claude's signed blocks as a live stream gives them: each block's text as reasoning, then its signature
                // in a piece of its own (the encoders end the block with it); the blocks' text is the reasoning
                for (com.fasterxml.jackson.databind.JsonNode b : blocks) {
                    com.fasterxml.jackson.databind.JsonNode piece = b;
                    if ("thinking".equals(b.path("type").asText()) && b instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                        String thought = o.path("thinking").asText("");
                        if (!thought.isEmpty()) out.add(chunk(i, new Delta(null, null, thought, null, List.of()), null));
                        piece = o.deepCopy().put("thinking", "");
                    }
                    out.add(chunk(i, new Delta(null, null, null, null, List.of(),
                            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                                    .set("thinking_blocks", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(piece))), null));
                }
                extra = extra.deepCopy();
                extra.remove("thinking_blocks");
            } else if (extra != null && extra.get(ReasoningDetails.FIELD) instanceof com.fasterxml.jackson.databind.node.ArrayNode details
                    && ReasoningDetails.replayOneByOne(details, m.reasoning())) {
                // several of Claude's signed blocks: one piece each, its own text as the reasoning, as a live stream sends
                // them, so the Anthropic encoder ends each block with its own signature (one piece with the whole
                // reasoning gave block 0 every text and block 1 its own again); the texts joined are the reasoning
                for (com.fasterxml.jackson.databind.JsonNode detail : details) {
                    out.add(chunk(i, new Delta(null, null, ReasoningDetails.ownText(detail), null, List.of(),
                            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set(ReasoningDetails.FIELD,
                                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(detail))), null));
                }
                extra = extra.deepCopy();
                extra.remove(ReasoningDetails.FIELD);
            } else if (extra != null && extra.get(ReasoningDetails.FIELD) instanceof com.fasterxml.jackson.databind.node.ArrayNode details
                    && !details.isEmpty()) {
                // OpenRouter's details (Claude's signature) with the reasoning they are of, in one piece, not on the text's:
                // the Anthropic encoder reads that piece's signature as the end of its thinking block
                out.add(chunk(i, new Delta(null, null, m.reasoning(), null, List.of(),
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set(ReasoningDetails.FIELD, details)), null));
                extra = extra.deepCopy();
                extra.remove(ReasoningDetails.FIELD);
            } else if (m.reasoning() != null) {
                out.add(chunk(i, new Delta(null, null, m.reasoning(), null, List.of()), null));
            }
            // the choice's logprobs (OpenAI's, when asked for) go with the piece they are of: the text's, else the refusal's,
            // else the finish chunk's, so a streamed hit carries all of them as a live stream does across its chunks
            String text = m.textContent();
            com.fasterxml.jackson.databind.JsonNode logprobs = choice.logprobs() == null || choice.logprobs().isNull() ? null : choice.logprobs();
            if (m.refusal() != null) {
                out.add(chunk(i, new Delta(null, null, null, m.refusal(), List.of()), text.isEmpty() ? logprobs : null));
                if (text.isEmpty()) logprobs = null;
            }
            com.fasterxml.jackson.databind.node.ArrayNode cited = text.isEmpty() ? null : dev.switchboard.model.CitedText.blocks(m, text);
            if (cited != null && !cited.isEmpty()) {
                citedBlocks(out, i, cited, extra, logprobs);
                logprobs = null;
            } else if (!text.isEmpty()) {
                out.add(chunk(i, new Delta(null, text, null, null, List.of(), extra), logprobs));
                logprobs = null;
            } else if (extra != null && !extra.isEmpty()) { // an answer of images alone: its fields on a delta of their own
                out.add(chunk(i, new Delta(null, null, null, null, List.of(), extra), null));
            }
            List<ToolCall> calls = m.toolCalls();
            for (int t = 0; t < calls.size(); t++) {
                ToolCall call = calls.get(t);
                out.add(chunk(i, new Delta(null, null, null, null, List.of(new ToolCallDelta(t, call.id(), call.name(), call.arguments(), call.custom()))), null));
            }
            // the choice's own fields (Azure's content filter results) with its finish, as Azure sends its last verdict
            out.add(new ChatChunk(r.id(), r.created(), r.model(), List.of(new ChunkChoice(i, Delta.EMPTY, choice.finishReason(), logprobs,
                    choice.stopSequence(), choice.extra())), null, r.systemFingerprint(), r.serviceTier(), null, r.extra()));
        }
        if (r.usage() != null) out.add(new ChatChunk(r.id(), r.created(), r.model(), List.of(), r.usage(), r.systemFingerprint(), r.serviceTier()));
        return out;
    }

    /**
     * The gateway's cited text blocks (Bedrock's citations, {@link dev.switchboard.model.CitedText}) as a live stream
     * gives them: each block's text in a piece of its own, a block after the first marked
     * {@link dev.switchboard.model.CitedText.BlockStart}, then each of its citations in a piece of its own, so the
     * Anthropic encoder opens a text block per cited part and sends its {@code citations_delta}, and an OpenAI client
     * gets each {@code citation} on a delta as live. The message's other fields go on the first piece, with the logprobs.
     */
    private void citedBlocks(List<ChatChunk> out, int i, com.fasterxml.jackson.databind.node.ArrayNode blocks,
                             com.fasterxml.jackson.databind.node.ObjectNode extra, com.fasterxml.jackson.databind.JsonNode logprobs) {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        for (int b = 0; b < blocks.size(); b++) {
            com.fasterxml.jackson.databind.JsonNode block = blocks.get(b);
            com.fasterxml.jackson.databind.node.ObjectNode fields = f.objectNode();
            if (b == 0 && extra != null) {
                fields.setAll(extra);
                fields.remove(dev.switchboard.model.CitedText.FIELD);
            }
            if (b > 0) fields.set(dev.switchboard.model.CitedText.BLOCK_START, new dev.switchboard.model.CitedText.BlockStart());
            String text = block.path("text").asText("");
            out.add(chunk(i, new Delta(null, text.isEmpty() ? null : text, null, null, List.of(), fields.isEmpty() ? null : fields),
                    b == 0 ? logprobs : null));
            for (com.fasterxml.jackson.databind.JsonNode c : block.path("citations")) {
                if (!(c instanceof com.fasterxml.jackson.databind.node.ObjectNode o)) continue;
                out.add(chunk(i, new Delta(null, null, null, null, List.of(), f.objectNode()
                        .set(dev.switchboard.model.CitedText.CITATION, dev.switchboard.model.CitedText.citation(o))), null));
            }
        }
    }

    private ChatChunk chunk(int index, Delta d) { return chunk(index, d, null); }

    private ChatChunk chunk(int index, Delta d, com.fasterxml.jackson.databind.JsonNode logprobs) {
        // the answer's own fields (citations, …) on every chunk, as the OpenAI-compatible servers that send them stream
        return new ChatChunk(r.id(), r.created(), r.model(), List.of(new ChunkChoice(index, d, null, logprobs)), null,
                r.systemFingerprint(), r.serviceTier(), null, r.extra());
    }
}
