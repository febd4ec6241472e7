package dev.switchboard.cache;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.ReasoningDetails;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Passes a stream on untouched while assembling the whole answer from its chunks, so a streamed miss can be stored:
 * when the stream ends cleanly, {@code onComplete} gets the answer as a non-streamed {@link ChatResponse}; a stream that
 * breaks or whose client leaves stores nothing.
 */
public final class StreamRecorder implements ChunkSink {
    private final ChunkSink next;
    private final Consumer<ChatResponse> onComplete;
    private final TreeMap<Integer, ChoiceParts> choices = new TreeMap<>();
    private String id;
    private long created;
    private String model;
    private String fingerprint;
    private String serviceTier;
    /** The answer's top-level fields the gateway does not model, merged over the chunks (see {@link ChatChunk#extra}). */
    private com.fasterxml.jackson.databind.node.ObjectNode extra;
    private Usage usage;

    private static final class ChoiceParts {
        final StringBuilder text = new StringBuilder();
        StringBuilder reasoning;
        StringBuilder refusal;
        boolean hasText;
        final TreeMap<Integer, String[]> calls = new TreeMap<>(); // index → {id, name, arguments, "custom" or null}
        FinishReason finish;
        String stopSequence;
        com.fasterxml.jackson.databind.node.ObjectNode extra;
        /** The choice's own unmodelled fields (Azure's content_filter_results), the latest value of each. */
        com.fasterxml.jackson.databind.node.ObjectNode choiceExtra;
        /** Where each streamed provider text block began in {@link #text}, and its citations ({@code CitedText}'s marks). */
        List<Integer> citedStarts;
        List<com.fasterxml.jackson.databind.node.ArrayNode> citedCitations;
        /** A citation came: the answer's text is kept as cited blocks, as the non-stream answer has it. */
        boolean cited;

        private void citedBlock(int at) {
            if (citedStarts == null) {
                citedStarts = new ArrayList<>();
                citedCitations = new ArrayList<>();
                if (at > 0) citedBlock(0);
            }
            citedStarts.add(at);
            citedCitations.add(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode());
        }

        /** The streamed cited blocks as the message's {@link dev.switchboard.model.CitedText.Blocks}; null when none was cited. */
        dev.switchboard.model.CitedText.Blocks citedBlocks() {
            if (!cited) return null;
            dev.switchboard.model.CitedText.Blocks out = new dev.switchboard.model.CitedText.Blocks();
            for (int i = 0; i < citedStarts.size(); i++) {
                int from = Math.min(citedStarts.get(i), text.length());
                int to = i + 1 < citedStarts.size() ? Math.min(citedStarts.get(i + 1), text.length()) : text.length();
                com.fasterxml.jackson.databind.node.ObjectNode b = out.addObject().put("type", "text").put("text", text.substring(from, Math.max(from, to)));
                if (!citedCitations.get(i).isEmpty()) b.set("citations", citedCitations.get(i));
            }
            return out;
        }

        /** Where in {@link #reasoning} the thinking block being signed began (a streamed signature comes without its text). */
        int blockStart;
        /** OpenAI's {@code logprobs} of the chunks so far: each list ({@code content}, {@code refusal}) in order, joined. */
        com.fasterxml.jackson.databind.node.ObjectNode logprobs;

        /** A chunk's logprobs added to the answer's: a list field's entries appended, another field the latest. */
        void logprobs(com.fasterxml.jackson.databind.JsonNode lp) {
            if (!lp.isObject()) return;
            if (logprobs == null) logprobs = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            for (var f : lp.properties()) {
                com.fasterxml.jackson.databind.JsonNode was = logprobs.get(f.getKey());
                if (f.getValue().isArray()) {
                    // a field null so far (OpenAI's "refusal": null on every content chunk) becomes the list that comes
                    com.fasterxml.jackson.databind.node.ArrayNode all = was instanceof com.fasterxml.jackson.databind.node.ArrayNode a
                            ? a : logprobs.putArray(f.getKey());
                    all.addAll((com.fasterxml.jackson.databind.node.ArrayNode) f.getValue());
                } else if (was == null || !f.getValue().isNull()) {
                    logprobs.set(f.getKey(), f.getValue());
                }
            }
        }

        /**
         * A delta's unmodelled fields into the answer's: later values win, but {@code thinking_blocks} pieces add up, a
         * signature-only piece taking the reasoning streamed since the last block as its text, and OpenRouter's
         * {@code reasoning_details} pieces are merged by their index ({@link ReasoningDetails#merge}: texts joined, the
         * signature kept, the {@code []} of its content chunks ignored), so the recorded answer holds whole signed
         * blocks (what the cache replays and a client hands back to Claude).
         */
        void extra(com.fasterxml.jackson.databind.node.ObjectNode d, int contentLength) {
            for (var f : d.properties()) {
                if (f.getValue() instanceof dev.switchboard.model.CitedText.BlockStart) { // the delta's text begins a block
                    citedBlock(text.length() - contentLength);
                    continue;
                }
                if (f.getValue() instanceof dev.switchboard.model.CitedText.Citation c) { // the open block's citation
                    if (citedStarts == null) citedBlock(0);
                    citedCitations.get(citedCitations.size() - 1).add(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().setAll(c));
                    cited = true;
                    continue;
                }
                // a field to keep: the answer's extra made now (the marks above alone leave none, not an empty one)
                if (extra == null) extra = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                if (f.getKey().equals("images") && f.getValue().isArray()) { // a generated image a chunk: all of them kept
                    extra.withArray("images").addAll((com.fasterxml.jackson.databind.node.ArrayNode) f.getValue());
                    continue;
                }
                if (f.getKey().equals(ReasoningDetails.FIELD) && f.getValue().isArray()) {
                    ReasoningDetails.merge(extra.withArray(ReasoningDetails.FIELD), f.getValue());
                    continue;
                }
                if (!f.getKey().equals("thinking_blocks") || !f.getValue().isArray()) {
                    extra.set(f.getKey(), f.getValue());
                    continue;
                }
                com.fasterxml.jackson.databind.node.ArrayNode all = extra.withArray("thinking_blocks");
                for (com.fasterxml.jackson.databind.JsonNode b : f.getValue()) {
                    com.fasterxml.jackson.databind.JsonNode block = b;
                    if ("thinking".equals(b.path("type").asText()) && b.path("thinking").asText("").isEmpty()
                            && b instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                        String text = reasoning == null ? "" : reasoning.substring(Math.min(blockStart, reasoning.length()));
                        block = o.deepCopy().put("thinking", text);
                    }
                    if ("thinking".equals(b.path("type").asText())) blockStart = reasoning == null ? 0 : reasoning.length();
                    all.add(block);
                }
            }
        }
    }

    public StreamRecorder(ChunkSink next, Consumer<ChatResponse> onComplete) {
        this.next = next;
        this.onComplete = onComplete;
    }

    /** Set when a chunk could not be recorded: the answer is not stored, and the client's stream goes on untouched. */
    private boolean spoiled;

    @Override
    public void chunk(ChatChunk c) {
        recordSafely(c);
        next.chunk(c);
    }

    /** Recording is best effort: a chunk it cannot take in must never cost the client its stream. */
    private void recordSafely(ChatChunk c) {
        if (spoiled) return;
        try {
            record(c);
        } catch (RuntimeException e) {
            spoiled = true;
        }
    }

    @Override
    public boolean takesRelayed(String dialect) { return next.takesRelayed(dialect); }

    /** A relayed event is decoded for the record (a miss to be stored needs all of it) and passed on as sent. */
    @Override
    public void relayed(dev.switchboard.model.RelayedEvent e) {
        recordSafely(e.chunk());
        next.relayed(e);
    }

    private void record(ChatChunk c) {
        if (id == null) {
            id = c.id();
            created = c.created();
        }
        if (c.model() != null) model = c.model();
        if (c.systemFingerprint() != null) fingerprint = c.systemFingerprint();
        if (c.serviceTier() != null) serviceTier = c.serviceTier();
        if (c.usage() != null) usage = c.usage();
        if (c.extra() != null) { // the answer's own fields (citations, …): each chunk repeats or updates them, the last wins
            if (extra == null) extra = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            extra.setAll(c.extra());
        }
        for (ChunkChoice ch : c.choices()) {
            ChoiceParts p = choices.computeIfAbsent(ch.index(), k -> new ChoiceParts());
            var d = ch.delta();
            if (d != null) {
                if (d.content() != null) {
                    p.text.append(d.content());
                    p.hasText = true;
                }
                if (d.reasoning() != null) (p.reasoning == null ? p.reasoning = new StringBuilder() : p.reasoning).append(d.reasoning());
                if (d.refusal() != null) (p.refusal == null ? p.refusal = new StringBuilder() : p.refusal).append(d.refusal());
                if (d.extra() != null) p.extra(d.extra(), d.content() == null ? 0 : d.content().length());
                for (ToolCallDelta t : d.toolCalls()) {
                    String[] call = p.calls.computeIfAbsent(t.index(), k -> new String[] {null, null, "", null});
                    if (t.custom()) call[3] = "custom"; // a custom tool's call: its input text
                    if (t.id() != null) call[0] = t.id();
                    if (t.name() != null) call[1] = t.name();
                    if (t.argumentsFragment() != null) call[2] += t.argumentsFragment();
                }
            }
            if (ch.logprobs() != null) p.logprobs(ch.logprobs());
            if (ch.extra() != null) {
                if (p.choiceExtra == null) p.choiceExtra = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                p.choiceExtra.setAll(ch.extra());
            }
            if (ch.finishReason() != null) {
                p.finish = ch.finishReason();
                p.stopSequence = ch.stopSequence();
            }
        }
    }

    @Override public void flush() { next.flush(); }

    @Override
    public void end() {
        try {
            if (!spoiled) onComplete.accept(response());
        } catch (RuntimeException ignored) {
            // storing is best effort: the client's stream must end cleanly whatever the cache does
        }
        next.end();
    }

    @Override public void fail(GatewayException error) { next.fail(error); }

    @Override public boolean writeQueueFull() { return next.writeQueueFull(); }

    @Override public void drainHandler(Runnable onDrain) { next.drainHandler(onDrain); }

    ChatResponse response() {
        List<Choice> out = new ArrayList<>();
        choices.forEach((index, p) -> {
            List<ToolCall> calls = new ArrayList<>();
            p.calls.values().forEach(c -> calls.add(new ToolCall(c[0], c[1], c[2], c[3] != null)));
            List<ContentPart> content = p.hasText ? List.of(ContentPart.Text.of(p.text.toString())) : List.of();
            var cited = p.citedBlocks();
            if (cited != null) {
                if (p.extra == null) p.extra = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                p.extra.set(dev.switchboard.model.CitedText.FIELD, cited);
            }
            Message m = new Message(Role.ASSISTANT, content, null, calls, null, p.reasoning == null ? null : p.reasoning.toString(),
                    p.refusal == null ? null : p.refusal.toString(), p.extra);
            out.add(new Choice(index, m, p.finish, p.logprobs, p.stopSequence, p.choiceExtra));
        });
        return new ChatResponse(id, created, model, out, usage, fingerprint, serviceTier, null, null, extra);
    }
}
