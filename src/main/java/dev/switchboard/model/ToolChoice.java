package dev.switchboard.model;

/** How the model may use tools: auto, none, required, or one named function. */
public record ToolChoice(Mode mode, String functionName) {
    public enum Mode { AUTO, NONE, REQUIRED, FUNCTION }

    public static ToolChoice of(Mode mode) { return new ToolChoice(mode, null); }

    public static ToolChoice function(String name) { return new ToolChoice(Mode.FUNCTION, name); }

    /** OpenAI's string forms ({@code auto}, {@code none}, {@code required}), shared by Chat Completions and Responses; null for any other. */
    public static ToolChoice named(String value) {
        return switch (value) {
            case "auto" -> of(Mode.AUTO);
            case "none" -> of(Mode.NONE);
            case "required" -> of(Mode.REQUIRED);
            default -> null;
        };
    }
}
