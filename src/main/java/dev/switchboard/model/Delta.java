package dev.switchboard.model;

import java.util.List;

/** What one stream chunk adds to a choice. Every field is null (or empty) when the chunk does not add it. */
public record Delta(Role role, String content, String reasoning, String refusal, List<ToolCallDelta> toolCalls) {
    public Delta {
        toolCalls = toolCalls == null ? List.of() : toolCalls;
    }

    public static final Delta EMPTY = new Delta(null, null, null, null, List.of());
}
