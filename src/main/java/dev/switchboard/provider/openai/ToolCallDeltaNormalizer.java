package dev.switchboard.provider.openai;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.ToolCallDelta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Gives a stream's tool calls OpenAI's shape, which the canonical model promises ({@link ToolCallDelta}: id and
 * name on a call's first piece only, one index a call). DeepSeek, Qwen/DashScope and Fireworks repeat the id
 * (sometimes as "") and the name on every piece; passed on, the OpenAI SDKs' accumulators would concatenate them
 * ("call_1call_1…") and an Anthropic-dialect client would see one tool_use block per piece. Some OpenAI-compatible
 * servers send each parallel call whole in its own chunk without {@code index} (so each reads as index 0): a piece
 * with another id under an index already taken is another call, and gets the next free index instead of being
 * merged into the first. Indexes are given in the order calls begin, so a well-behaved upstream's stay as they are. A
 * call whose first piece has no id gets one. One per stream.
 */
final class ToolCallDeltaNormalizer {
    /** Per choice index: the calls begun so far. */
    private final Map<Integer, Calls> choices = new HashMap<>(2);

    ChatChunk normalize(ChatChunk c) {
        List<ChunkChoice> choices = null;
        for (int i = 0; i < c.choices().size(); i++) {
            ChunkChoice ch = c.choices().get(i);
            List<ToolCallDelta> calls = normalize(ch.index(), ch.delta().toolCalls());
            if (calls == ch.delta().toolCalls()) continue;
            if (choices == null) choices = new ArrayList<>(c.choices());
            Delta d = ch.delta();
            choices.set(i, ch.withDelta(new Delta(d.role(), d.content(), d.reasoning(), d.refusal(), calls, d.extra())));
        }
        if (choices == null) return c;
        return c.withChoices(choices);
    }

    /** The same list when nothing changes (the common case: no tool calls, or a well-behaved upstream). */
    private List<ToolCallDelta> normalize(int choice, List<ToolCallDelta> calls) {
        if (calls.isEmpty()) return calls;
        Calls begun = choices.computeIfAbsent(choice, k -> new Calls());
        List<ToolCallDelta> out = calls;
        for (int i = 0; i < calls.size(); i++) {
            ToolCallDelta t = calls.get(i);
            String id = emptyToNull(t.id());
            Call known = begun.byUpstreamIndex.get(t.index());
            boolean first = known == null || (id != null && known.id != null && !id.equals(known.id));
            if (first) begun.byUpstreamIndex.put(t.index(), known = new Call(begun.next++, id));
            // a call's first piece without an id (some vLLM and Ollama versions): one of OpenAI's shape, so the client can
            // answer the call and its SDK's accumulator (which needs the id and type on the first piece) takes it
            String outId = first ? (id != null ? id : dev.switchboard.provider.ToolCallIds.newId()) : null;
            String name = first ? emptyToNull(t.name()) : null;
            if (known.index == t.index() && Objects.equals(outId, t.id()) && Objects.equals(name, t.name())) continue;
            if (out == calls) out = new ArrayList<>(calls);
            out.set(i, new ToolCallDelta(known.index, outId, name, t.argumentsFragment(), t.custom()));
        }
        return out;
    }

    private static String emptyToNull(String s) { return s == null || s.isEmpty() ? null : s; }

    /** One choice's calls: the upstream's index → the call it currently names, and the next index to give. */
    private static final class Calls {
        final Map<Integer, Call> byUpstreamIndex = new HashMap<>(4);
        int next;
    }

    /** @param index the index the call goes on with; @param id its id, null when its first piece had none */
    private record Call(int index, String id) {}
}
