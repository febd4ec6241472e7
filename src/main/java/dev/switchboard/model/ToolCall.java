package dev.switchboard.model;

/**
 * A tool call the model asked for. For a function, {@code arguments} is the JSON text exactly as the model wrote it;
 * for a custom (free-form) tool ({@code custom}), it is the tool's input text as the model wrote it, not JSON.
 */
public record ToolCall(String id, String name, String arguments, boolean custom) {

    /** A function call. */
    public ToolCall(String id, String name, String arguments) {
        this(id, name, arguments, false);
    }

    public ToolCall withName(String newName) { return new ToolCall(id, newName, arguments, custom); }
}
