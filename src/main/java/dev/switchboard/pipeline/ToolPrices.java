package dev.switchboard.pipeline;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.OpenAiBuiltInTools;
import java.util.Locale;
import java.util.Map;

/**
 * What the tools a provider runs itself cost on one deployment, beside the tokens, in nano-dollars: a web search by
 * its context size, a file search call, a code interpreter session (container). From the deployment's
 * {@code model_info} (LiteLLM's keys: {@code search_context_cost_per_query}, {@code file_search_cost_per_1k_calls},
 * {@code code_interpreter_cost_per_session}), else the defaults below, each with its source.
 *
 * @param searchLow        one web search at {@code search_context_size: low}
 * @param searchMedium     at medium (OpenAI's default size, and what Claude's searches are charged)
 * @param searchHigh       at high
 * @param fileSearchCall   one file search call
 * @param codeSession      one code interpreter container
 * @param openAi           an OpenAI deployment: its Responses answers' built-in tool calls and its chat completions'
 *                         searches are charged, and reserved for as the request offers them
 * @param searchModel      an OpenAI search model ({@code gpt-4o-search-preview}, …), which searches on every chat completion
 */
record ToolPrices(long searchLow, long searchMedium, long searchHigh, long fileSearchCall, long codeSession, boolean openAi,
                  boolean searchModel) {

    static final ToolPrices NONE = new ToolPrices(0, 0, 0, 0, 0, false, false);

    /** Anthropic's price of one web search Claude runs: $10 a thousand, beside the tokens (its pricing page). */
    static final long CLAUDE_WEB_SEARCH_NANOS = 10_000_000L;

    /**
     * OpenAI's web search for models LiteLLM's price map gives no figure for: $10 a thousand calls, the {@code web_search}
     * tool's price on OpenAI's pricing page (also LiteLLM's figure for {@code gpt-5-search-api}).
     */
    static final long OPENAI_WEB_SEARCH_NANOS = 10_000_000L;

    /** LiteLLM's {@code search_context_cost_per_query} of gpt-4o, gpt-4o-search-preview and gpt-4.1: $0.03 / $0.035 / $0.05. */
    private static final long[] GPT_4O_SEARCH = {30_000_000L, 35_000_000L, 50_000_000L};

    /** LiteLLM's of gpt-4o-mini, gpt-4o-mini-search-preview and gpt-4.1-mini: $0.025 / $0.0275 / $0.03. */
    private static final long[] GPT_4O_MINI_SEARCH = {25_000_000L, 27_500_000L, 30_000_000L};

    /** OpenAI's file search: $2.50 a thousand calls (its pricing page; LiteLLM's {@code OPENAI_FILE_SEARCH_COST_PER_1K_CALLS}). */
    static final long OPENAI_FILE_SEARCH_NANOS = 2_500_000L;

    /**
     * OpenAI's code interpreter: $0.03 a container (session) of the default 1 GB (its pricing page; LiteLLM's
     * {@code code_interpreter_cost_per_session} of {@code openai/container}).
     */
    static final long OPENAI_CODE_SESSION_NANOS = 30_000_000L;

    /** The deployment's tool prices: its model_info's, else the provider's defaults (Claude's, OpenAI's), else none. */
    static ToolPrices of(Deployment d) {
        Map<String, Object> info = d.modelInfo();
        String provider = d.provider();
        String model = d.model().toLowerCase(Locale.ROOT);
        boolean openAi = provider.equals("openai");
        boolean claude = provider.equals("anthropic") || (provider.equals("vertex_ai") && model.contains("claude"));
        long[] search = defaultSearch(openAi, claude, model);
        Object given = info == null ? null : info.get("search_context_cost_per_query");
        if (given instanceof Number n) {
            long each = nanos(n);
            search = new long[] {each, each, each};
        } else if (given instanceof Map<?, ?> sizes) {
            // LiteLLM's object: a price per context size; a size it leaves out costs the medium one (or any given)
            Long medium = nanosOrNull(sizes.get("search_context_size_medium"));
            Long low = nanosOrNull(sizes.get("search_context_size_low"));
            Long high = nanosOrNull(sizes.get("search_context_size_high"));
            long fallback = medium != null ? medium : high != null ? high : low != null ? low : search[1];
            search = new long[] {low != null ? low : fallback, medium != null ? medium : fallback, high != null ? high : fallback};
        }
        Long file = info == null ? null : nanosOrNull(info.get("file_search_cost_per_1k_calls"));
        Long code = info == null ? null : nanosOrNull(info.get("code_interpreter_cost_per_session"));
        long fileCall = file != null ? Math.round(file / 1000.0) : openAi ? OPENAI_FILE_SEARCH_NANOS : 0;
        long codeSession = code != null ? code : openAi ? OPENAI_CODE_SESSION_NANOS : 0;
        ToolPrices p = new ToolPrices(search[0], search[1], search[2], fileCall, codeSession, openAi,
                openAi && OpenAiBuiltInTools.searchModel(model));
        return p.equals(NONE) ? NONE : p;
    }

    private static long[] defaultSearch(boolean openAi, boolean claude, String model) {
        if (claude) return new long[] {CLAUDE_WEB_SEARCH_NANOS, CLAUDE_WEB_SEARCH_NANOS, CLAUDE_WEB_SEARCH_NANOS};
        if (!openAi) return new long[] {0, 0, 0};
        if (model.startsWith("gpt-4o-mini") || model.startsWith("gpt-4.1-mini")) return GPT_4O_MINI_SEARCH.clone();
        if (model.startsWith("gpt-4o") || model.startsWith("gpt-4.1")) return GPT_4O_SEARCH.clone();
        return new long[] {OPENAI_WEB_SEARCH_NANOS, OPENAI_WEB_SEARCH_NANOS, OPENAI_WEB_SEARCH_NANOS};
    }

    private static Long nanosOrNull(Object o) {
        if (o instanceof Number n) return nanos(n);
        if (o instanceof String s) {
            try {
                return nanos(Double.parseDouble(s.trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static long nanos(Number usd) {
        double v = usd.doubleValue();
        return Double.isFinite(v) ? Math.max(0, Math.round(v * 1e9)) : 0;
    }

    /** One web search at the request's context size (null: OpenAI's default, medium). */
    long searchNanos(String contextSize) {
        if (contextSize == null) return searchMedium;
        return switch (contextSize) {
            case "low" -> searchLow;
            case "high" -> searchHigh;
            default -> searchMedium;
        };
    }

    /**
     * Whether a chat completion to this deployment is billed one search (OpenAI's search models search on every
     * request; {@code web_search_options} asks for one): not a Responses-API request, whose answer says its calls.
     */
    private boolean chatSearch(OpenAiBuiltInTools.Offered offered) {
        return openAi && !offered.responses() && (searchModel || offered.chatWebSearchOptions());
    }

    /** What the tool calls {@code d} counts cost (plus a chat completion's one search), as {@code offered} priced them. */
    long feesNanos(Usage.Details d, OpenAiBuiltInTools.Offered offered) {
        long search = searchNanos(offered.searchContextSize());
        int searches = d.webSearchRequests();
        if (searches <= 0 && chatSearch(offered)) searches = 1;
        long fees = times(searches, search);
        fees = DeploymentPrices.saturatedAdd(fees, times(d.fileSearchCalls(), fileSearchCall));
        return DeploymentPrices.saturatedAdd(fees, times(d.codeInterpreterSessions(), codeSession));
    }

    /**
     * The most the tools of a request can cost here: Claude's searches ({@code claudeSearches}, its tools' max_uses) and,
     * on an OpenAI deployment, the calls {@code offered} bounds (a chat completion's one search).
     */
    long worstNanos(int claudeSearches, OpenAiBuiltInTools.Offered offered) {
        long search = searchNanos(offered.searchContextSize());
        long fees = times(claudeSearches, search);
        if (!openAi) return fees;
        fees = DeploymentPrices.saturatedAdd(fees, times(offered.webSearches() + (chatSearch(offered) ? 1 : 0), search));
        fees = DeploymentPrices.saturatedAdd(fees, times(offered.fileSearches(), fileSearchCall));
        return DeploymentPrices.saturatedAdd(fees, times(offered.codeSessions(), codeSession));
    }

    private static long times(long n, long each) {
        if (n <= 0 || each <= 0) return 0;
        return n > Long.MAX_VALUE / each ? Long.MAX_VALUE : n * each;
    }
}
