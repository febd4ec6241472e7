package dev.switchboard.model;

/** How the model may use tools: auto, none, required, or one named function. */
public record ToolChoice(Mode mode, String functionName) {
    public enum Mode { AUTO, NONE, REQUIRED, FUNCTION }

    public static ToolChoice of(Mode mode) { return new ToolChoice(mode, null); }

    public static ToolChoice function(String name) { return new ToolChoice(Mode.FUNCTION, name); }
}
