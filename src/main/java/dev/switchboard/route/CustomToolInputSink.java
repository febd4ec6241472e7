package dev.switchboard.route;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.Delta;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.ToolCallDelta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A streamed answer's calls of custom tools offered as functions ({@link CustomToolsAsFunctions}) given back as custom
 * calls: a call of one of those names becomes a custom call whose pieces are its input's text, read out of the
 * function's streamed arguments as they come ({@link InputValueDecoder}). Arguments in another shape are kept whole and
 * given as one piece when it is due: before the next call begins, the choice's finish, or the stream's end. It takes no relayed events: the upstream's
 * bytes hold the function calls, so the canonical chunks are re-encoded.
 */
final class CustomToolInputSink implements ChunkSink {
    private final ChunkSink sink;
    private final Set<String> custom;
    /** choice index and call index → the call's state, for the calls of custom tools only. */
    private final Map<Long, Call> calls = new HashMap<>(4);
    /** The last chunk, whose id, time and model a chunk of this sink's own repeats. */
    private ChatChunk last;

    private CustomToolInputSink(ChunkSink sink, Set<String> custom) {
        this.sink = sink;
        this.custom = custom;
    }

    /** The stream with its custom tools' calls restored; itself when the request had no custom tools. */
    static ChatStream restoring(ChatStream stream, Set<String> custom) {
        if (custom.isEmpty()) return stream;
        return new ChatStream() {
            @Override
            public void start(ChunkSink sink) { stream.start(new CustomToolInputSink(sink, custom)); }

            @Override
            public void cancel() { stream.cancel(); }

            @Override
            public dev.switchboard.model.Usage usageSoFar() { return stream.usageSoFar(); }
        };
    }

    /** One custom call's progress: its decoder, and its whole arguments while they may still be needed. */
    private static final class Call {
        final int index;
        final InputValueDecoder decoder = new InputValueDecoder();
        final StringBuilder arguments = new StringBuilder();
        boolean given; // the whole input given at the finish (arguments in another shape)

        Call(int index) { this.index = index; }
    }

    @Override
    public void chunk(ChatChunk c) {
        last = c;
        List<ChunkChoice> choices = null;
        for (int i = 0; i < c.choices().size(); i++) {
            ChunkChoice ch = c.choices().get(i);
            List<ToolCallDelta> restored = restore(ch.index(), ch.delta().toolCalls());
            List<ToolCallDelta> held = ch.finishReason() != null ? heldInputs(ch.index(), -1) : List.of();
            if (restored == ch.delta().toolCalls() && held.isEmpty()) continue;
            if (choices == null) choices = new ArrayList<>(c.choices());
            Delta d = ch.delta();
            if (!held.isEmpty()) { // the inputs kept whole go out before the finish, in the same chunk
                List<ToolCallDelta> all = new ArrayList<>(restored);
                all.addAll(held);
                restored = all;
            }
            choices.set(i, ch.withDelta(new Delta(d.role(), d.content(), d.reasoning(), d.refusal(), restored, d.extra())));
        }
        if (choices == null) {
            sink.chunk(c);
            return;
        }
        choices.removeIf(CustomToolInputSink::empty);
        if (choices.isEmpty() && c.usage() == null && !c.choices().isEmpty()) return; // only argument text still being read
        sink.chunk(new ChatChunk(c.id(), c.created(), c.model(), choices, c.usage(), c.systemFingerprint(), c.serviceTier(), null,
                c.extra()));
    }

    /** The same list when none of the pieces is a custom tool's, and no call kept whole is due. */
    private List<ToolCallDelta> restore(int choice, List<ToolCallDelta> pieces) {
        List<ToolCallDelta> out = null;
        for (int i = 0; i < pieces.size(); i++) {
            ToolCallDelta t = pieces.get(i);
            boolean head = t.id() != null || t.name() != null;
            // providers stream calls one after another: a call kept whole is given before the next call begins, so a
            // client (or the Responses encoder, which opens one item a call) sees each call's pieces together
            List<ToolCallDelta> due = head ? heldInputs(choice, t.index()) : List.of();
            long key = ((long) choice << 32) | (t.index() & 0xffffffffL);
            Call call = calls.get(key);
            if (call == null && (t.custom() || t.name() == null || !custom.contains(t.name()))) {
                if (!due.isEmpty()) {
                    if (out == null) out = new ArrayList<>(pieces.subList(0, i));
                    out.addAll(due);
                }
                if (out != null) out.add(t);
                continue;
            }
            if (call == null) calls.put(key, call = new Call(t.index()));
            if (out == null) out = new ArrayList<>(pieces.subList(0, i));
            out.addAll(due);
            String fragment = t.argumentsFragment();
            if (fragment != null && !call.given) call.arguments.append(fragment);
            String text = call.decoder.feed(fragment);
            if (head) {
                out.add(new ToolCallDelta(t.index(), t.id(), t.name(), text == null ? "" : text, true)); // the call's head
            } else if (text != null && !text.isEmpty()) {
                out.add(new ToolCallDelta(t.index(), null, null, text, true));
            } // else: nothing of the input yet (or kept whole until it is due)
            if (call.decoder.started()) call.arguments.setLength(0); // read as it comes: no need to keep it
        }
        return out == null ? pieces : out;
    }

    /**
     * A choice's custom calls whose arguments were not {@code {"input": "…"}}, but the one at {@code except}: each given
     * whole, once, when it is due (another call begins, the choice finishes, the stream ends).
     */
    private List<ToolCallDelta> heldInputs(int choice, int except) {
        List<ToolCallDelta> out = List.of();
        for (Map.Entry<Long, Call> e : calls.entrySet()) {
            Call call = e.getValue();
            if ((int) (e.getKey() >> 32) != choice || call.index == except || call.given || call.decoder.started()) continue;
            call.given = true;
            if (out.isEmpty()) out = new ArrayList<>(2);
            out.add(new ToolCallDelta(call.index, null, null, CustomToolsAsFunctions.input(call.arguments.toString()), true));
        }
        if (out.size() > 1) out.sort(java.util.Comparator.comparingInt(ToolCallDelta::index));
        return out;
    }

    private static boolean empty(ChunkChoice ch) {
        Delta d = ch.delta();
        return ch.finishReason() == null && ch.logprobs() == null && d.role() == null && d.content() == null
                && d.reasoning() == null && d.refusal() == null && d.toolCalls().isEmpty() && d.extra() == null;
    }

    /** A stream that ends without a finish reason: what the calls kept whole hold, before the end. */
    private void giveHeld() {
        Map<Integer, List<ToolCallDelta>> byChoice = new HashMap<>();
        for (Long key : calls.keySet()) {
            int choice = (int) (key >> 32);
            if (!byChoice.containsKey(choice)) {
                List<ToolCallDelta> held = heldInputs(choice, -1);
                if (!held.isEmpty()) byChoice.put(choice, held);
            }
        }
        if (byChoice.isEmpty()) return;
        byChoice.forEach((choice, held) -> sink.chunk(new ChatChunk(last.id(), last.created(), last.model(),
                List.of(new ChunkChoice(choice, new Delta(null, null, null, null, held), null, null)), null,
                last.systemFingerprint(), last.serviceTier())));
    }

    @Override
    public boolean takesRelayed(String dialect) { return false; }

    @Override
    public void flush() { sink.flush(); }

    @Override
    public void end() {
        giveHeld();
        sink.end();
    }

    @Override
    public void fail(GatewayException error) { sink.fail(error); }

    @Override
    public boolean writeQueueFull() { return sink.writeQueueFull(); }

    @Override
    public void drainHandler(Runnable onDrain) { sink.drainHandler(onDrain); }
}
