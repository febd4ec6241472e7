package dev.switchboard.observe;

import dev.switchboard.model.Delta;
import dev.switchboard.model.ToolCallDelta;
import java.util.List;

/**
 * A streamed answer's text as the request log and the trace keep it, gathered chunk by chunk into the call's one
 * builder: the content, and each tool call as {@code {"tool_call":"<name>","arguments":<fragments>}}. Static: the call
 * keeps its builder, and nothing is made per chunk.
 */
final class StreamedCompletion {
    /** The most a call gathers, whatever its log policy's limit. */
    private static final int MAX_CHARS = 1 << 20;

    private StreamedCompletion() {}

    /** Whether more is gathered: until the policy's limit (at most {@link #MAX_CHARS}) is passed. */
    static boolean hasRoom(StringBuilder completion, LogPolicy policy) {
        return completion.length() <= Math.min(policy.limit(), MAX_CHARS);
    }

    /** A decoded chunk's delta. */
    static void append(StringBuilder completion, Delta d) {
        if (d.content() != null) completion.append(d.content());
        for (ToolCallDelta t : d.toolCalls()) {
            if (t.name() != null) completion.append(completion.isEmpty() ? "" : "\n").append("{\"tool_call\":\"").append(t.name()).append("\",\"arguments\":");
            if (t.argumentsFragment() != null) completion.append(t.argumentsFragment());
        }
    }

    /** A relayed event's texts, as the provider's scan read them. */
    static void append(StringBuilder completion, List<String> texts) {
        for (String t : texts) completion.append(t);
    }
}
