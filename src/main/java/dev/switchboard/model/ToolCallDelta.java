package dev.switchboard.model;

/**
 * A piece of a streamed tool call: the first piece has id and name, later ones carry argument text. {@code custom}
 * marks every piece of a custom (free-form) tool's call, whose fragments are pieces of its input text, not JSON.
 */
public record ToolCallDelta(int index, String id, String name, String argumentsFragment, boolean custom) {

    /** A piece of a function call. */
    public ToolCallDelta(int index, String id, String name, String argumentsFragment) {
        this(index, id, name, argumentsFragment, false);
    }
}
