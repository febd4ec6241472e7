package dev.switchboard.provider;

import dev.switchboard.model.CacheInjectionPoint;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import io.vertx.core.Future;
import java.util.List;

/**
 * One deployment's connection to its provider: canonical request in, canonical answer out. Failures are
 * {@link dev.switchboard.model.GatewayException}s. Optional abilities are separate interfaces
 * ({@link EmbeddingProvider}), so a provider never carries "unsupported" stubs.
 */
public interface Provider {
    Future<ChatResponse> chat(ChatRequest request, CallOptions options);

    /**
     * Starts a streamed answer. The future completes once the upstream has accepted the request (its status
     * line and headers arrived), before any chunk is delivered; until then the caller may still try elsewhere.
     */
    Future<ChatStream> stream(ChatRequest request, CallOptions options);

    /**
     * The prompt-cache breakpoints this provider adds to every request ({@code cache_control_injection_points}),
     * so the cache lint can judge the prefix that will really be cached; empty for providers that add none.
     */
    default List<CacheInjectionPoint> injectedBreakpoints() { return List.of(); }

    /**
     * The output limit this provider sends when neither the request nor the deployment sets one (Anthropic requires
     * one, so its encoder picks the model's), for the worst case a budget reserves; null when the upstream applies
     * the model's own maximum.
     */
    default Integer outputLimitWhenUnset() { return null; }

    /**
     * OpenAI chat parameters this provider cannot honour ({@link UnsupportedParams}): the router refuses a request
     * that sets one to a value that matters, or drops it under {@code drop_params}. Empty for providers that take
     * OpenAI's parameters as they are.
     */
    default java.util.Set<String> unsupportedParams() { return java.util.Set.of(); }

    /**
     * Parameters this request sets that the provider's model refuses beside something else the request asks for
     * ({@link ParamConflict}): Claude's sampling parameters with the thinking the request turns on
     * ({@link ClaudeThinking#samplingConflicts}), Bedrock's {@code tool_choice: "none"} in a conversation with tool
     * calls. The router treats them as {@link #unsupportedParams}: a 400 naming the first, or dropped under
     * {@code drop_params}.
     */
    default List<ParamConflict> conflicts(ChatRequest r) { return List.of(); }

    /**
     * Whether Anthropic's own tools and MCP connector in an Anthropic-dialect request reach the model
     * ({@link AnthropicServerTools}): Claude through the Messages API only.
     */
    default boolean runsAnthropicServerTools() { return false; }

    /**
     * Whether the provider takes OpenAI's {@code allowed_tools} tool choice itself (OpenAI, Azure OpenAI); for any other
     * the router narrows {@code tools} to the allowed ones (route.DeploymentParams).
     */
    default boolean takesAllowedTools() { return false; }

    /**
     * Whether the provider takes OpenAI's custom (free-form) tools itself (OpenAI, Azure OpenAI); for any other the router
     * offers each as a function of one string, {@code input}, and gives its calls back as custom calls
     * (route.CustomToolsAsFunctions).
     */
    default boolean takesCustomTools() { return false; }

    /**
     * Whether tool names must fit {@link dev.switchboard.model.ToolNames#LIMIT} (OpenAI-style servers, Gemini, Bedrock);
     * false where longer ones are taken (Anthropic).
     */
    default boolean limitsToolNames() { return false; }

    /**
     * Whether the request's thinking (an Anthropic client's {@code thinking} turned on) reaches this provider's model as
     * nothing, because the model has no counterpart for it (an OpenAI chat model that is no reasoning model): the answer
     * comes without thinking. The router says so when a fallback lands here (route.ThinkingDrops); false by default.
     */
    default boolean dropsThinking(ChatRequest r) { return false; }
}
