package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.RawJson;

/**
 * Anthropic's own tools in an Anthropic-dialect request: the server tools Anthropic runs ({@code web_search_…},
 * {@code web_fetch_…}, {@code code_execution_…}), the Anthropic-defined client tools whose schema only Claude knows
 * ({@code bash_…}, {@code text_editor_…}, {@code computer_…}), and the MCP connector ({@code mcp_servers}). Only Claude
 * through the Messages API (Anthropic's, or Vertex AI's) takes them; for any other deployment the router refuses the
 * request naming the tool, or, under {@code drop_params}, serves it without them (a WARN line says so) — never leaves
 * them out unsaid.
 */
public final class AnthropicServerTools {
    private AnthropicServerTools() {}

    /**
     * The first such tool the request carries, as {@code [json path, what it is]}, or null (also for a request not in
     * the Anthropic dialect, whose tools are all functions).
     */
    public static String[] first(ChatRequest r) {
        if (r.raw() == null || !r.raw().is(RawJson.ANTHROPIC)) return null;
        JsonNode body = r.raw().body();
        JsonNode tools = body.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String type = t.path("type").asText("");
            // the decoder's rule: a typed tool without an input_schema is one of Anthropic's own
            if (!type.isEmpty() && !type.equals("custom") && t.get("input_schema") == null) {
                return new String[] {"tools." + i + ".type", "the tool '" + type + "' (tools[" + i + "]" + (t.path("name").isTextual()
                        ? ", '" + t.get("name").asText() + "'" : "") + ")"};
            }
        }
        if (body.path("mcp_servers").size() > 0) return new String[] {"mcp_servers", "the MCP connector ('mcp_servers')"};
        return null;
    }

    /**
     * Searches a web search tool without {@code max_uses} is reserved for: Anthropic sets no limit of its own, so a
     * budget cannot bound such a request exactly; ten covers what a turn of Claude Code's or an agent's search does (a
     * turn that searches more can pass a budget by the fees of the searches beyond ten, README "Budgets").
     */
    public static final int SEARCHES_WITHOUT_MAX_USES = 10;

    /**
     * The most web searches Claude may run and bill for this request: the sum of its web search tools' {@code max_uses}
     * ({@link #SEARCHES_WITHOUT_MAX_USES} for one without); 0 for a request with none, and for one not in the
     * Anthropic dialect (only that dialect carries Anthropic's server tools).
     */
    public static int webSearchesAtMost(ChatRequest r) {
        if (r.raw() == null || !r.raw().is(RawJson.ANTHROPIC)) return 0;
        JsonNode tools = r.raw().body().path("tools");
        long searches = 0;
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            if (!t.path("type").asText("").startsWith("web_search_")) continue;
            JsonNode max = t.get("max_uses");
            searches += max != null && max.canConvertToInt() && max.asInt() > 0 ? max.asInt() : SEARCHES_WITHOUT_MAX_USES;
        }
        return (int) Math.min(Integer.MAX_VALUE, searches);
    }
}
