package dev.switchboard.model;

import java.util.List;

/**
 * Tool names longer than OpenAI's, Gemini's and Bedrock's 64 characters (Claude Code's MCP tools,
 * {@code mcp__<server>__<tool>}, often are; Anthropic takes them): shortened for those providers to their first 55
 * characters, {@code _} and 8 hex digits of the whole name's hash, stable, so the answer's calls are restored to the
 * client's own names by matching the request's tools, with no state kept between the two.
 */
public final class ToolNames {
    /** The longest tool name OpenAI, Gemini and Bedrock take. */
    public static final int LIMIT = 64;

    private ToolNames() {}

    /** The name as a provider with the 64-character limit gets it; the name itself when it fits. */
    public static String shorten(String name) {
        if (name.length() <= LIMIT) return name;
        int h = 0x811c9dc5; // FNV-1a over the UTF-16 units: a stable 32-bit hash of the whole name
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x01000193;
        }
        return name.substring(0, LIMIT - 9) + "_" + String.format("%08x", h);
    }

    /** The client's own name for a name an answer gave: the request tool it is the shortened form of, else itself. */
    public static String restore(String name, List<Tool> tools) {
        if (name == null || name.length() != LIMIT) return name;
        for (Tool t : tools) if (t.name().length() > LIMIT && shorten(t.name()).equals(name)) return t.name();
        return name;
    }

    /** Whether any of the request's tools has a name over the limit. */
    public static boolean anyTooLong(List<Tool> tools) {
        for (Tool t : tools) if (t.name().length() > LIMIT) return true;
        return false;
    }
}
