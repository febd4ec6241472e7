package dev.switchboard.provider.openai;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.ToolCallDelta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Gives a stream's tool calls OpenAI's shape, which the canonical model promises ({@link ToolCallDelta}: id and
 * name on a call's first piece only). DeepSeek, Qwen/DashScope and Fireworks repeat the id (sometimes as "")
 * and the name on every piece; passed on, the OpenAI SDKs' accumulators would concatenate them
 * ("call_1call_1…") and an Anthropic-dialect client would see one tool_use block per piece. One per stream.
 */
final class ToolCallDeltaNormalizer {
    /** (choice index, tool-call index) pairs already started, packed into a long. */
    private final Set<Long> started = new HashSet<>();

    ChatChunk normalize(ChatChunk c) {
        List<ChunkChoice> choices = null;
        for (int i = 0; i < c.choices().size(); i++) {
            ChunkChoice ch = c.choices().get(i);
            List<ToolCallDelta> calls = normalize(ch.index(), ch.delta().toolCalls());
            if (calls == ch.delta().toolCalls()) continue;
            if (choices == null) choices = new ArrayList<>(c.choices());
            Delta d = ch.delta();
            choices.set(i, new ChunkChoice(ch.index(), new Delta(d.role(), d.content(), d.reasoning(), d.refusal(), calls, d.extra()),
                    ch.finishReason(), ch.logprobs()));
        }
        if (choices == null) return c;
        return new ChatChunk(c.id(), c.created(), c.model(), choices, c.usage(), c.systemFingerprint(), c.serviceTier(), c.raw());
    }

    /** The same list when nothing changes (the common case: no tool calls, or a well-behaved upstream). */
    private List<ToolCallDelta> normalize(int choice, List<ToolCallDelta> calls) {
        List<ToolCallDelta> out = calls;
        for (int i = 0; i < calls.size(); i++) {
            ToolCallDelta t = calls.get(i);
            boolean first = started.add(((long) choice << 32) | (t.index() & 0xffffffffL));
            String id = first ? emptyToNull(t.id()) : null;
            String name = first ? emptyToNull(t.name()) : null;
            if (java.util.Objects.equals(id, t.id()) && java.util.Objects.equals(name, t.name())) continue;
            if (out == calls) out = new ArrayList<>(calls);
            out.set(i, new ToolCallDelta(t.index(), id, name, t.argumentsFragment()));
        }
        return out;
    }

    private static String emptyToNull(String s) { return s == null || s.isEmpty() ? null : s; }
}
