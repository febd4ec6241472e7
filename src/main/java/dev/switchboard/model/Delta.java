package dev.switchboard.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What one stream chunk adds to a choice. Every field is null (or empty) when the chunk does not add it.
 * {@code extra} holds delta fields an OpenAI-style upstream sent that we do not model (annotations, audio, …),
 * as sent, so an OpenAI-dialect client still receives them; null when there are none.
 */
public record Delta(Role role, String content, String reasoning, String refusal, List<ToolCallDelta> toolCalls,
                    ObjectNode extra) {
    public Delta {
        toolCalls = toolCalls == null ? List.of() : toolCalls;
        if (extra != null && extra.isEmpty()) extra = null;
    }

    /** A delta with nothing unmodelled: what the translating providers produce. */
    public Delta(Role role, String content, String reasoning, String refusal, List<ToolCallDelta> toolCalls) {
        this(role, content, reasoning, refusal, toolCalls, null);
    }

    public static final Delta EMPTY = new Delta(null, null, null, null, List.of());
}
