package dev.switchboard.model;

import java.util.List;

/**
 * How the model may use tools: auto, none, required, or one named function; and, for OpenAI's {@code allowed_tools}
 * choice, the tools it may use this turn ({@code allowed}: the names, with mode auto or required), while {@code tools}
 * keeps the whole list (so OpenAI's prompt cache keeps its prefix). A provider without such a choice gets the list
 * narrowed to them instead (route.DeploymentParams).
 */
public record ToolChoice(Mode mode, String functionName, List<String> allowed) {
    public enum Mode { AUTO, NONE, REQUIRED, FUNCTION }

    public ToolChoice {
        allowed = allowed == null ? null : List.copyOf(allowed);
    }

    public ToolChoice(Mode mode, String functionName) { this(mode, functionName, null); }

    public static ToolChoice of(Mode mode) { return new ToolChoice(mode, null); }

    public static ToolChoice function(String name) { return new ToolChoice(Mode.FUNCTION, name); }

    /** OpenAI's {@code allowed_tools}: {@code mode} auto or required, among these tools only. */
    public static ToolChoice allowedTools(Mode mode, List<String> names) { return new ToolChoice(mode, null, names); }

    /** An {@code allowed_tools} choice's {@code mode} ({@code auto} or {@code required}); a 400 naming {@code param} else. */
    public static Mode allowedMode(String mode, String param) {
        return switch (mode) {
            case "auto" -> Mode.AUTO;
            case "required" -> Mode.REQUIRED;
            default -> throw GatewayException.badRequest("Invalid value for '" + param + "': '" + mode
                    + "'. Supported values are: 'auto' and 'required'.", param);
        };
    }

    /** The first tool this choice names (its function, or one of its allowed tools) that is not among {@code tools}; null if none. */
    public String unknownName(List<Tool> tools) {
        if (functionName != null && !named(functionName, tools)) return functionName;
        if (allowed != null) for (String n : allowed) if (!named(n, tools)) return n;
        return null;
    }

    private static boolean named(String name, List<Tool> tools) {
        for (Tool t : tools) if (t.name().equals(name)) return true;
        return false;
    }

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
