package dev.switchboard.route;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The router's counters. Micrometer names are dotted; the Prometheus registry (observability issue) renders
 * them as {@code switchboard_fallbacks_total{alias,reason,to}}, {@code switchboard_retries_total{alias}},
 * {@code switchboard_cooldowns_total{deployment}}, {@code switchboard_cooldown_gate_total{alias,outcome}},
 * {@code switchboard_tier_decisions_total{tier,reason}}, {@code switchboard_parallel_limit_waits_total{alias}} and
 * {@code switchboard_fallbacks_skipped_total{alias,reason,cause}} and {@code switchboard_fallbacks_thinking_dropped_total{alias,to}}.
 * All of them count rare events, so looking a counter up per event costs nothing that matters.
 */
public final class RouterMetrics {
    public static final String FALLBACKS = "switchboard.fallbacks";
    /** Requests whose fallback chain the caller's allowlist ended: a fallback it may not use would have been next. */
    public static final String FALLBACKS_SKIPPED = "switchboard.fallbacks.skipped";
    public static final String RETRIES = "switchboard.retries";
    public static final String COOLDOWNS = "switchboard.cooldowns";
    /** Requests the trial-call gate held ({@code outcome="followed"}) or refused ({@code outcome="refused"}). */
    public static final String COOLDOWN_GATE = "switchboard.cooldown.gate";
    public static final String TIER_DECISIONS = "switchboard.tier.decisions";
    public static final String SLOT_WAITS = "switchboard.parallel.limit.waits";
    /** Requests whose fallback to a group went without the thinking they asked for, once per fallback group (ThinkingDrops). */
    public static final String THINKING_DROPPED = "switchboard.fallbacks.thinking.dropped";

    private final MeterRegistry registry;
    private final java.util.function.UnaryOperator<String> aliasLabel;
    private final java.util.function.UnaryOperator<String> deploymentLabel;

    /** Labels as given: for tests whose names are all configured. */
    public RouterMetrics(MeterRegistry registry) { this(registry, a -> a, d -> d); }

    /**
     * @param aliasLabel      an alias's label: a name a client made up (a wildcard's match, a request's fallback list)
     *                        must not become one, or each new name would add series for ever (MetricLabels)
     * @param deploymentLabel a deployment's label, likewise (a wildcard entry's deployments are named by the request)
     */
    public RouterMetrics(MeterRegistry registry, java.util.function.UnaryOperator<String> aliasLabel,
                         java.util.function.UnaryOperator<String> deploymentLabel) {
        this.registry = registry;
        this.aliasLabel = aliasLabel;
        this.deploymentLabel = deploymentLabel;
    }

    void fallback(String alias, FallbackReason reason, String to) {
        Counter.builder(FALLBACKS).description("Requests served (or tried) by a fallback alias")
                .tags("alias", aliasLabel.apply(alias), "reason", reason.label(), "to", aliasLabel.apply(to)).register(registry).increment();
    }

    /**
     * The fallback chain of a request for {@code alias} ended on a failure of this reason with a fallback the caller may
     * not use next in line (RoutePlan.barredAtEnd): the request failed where another caller's would have fallen back.
     * {@code cause}: {@code allowlist} (the caller may not use it) or {@code mode} (it serves another mode than the
     * call's, ServingMode); a request whose passed-over fallbacks were of both is counted under each.
     */
    void fallbackSkipped(String alias, FallbackReason reason, String cause) {
        Counter.builder(FALLBACKS_SKIPPED).description("Requests whose fallback chain ended at a fallback the caller may "
                + "not use (cause allowlist) or that serves another mode than the call's (cause mode)")
                .tags("alias", aliasLabel.apply(alias), "reason", reason.label(), "cause", cause).register(registry).increment();
    }

    /**
     * A request for {@code alias} that asked for thinking fell back to {@code to}, whose model has none: counted once per
     * request and fallback group, however many times that group is retried.
     */
    void thinkingDropped(String alias, String to) {
        Counter.builder(THINKING_DROPPED).description("Requests that asked for thinking and fell back to a model without it, "
                + "once per request and fallback alias (not per retry): the answer came without thinking").tags("alias", aliasLabel.apply(alias), "to", aliasLabel.apply(to))
                .register(registry).increment();
    }

    void retry(String alias) {
        Counter.builder(RETRIES).description("Retries within a model group").tags("alias", aliasLabel.apply(alias))
                .register(registry).increment();
    }

    /** @param modelId the entry's {@code model_info.id} ("" without one): two entries of one provider/model apart */
    void cooldown(String deployment, String modelId) {
        Counter.builder(COOLDOWNS).description("Deployments put in cooldown").tags("deployment", deploymentLabel.apply(deployment),
                "model_id", modelId).register(registry).increment();
    }

    /**
     * A request with nowhere else to go met its group's cooldowns: {@code followed}, it waited on a trial call in flight
     * instead of being sent; {@code refused}, it was answered LiteLLM's 429 {@code deployments_cooling_down}.
     */
    void cooldownGate(String alias, String outcome) {
        Counter.builder(COOLDOWN_GATE).description("Requests that followed a cooling deployment's trial call, or were "
                + "refused with deployments_cooling_down").tags("alias", aliasLabel.apply(alias), "outcome", outcome)
                .register(registry).increment();
    }

    /** A request found every deployment of its group at its max_parallel_requests and lined up for a slot. */
    void queuedForSlot(String alias) {
        Counter.builder(SLOT_WAITS).description("Requests that waited for a deployment's max_parallel_requests slot")
                .tags("alias", aliasLabel.apply(alias)).register(registry).increment();
    }

    /** @param reasonKind the rule that decided (header, tokens, tools, keyword, classifier, default) */
    void tier(String tier, String reasonKind) {
        Counter.builder(TIER_DECISIONS).description("auto alias decisions").tags("tier", tier, "reason", reasonKind)
                .register(registry).increment();
    }
}
