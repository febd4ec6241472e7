package dev.switchboard.route;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fallback that lands on a model without thinking while the request asked for it (an Anthropic client's
 * {@code thinking} falling back from Claude to gpt-4o-mini, which has no counterpart: Provider#dropsThinking), said
 * where an operator looks: {@code switchboard_fallbacks_thinking_dropped_total{alias,to}} once per request and fallback
 * group (CallEngine asks once, however often the group is retried) and one
 * WARN line for each pair of primary alias and fallback alias, the next ones DEBUG lines, as DeploymentParams says a
 * dropped parameter. Before 2026-12-07 the answer came without thinking and without a word. No response header says
 * it: none exists for dropped parameters (LiteLLM's drop_params says nothing either), and {@code x-switchboard-route:
 * fallback:…} already tells the client another model answered.
 */
final class ThinkingDrops {
    private static final Logger log = LoggerFactory.getLogger(ThinkingDrops.class);
    /** Pairs warned about; bounded, as a wildcard-served alias is a client's name (past the bound: DEBUG lines only). */
    private static final int MAX_PAIRS = 1_000;

    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final RouterMetrics metrics;

    private final LogNames names;

    ThinkingDrops(RouterMetrics metrics, LogNames names) {
        this.metrics = metrics;
        this.names = names;
    }

    /** A fallback attempt of {@code primary}'s request at {@code deployment} of {@code fallback} goes without its thinking. */
    void fallenBack(String requestId, String primary, String fallback, String deployment, dev.switchboard.config.Deployment entry) {
        metrics.thinkingDropped(primary, fallback);
        if (warned.size() < MAX_PAIRS && warned.add(primary + '\u0000' + fallback)) {
            log.warn("request {}: '{}' fell back to '{}' ({}), {}: the request's thinking is dropped and "
                    + "the answer comes without it (the first such drop for this pair of aliases; the next are DEBUG lines)",
                    requestId, names.of(primary), names.of(fallback), names.of(deployment), why(entry));
        } else {
            log.debug("request {}: thinking dropped on the fallback from '{}' to '{}' ({})", requestId,
                    names.of(primary), names.of(fallback), names.of(deployment));
        }
    }

    /**
     * Why the fallback goes without thinking: a Claude (on Bedrock, or anthropic/) thinks, but takes this request only
     * without it (an adaptive thinking with no room for a budget, an effort a forced tool choice leaves off); another
     * model has none (or none to adjust). "which has no thinking" was said of Claude too before the review of 2026-12-07.
     * Claude is told by the one rule the prompt estimate uses too ({@link dev.switchboard.config.Deployment#servesClaude}).
     */
    static String why(dev.switchboard.config.Deployment entry) {
        return entry.servesClaude() ? "which takes this request without its thinking" : "which has no thinking";
    }
}
