package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.RawJson;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * OpenAI's built-in tools that it bills beside the tokens, as a request offers them and as an answer used them: the web
 * search ({@code web_search}, {@code web_search_preview} and their dated types in a Responses-API request; the search
 * models and {@code web_search_options} in a chat completion), the file search ({@code file_search}) and the code
 * interpreter ({@code code_interpreter}, billed per container it runs in). The accounting stage prices what
 * {@link #used} counts and reserves what {@link #offered} bounds (LiteLLM's {@code StandardBuiltInToolCostTracking}).
 */
public final class OpenAiBuiltInTools {
    private OpenAiBuiltInTools() {}

    /**
     * Built-in tool calls a Responses-API request without {@code max_tool_calls} is reserved for, per searching tool:
     * OpenAI sets no limit of its own (the web search tool has no {@code max_uses}), so a budget cannot bound such a
     * request exactly; ten is what Claude's search tool without {@code max_uses} is reserved for too
     * ({@link AnthropicServerTools#SEARCHES_WITHOUT_MAX_USES}). A response that searches more can pass a budget by the
     * fees beyond ten; {@code max_tool_calls} bounds it exactly.
     */
    public static final int CALLS_WITHOUT_MAX_TOOL_CALLS = AnthropicServerTools.SEARCHES_WITHOUT_MAX_USES;

    /**
     * What a request offers of the billed tools and how many calls of each it may make, at most.
     *
     * @param searchContextSize  the web search's {@code search_context_size} ({@code low}, {@code medium}, {@code high}),
     *                           or null (OpenAI's default, medium)
     * @param webSearches        web searches a Responses request may run (0 without a web search tool)
     * @param fileSearches       file searches it may run (0 without a file search tool)
     * @param codeSessions       code interpreter containers it may start (one per code interpreter tool)
     * @param chatWebSearchOptions a chat completion with {@code web_search_options}: OpenAI searches once per request
     */
    public record Offered(String searchContextSize, int webSearches, int fileSearches, int codeSessions, boolean chatWebSearchOptions,
                          boolean responses) {
        public static final Offered NONE = new Offered(null, 0, 0, 0, false, false);
    }

    /** What {@code r} offers (see {@link Offered}); {@link Offered#NONE} for a request with none of these tools. */
    public static Offered offered(ChatRequest r) {
        if (r.raw() != null && r.raw().is(RawJson.OPENAI_RESPONSES)) {
            JsonNode body = r.raw().body();
            JsonNode tools = body.path("tools");
            String size = null;
            boolean web = false, file = false;
            int code = 0;
            for (JsonNode t : tools) {
                String type = t.path("type").asText("");
                if (type.startsWith("web_search")) {
                    web = true;
                    String s = t.path("search_context_size").asText("medium"); // OpenAI's default size
                    size = size == null ? s : larger(size, s);
                } else if (type.equals("file_search")) {
                    file = true;
                } else if (type.equals("code_interpreter")) {
                    code++;
                }
            }
            if (!web && !file && code == 0) return new Offered(null, 0, 0, 0, false, true);
            JsonNode max = body.get("max_tool_calls");
            int calls = max != null && max.canConvertToInt() && max.asInt() >= 0 ? max.asInt() : CALLS_WITHOUT_MAX_TOOL_CALLS;
            return new Offered(size, web ? calls : 0, file ? calls : 0, code, false, true);
        }
        JsonNode options = r.extra().get("web_search_options");
        if (options != null && options.isObject()) {
            return new Offered(options.path("search_context_size").asText(null), 0, 0, 0, true, false);
        }
        return Offered.NONE;
    }

    /** The dearer of two context sizes (null is OpenAI's default, medium). */
    private static String larger(String a, String b) {
        return rank(b) > rank(a) ? b : a;
    }

    private static int rank(String size) {
        if (size == null) return 1;
        return switch (size) {
            case "low" -> 0;
            case "high" -> 2;
            default -> 1;
        };
    }

    /**
     * Whether an OpenAI model searches the web on every chat completion: the search models
     * ({@code gpt-4o-search-preview}, {@code gpt-4o-mini-search-preview}, {@code gpt-5-search-api} and their dated ids),
     * which OpenAI bills a search per request.
     */
    public static boolean searchModel(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        return m.contains("-search-preview") || m.contains("-search-api");
    }

    /** The built-in tool calls an answer holds: web searches, file searches, code interpreter containers. */
    public record Used(int webSearches, int fileSearches, int codeSessions) {
        public static final Used NONE = new Used(0, 0, 0);

        public boolean any() { return webSearches > 0 || fileSearches > 0 || codeSessions > 0; }

        /** The larger count of each (one answer counted two ways: its done events and its final output). */
        public Used max(Used o) {
            return new Used(Math.max(webSearches, o.webSearches), Math.max(fileSearches, o.fileSearches),
                    Math.max(codeSessions, o.codeSessions));
        }
    }

    /** Counts the built-in tool calls in a Response object's {@code output} array. */
    public static Used used(JsonNode output) {
        Counter c = new Counter();
        for (JsonNode item : output) c.add(item);
        return c.used();
    }

    /**
     * Counts output items as they come (a stream's {@code response.output_item.done}): web search and file search calls
     * one each, code interpreter calls one per container (OpenAI bills the container, however many calls run in it).
     */
    public static final class Counter {
        private int web, file, anonymousCode;
        private final Set<String> containers = new HashSet<>();
        private final Set<String> ids = new HashSet<>();

        /** Counts {@code item}; an item seen before (by its id) is not counted twice. */
        public void add(JsonNode item) {
            String id = item.path("id").asText("");
            if (!id.isEmpty() && !ids.add(id)) return;
            switch (item.path("type").asText("")) {
                case "web_search_call" -> web++;
                case "file_search_call" -> file++;
                case "code_interpreter_call" -> {
                    String container = item.path("container_id").asText("");
                    if (container.isEmpty()) anonymousCode = Math.max(anonymousCode, 1);
                    else containers.add(container);
                }
                default -> { }
            }
        }

        public Used used() { return new Used(web, file, Math.max(containers.size(), anonymousCode)); }
    }
}
