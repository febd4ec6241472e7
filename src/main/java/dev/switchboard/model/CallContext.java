package dev.switchboard.model;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is calling and the request's identity, handed to every stage.
 *
 * @param requestId    the {@code x-switchboard-request-id} of this call
 * @param caller       who authenticated
 * @param startedNanos {@link System#nanoTime()} at arrival, for latency
 * @param hints        the client's {@code x-switchboard-*} request headers, keyed by the rest of the name in
 *                     lower case ({@code x-switchboard-tier: smart} → {@code tier=smart}): per-request
 *                     overrides that stages read (timeout, retries, fallbacks, tier)
 * @param cancellation cancelled by the edge when the client leaves before its answer is complete: the router
 *                     stops retrying and falling back, the upstream request in flight is reset
 * @param carried      what a stage attached to this call for hooks further on that see only the context
 *                     ({@link #attach}, {@link #attached})
 */
public record CallContext(String requestId, Caller caller, long startedNanos, Map<String, String> hints,
                          Cancellation cancellation, Carried carried) {
    public static final String HINT_PREFIX = "x-switchboard-";
    /**
     * The hints of LiteLLM's per-request routing headers, keyed by the header's own name (the edge reads them). An
     * {@code x-switchboard-} header's hint is one of the edge's known controls (edge.ControlHeaders; any other name in
     * that namespace is a 400 since 2026-12-07), so no {@code x-switchboard-} header reaches these keys.
     */
    public static final String LITELLM_TIMEOUT_HINT = "x-litellm-timeout",
            LITELLM_STREAM_TIMEOUT_HINT = "x-litellm-stream-timeout", LITELLM_NUM_RETRIES_HINT = "x-litellm-num-retries";

    public CallContext {
        hints = hints == null ? Map.of() : hints;
        cancellation = cancellation == null ? Cancellation.NEVER : cancellation;
        carried = carried == null ? new Carried() : carried;
    }

    public CallContext(String requestId, Caller caller, long startedNanos, Map<String, String> hints, Cancellation cancellation) {
        this(requestId, caller, startedNanos, hints, cancellation, null);
    }

    /** A call nobody cancels (internal calls, tests). */
    public CallContext(String requestId, Caller caller, long startedNanos, Map<String, String> hints) {
        this(requestId, caller, startedNanos, hints, Cancellation.NEVER, null);
    }

    /**
     * The team the call counts for, attached at admission: the stored team that governs it, or its caller's first team
     * label when none does; absent for a caller of no team. The ledger's rows and the router's fallbacks read it.
     */
    public static final Key<String> TEAM = new Key<>(String.class);

    /** The model the client named, when its virtual key's alias replaced it (the trace says both); absent otherwise. */
    public static final Key<String> ASKED_MODEL = new Key<>(String.class);

    /**
     * The id the client's answer carries when the edge chose it before the call (the Responses API's {@code resp_…}),
     * not the upstream's: the trace's {@code gen_ai.response.id} is the one the client can look up. Absent otherwise.
     */
    public static final Key<String> ANSWER_ID = new Key<>(String.class);

    /**
     * The prefix the edge puts before an upstream's answer id that lacks it (the Anthropic dialect's {@code msg_}), so
     * the trace names the id as the client got it. Absent when ids are passed as they are.
     */
    public static final Key<String> ANSWER_ID_PREFIX = new Key<>(String.class);

    /**
     * What a call that ended without a priced answer was charged (its ledger row): the usage, reported or estimated, with
     * its cost in {@code cost} (0 when nothing was billed). Attached by the metering when a stream breaks, its client
     * leaves or the call fails, before the failure reaches the edge, so a dialect whose failed answer carries a usage
     * (the Responses API's {@code response.failed}, a stored response cut short) says the cost the ledger has.
     */
    public static final Key<Usage> CHARGED = new Key<>(Usage.class);

    public String hint(String name) { return hints.get(name); }

    /** Attaches a value to this call under {@code key} (replacing any before it). */
    public <T> void attach(Key<T> key, T value) { carried.put(key.index, value); }

    /** The value attached under {@code key}, or null. */
    public <T> T attached(Key<T> key) { return key.type.cast(carried.get(key.index)); }

    /**
     * A name for one kind of value carried with a call. A hook shared by every call (the router's attempt listener,
     * the ledger's row listener) finds its call's state here with an array read, where a map keyed by request id cost
     * a hash of the id, a probe that misses the cache, and a node per call. Keys are made once, as constants.
     */
    public static final class Key<T> {
        private static final AtomicInteger NEXT = new AtomicInteger();
        private final int index = NEXT.getAndIncrement();
        private final Class<T> type;

        public Key(Class<T> type) { this.type = type; }
    }

    /**
     * The values attached to one call, by key index. Attached on the call's path before the context is handed on and
     * read after it (the futures and tasks that carry a call between threads publish what was attached before).
     */
    public static final class Carried {
        private static final Object[] NONE = new Object[0];
        // Made at the first attach, sized for every key made so far (keys are constants: all of them by then), so a
        // call's attaches fill one array. It started at 2 and grew by copies to the highest index attached: two or
        // three arrays a request (0.1-0.2 KB, bench/profile.sh 2026-12-06).
        private Object[] values = NONE;

        Carried() {}

        void put(int index, Object value) {
            if (index >= values.length) {
                values = java.util.Arrays.copyOf(values, Math.max(index + 1, Math.max(Key.NEXT.get(), values.length * 2)));
            }
            values[index] = value;
        }

        Object get(int index) { return index < values.length ? values[index] : null; }
    }
}
