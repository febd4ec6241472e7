package dev.switchboard.pipeline;

import dev.switchboard.cache.PromptCacheLint;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.config.RequestChecks;
import dev.switchboard.model.CacheInjectionPoint;
import dev.switchboard.route.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The chat pipeline's stages in their order, and the one handler they make around the router, built once at start. */
final class StageChain {
    private StageChain() {}

    /**
     * The stages between the edge and the router, outermost first: what a request may carry (RequestChecksStage: a refusal
     * is bad input, answered before anything is admitted or recorded), a key's own model aliases, observation (so its trace and log row cover the whole
     * call), the prompt-cache lint, the spend stage, and the response cache when some alias is cached (inside the spend
     * stage, so a hit is governed and recorded, at cost 0), with the observer's two marks around the cache. The guardrail
     * stage sits between the spend stage and the cache: a block is admitted and recorded, and a pre_call block never
     * reaches the cache or a provider.
     */
    static List<Stage> of(List<Target> targets, Metering metering, ResponseCache cache, ObserveStage observe,
                          Stage guardrails, boolean tagRouting, RequestChecks checks, Predicate<String> routedByUserAgent) {
        List<Stage> out = new ArrayList<>(List.of(new RequestChecksStage(checks), new KeyAliasStage(), observe, new CacheLintStage(new PromptCacheLint(), injectedBreakpointsByAlias(targets)),
                new SpendStage(metering), observe.admitted(), guardrails));
        if (cache.cachesAnything()) out.add(new CacheStage(cache, tagRouting, routedByUserAgent));
        out.add(observe.routing());
        return out;
    }

    /** The handler the edge calls: the stages around the router's, outermost first. */
    static ChatHandler chain(List<Stage> stages, ChatHandler innermost) {
        ChatHandler h = innermost;
        for (int i = stages.size() - 1; i >= 0; i--) h = stages.get(i).wrap(h);
        return h;
    }

    /** Per alias, the breakpoints its first deployment that injects any adds; the lint assumes that one serves. */
    private static Map<String, List<CacheInjectionPoint>> injectedBreakpointsByAlias(List<Target> targets) {
        Map<String, List<CacheInjectionPoint>> out = new HashMap<>();
        for (Target t : targets) {
            List<CacheInjectionPoint> points = t.provider().injectedBreakpoints();
            if (!points.isEmpty()) out.putIfAbsent(t.deployment().alias(), points);
        }
        return out;
    }
}
