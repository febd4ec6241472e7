package dev.switchboard.route;

import java.util.List;

import dev.switchboard.config.Deployment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the router knows about one deployment at run time: requests in flight, a latency average, its
 * rpm/tpm window and its circuit breaker, next to the static numbers the strategies weigh (weight, order,
 * price). All of it is in memory and updated with atomics or tiny locks, never blocking an event loop.
 */
final class DeploymentState {
    /** Weight of a new latency sample in the moving average: recent behaviour counts, one outlier does not rule. */
    private static final double EWMA_ALPHA = 0.3;

    final Target target;
    /** The deployment's id, made once: {@code Deployment.id()} concatenates provider and model on every call (1.4 % of a request). */
    private final String id;
    /** LiteLLM's x-litellm-model-id / -api-base of its answers, made once (every answer carries them). */
    final dev.switchboard.model.WireHeaders liteLlmHeaders;
    /**
     * {@link #liteLlmHeaders} with LiteLLM's retry and fallback counts of a first try, for the router's
     * {@code max_fallbacks}: made at its first such answer ({@link LiteLlmResponseHeaders#answered}); null before.
     */
    volatile FirstTry firstTry;

    /** The headers of a first-try answer, for one {@code max_fallbacks}. */
    record FirstTry(int maxFallbacks, dev.switchboard.model.WireHeaders headers) {}
    final CircuitBreaker breaker;
    /** Shared by the copies of one wildcard deployment: its rpm/tpm cover every model it serves, as in LiteLLM. */
    final UsageWindow usage;
    final AtomicInteger inFlight = new AtomicInteger();
    /** {@code max_parallel_requests}: {@link ParallelSlots#NONE} when unset; shared by the copies of one wildcard deployment. */
    final ParallelSlots slots;
    /** Milliseconds to the answer (to the first byte for streams); NaN until the first sample. */
    private volatile double latencyMs = Double.NaN;

    final double weight;
    /** {@code order}: lower tiers are used first; deployments without one come after every ordered tier. */
    final double order;
    final Double rpm;
    final Double tpm;
    /** Input + output price per token from model_info; NaN when unknown. */
    final double pricePerToken;
    /** {@code litellm_params.tags}, for tag routing ({@link TagRouting}); empty when none. */
    final List<String> tags;
    /** {@code litellm_params.tag_regex}, searched in {@code "User-Agent: …"} by tag routing; empty when none. */
    final List<java.util.regex.Pattern> tagRegex;
    /** The context window the pre-call check found for it ({@link ContextCheck#window}); -1 until asked. Racy but idempotent. */
    int contextWindow = -1;
    /**
     * The kind of call it serves ({@link ServingMode#family} of its mode: model_info.mode, else the price catalog's); null
     * when unknown. Set once, when the router is given its modes ({@link ModelRouter#modes}) or a wildcard group is made,
     * so a fallback judgement reads a field rather than asking the catalog per call.
     */
    volatile String family;

    DeploymentState(Target target, CircuitBreaker breaker) {
        this(target, breaker, new UsageWindow());
    }

    DeploymentState(Target target, CircuitBreaker breaker, UsageWindow usage) {
        this(target, breaker, usage, ParallelSlots.NONE);
    }

    DeploymentState(Target target, CircuitBreaker breaker, UsageWindow usage, ParallelSlots slots) {
        this.target = target;
        this.slots = slots;
        this.usage = usage;
        this.breaker = breaker;
        Object given = target.deployment().params().get("tags");
        this.tags = given instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                : given instanceof String text ? java.util.Arrays.stream(text.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList()
                : List.of();
        Object regex = target.deployment().params().get("tag_regex"); // a list of valid patterns (DeploymentReader)
        this.tagRegex = regex instanceof List<?> l ? l.stream().map(o -> java.util.regex.Pattern.compile(String.valueOf(o))).toList()
                : List.of();
        Deployment d = target.deployment();
        this.id = d.id();
        // in the order made (id, then api base): Map.copyOf's order changes from one JVM start to the next
        this.liteLlmHeaders = LiteLlmResponseHeaders.of(target.deployment());
        Object modelInfoId = d.modelInfo().get("id");
        this.modelId = modelInfoId == null ? "" : String.valueOf(modelInfoId);
        this.rpm = doubleOrNull(d.numberParam("rpm"));
        this.tpm = doubleOrNull(d.numberParam("tpm"));
        // LiteLLM's simple-shuffle weighs by weight, else rpm, else tpm.
        Double w = doubleOrNull(d.numberParam("weight"));
        this.weight = w != null ? w : rpm != null ? rpm : tpm != null ? tpm : 1.0;
        Double o = doubleOrNull(d.numberParam("order"));
        this.order = o == null ? Double.POSITIVE_INFINITY : o;
        Object in = d.modelInfo().get("input_cost_per_token");
        Object out = d.modelInfo().get("output_cost_per_token");
        this.pricePerToken = in instanceof Number i && out instanceof Number u ? i.doubleValue() + u.doubleValue()
                : in instanceof Number i ? i.doubleValue() : Double.NaN;
    }

    String id() { return id; }

    /**
     * The entry's {@code model_info.id}, "" when the config gives none: two entries of one {@code provider/model} (one
     * model on two resources or regions) are told apart by it in the cooldown and load series, as LiteLLM labels its
     * deployment metrics with {@code model_id}. Set by the admin, so it bounds the series like the other labels.
     */
    String modelId() { return modelId; }

    private final String modelId;

    double latencyMs() { return latencyMs; }

    void recordLatency(double ms) {
        double old = latencyMs;
        latencyMs = Double.isNaN(old) ? ms : EWMA_ALPHA * ms + (1 - EWMA_ALPHA) * old;
    }

    private static Double doubleOrNull(Number n) { return n == null ? null : n.doubleValue(); }
}
