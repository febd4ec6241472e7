package dev.switchboard.pipeline;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ToolCallDelta;

/**
 * The characters of output an answer or a chunk carries: what the gateway's estimate counts output tokens from when a
 * provider reports no usage ({@link MeteredCall#estimate}): text, reasoning, tool calls. One place, so a stream that
 * ends without usage, a whole answer without it and a call a guardrail blocked are estimated alike.
 */
public final class OutputChars {
    private OutputChars() {}

    /** A whole answer's: text, reasoning and refusal of every choice, and its tool calls' names and arguments. */
    public static long of(ChatResponse r) {
        long n = 0;
        for (dev.switchboard.model.Choice c : r.choices()) {
            var m = c.message();
            if (m == null) continue;
            n += m.textContent().length();
            if (m.reasoning() != null) n += m.reasoning().length();
            if (m.refusal() != null) n += m.refusal().length();
            for (dev.switchboard.model.ToolCall t : m.toolCalls()) {
                n += (t.name() == null ? 0 : t.name().length()) + (t.arguments() == null ? 0 : t.arguments().length());
            }
        }
        return n;
    }

    /** What one chunk adds: text, reasoning and tool-call argument pieces of every choice. */
    public static long of(ChatChunk c) {
        long chars = 0;
        for (ChunkChoice ch : c.choices()) {
            var d = ch.delta();
            if (d == null) continue;
            if (d.content() != null) chars += d.content().length();
            if (d.reasoning() != null) chars += d.reasoning().length();
            for (ToolCallDelta t : d.toolCalls()) chars += (t.argumentsFragment() == null ? 0 : t.argumentsFragment().length());
        }
        return chars;
    }
}
