package dev.switchboard.pipeline;

import dev.switchboard.account.PromptTokens;
import dev.switchboard.govern.WorstCase;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.route.Target;
import java.util.List;

/**
 * The most a chat request can cost: over every deployment that may serve it (its alias's group, the auto alias's
 * tiers, its fallbacks), the prompt at the highest input price that can apply (a cache write costs more than input
 * on Anthropic) plus the request's output limit (or the model's) at the output price, for each of its {@code n} answers,
 * plus the web searches Claude may run for it at their price ({@link dev.switchboard.provider.AnthropicServerTools#webSearchesAtMost})
 * and the OpenAI built-in tool calls it may make ({@link dev.switchboard.provider.OpenAiBuiltInTools#offered}: a web or
 * file search tool its {@code max_tool_calls}, else ten, a code interpreter one session, a chat search one). The prompt is bounded without a
 * tokenizer first (a token is at least one UTF-8 byte); the tokenizer counts it only when that bound does not fit.
 */
final class RequestWorstCase implements WorstCase, java.util.function.ToIntFunction<String>, java.util.function.LongSupplier {
    private final ChatRequest request;
    private final dev.switchboard.route.ModelRouter router;
    private final dev.switchboard.model.CallContext ctx;
    private final DeploymentPrices prices;
    private final PromptTokens tokens;
    /** Whether a pre_call guardrail may rewrite the request before the router: asked only with the targets. */
    private final java.util.function.BiPredicate<dev.switchboard.model.CallContext, ChatRequest> rewrittenBeforeRouting;
    private List<Target> targets;
    private Boolean cacheWrites;
    private int bound = -1;
    /** The OpenAI built-in tools the request offers, read once: reserved for here, priced by the answer's metering. */
    final dev.switchboard.provider.OpenAiBuiltInTools.Offered offered;

    /**
     * @param router asked for the deployments the request may reach only when a budget needs the worst case (a caller
     *               without one never pays for it)
     */
    RequestWorstCase(ChatRequest request, dev.switchboard.route.ModelRouter router, dev.switchboard.model.CallContext ctx,
                     DeploymentPrices prices, PromptTokens tokens) {
        this(request, router, ctx, prices, tokens, (c, r) -> false);
    }

    /**
     * @param rewrittenBeforeRouting whether a pre_call guardrail runs on the request (it may rewrite it: the fallbacks
     *                               that would refuse it as it is here may take it as it reaches the router)
     */
    RequestWorstCase(ChatRequest request, dev.switchboard.route.ModelRouter router, dev.switchboard.model.CallContext ctx,
                     DeploymentPrices prices, PromptTokens tokens,
                     java.util.function.BiPredicate<dev.switchboard.model.CallContext, ChatRequest> rewrittenBeforeRouting) {
        this.rewrittenBeforeRouting = rewrittenBeforeRouting;
        this.request = request;
        this.router = router;
        this.ctx = ctx;
        this.prices = prices;
        this.tokens = tokens;
        this.offered = dev.switchboard.provider.OpenAiBuiltInTools.offered(request);
    }

    private List<Target> targets() {
        if (targets == null) {
            // less the fallbacks that would refuse one of its parameters, judged on the request as the router gets it: a
            // pre_call guardrail (inside the spend stage) may rewrite it first (tools removed), so then none is left out
            targets = rewrittenBeforeRouting.test(ctx, request) ? router.reachable(ctx, request.model(), request.extra())
                    : router.reachable(ctx, request);
            // asked only under a budget: a name a caller chose through a wildcard that nothing prices would pass it at $0
            for (Target t : targets) prices.requirePricedUnderBudget(t.deployment());
            cacheWrites = mayWriteCache(request, targets);
        }
        return targets;
    }

    @Override
    public long boundNanos() {
        int prompt = promptBound();
        long worst = 0;
        int n = choices(request);
        int searches = dev.switchboard.provider.AnthropicServerTools.webSearchesAtMost(request);
        for (Target t : targets()) worst = Math.max(worst, prices.worstCase(t.deployment(), prompt, outputLimit(t), cacheWrites, n, searches, offered));
        return worst;
    }

    @Override
    public long exactNanos() {
        int bound = promptBound();
        long worst = 0;
        java.util.Map<String, Integer> byProvider = new java.util.HashMap<>();
        int n = choices(request);
        int searches = dev.switchboard.provider.AnthropicServerTools.webSearchesAtMost(request);
        for (Target t : targets()) {
            String provider = estimatedAs(t.deployment());
            int prompt = byProvider.computeIfAbsent(provider, p -> Math.min(bound, tokens.estimate(request, p)));
            worst = Math.max(worst, prices.worstCase(t.deployment(), prompt, outputLimit(t), cacheWrites, n, searches, offered));
        }
        return worst;
    }

    /**
     * The output limit the request goes to {@code t} with, when it names none: the deployment's (null here), except a
     * Responses-API request passed through to OpenAI, which goes with at least the 16 tokens that API takes
     * (route.ResponsesDefaults raises a smaller deployment default to it): reserved for what is sent.
     */
    private Integer outputLimit(Target t) {
        Integer asked = request.outputTokenLimit();
        if (asked != null || request.raw() == null || !request.raw().is(dev.switchboard.model.RawJson.OPENAI_RESPONSES)) return asked;
        int deploymentDefault = prices.defaultOutputLimit(t.deployment());
        return deploymentDefault > 0 && deploymentDefault < LEAST_RESPONSES_OUTPUT ? LEAST_RESPONSES_OUTPUT : null;
    }

    /** The least max_output_tokens OpenAI's Responses API takes (route.ResponsesDefaults sends no less). */
    private static final int LEAST_RESPONSES_OUTPUT = 16;

    /**
     * The provider family a deployment's prompt is estimated as: {@code anthropic} (1.9 and Anthropic's tool-use system
     * prompt) when it serves Claude by its model or its {@code model_info.base_model} (a Claude behind an
     * OpenAI-compatible prefix, {@code openai/claude-…} on a proxy, is Claude's tokenizer), else its provider prefix.
     */
    static String estimatedAs(dev.switchboard.config.Deployment d) {
        return d.servesClaude() ? "anthropic" : d.provider();
    }

    /**
     * {@link #estimatedAs(dev.switchboard.config.Deployment)} for an entry known by its id and price alone (a fallback
     * the metered call did not see served, {@link MeteredCall#estimate}): the same rule on the id's model (the part after
     * the provider prefix) and the priced entry's model_info; {@code openai} for an id nothing prices, unless it is a Claude.
     */
    static String estimatedAs(String deploymentId, DeploymentPrices.Priced p) {
        if (p == null) return dev.switchboard.config.Deployment.servesClaude(deploymentId, null) ? "anthropic" : "openai";
        String prefix = p.provider();
        boolean prefixed = !prefix.isEmpty() && deploymentId.length() > prefix.length() && deploymentId.startsWith(prefix)
                && deploymentId.charAt(prefix.length()) == '/';
        String model = prefixed ? deploymentId.substring(prefix.length() + 1) : deploymentId;
        return dev.switchboard.config.Deployment.servesClaude(model, p.modelInfo()) ? "anthropic" : prefix;
    }

    /** The prompt estimate for one provider, for usage the provider never reported (a stream cut short). */
    int promptEstimate(String provider) {
        return Math.min(promptBound(), tokens.estimate(request, provider));
    }

    /** {@link #promptEstimate}, as the metered call asks for it (this object, not a method reference a call). */
    @Override
    public int applyAsInt(String provider) { return promptEstimate(provider); }

    /** {@link #getAsLong}'s answer once asked (-1 before): a key's, a team's and a user's tpm limit ask it in turn. */
    private long tpmReservation = -1;

    /** What the request reserves of a tpm limit ({@link Metering#tpmReservation}), asked only when one applies. */
    @Override
    public long getAsLong() {
        if (tpmReservation < 0) tpmReservation = Metering.tpmReservation(request);
        return tpmReservation;
    }

    /**
     * The answers the request asks for: OpenAI's {@code n} (1 to 128), each of which may run to the output limit; a
     * provider without {@code n} refuses it or drops it, so counting it here only ever reserves more, never less.
     */
    static int choices(ChatRequest r) {
        com.fasterxml.jackson.databind.JsonNode n = r.extra().get("n");
        if (n == null || !n.canConvertToInt()) return 1;
        return Math.clamp(n.asInt(), 1, 128);
    }

    private int promptBound() {
        if (bound < 0) bound = tokens.upperBound(request);
        return bound;
    }

    /**
     * Whether the call may write a provider prompt cache (priced above input): the request marks a breakpoint or asks
     * for automatic caching, or a deployment it may reach injects one.
     */
    static boolean mayWriteCache(ChatRequest r, List<Target> targets) {
        for (Target t : targets) if (!t.provider().injectedBreakpoints().isEmpty()) return true;
        // Anthropic's automatic caching (a top-level cache_control, from either dialect) writes the prompt up to its last block
        if (dev.switchboard.model.CacheInjectionPoint.automaticControl(r) != null) return true;
        // An Anthropic-dialect request's blocks decode with their cache_control too, so the canonical parts tell.
        for (Message m : r.messages()) for (ContentPart p : m.content()) if (p.cacheControl() != null) return true;
        for (var tool : r.tools()) if (tool.cacheControl() != null) return true;
        return false;
    }
}
