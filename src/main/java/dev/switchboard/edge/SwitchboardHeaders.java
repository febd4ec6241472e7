package dev.switchboard.edge;

import dev.switchboard.model.Answer;
import io.vertx.core.http.HttpServerResponse;

/** The {@code x-switchboard-*} response headers of DESIGN §4, set in one place for every dialect. */
public final class SwitchboardHeaders {
    public static final String MODEL = "x-switchboard-model";
    public static final String ROUTE = "x-switchboard-route";
    public static final String CACHE = "x-switchboard-cache";
    public static final String COST = "x-switchboard-cost";
    public static final String REQUEST_ID = "x-switchboard-request-id";
    /** The auto alias's cost-tier decision and its reason; only on answers to the auto alias. */
    public static final String TIER = "x-switchboard-tier";

    /**
     * The names every answer carries as Netty's {@code AsciiString}, which keeps its hash: Vert.x hashes a String name
     * again on every {@code putHeader} (that hashing was 1.5 % of a non-stream request's event loop).
     */
    static final CharSequence MODEL_NAME = optimized(MODEL);
    static final CharSequence ROUTE_NAME = optimized(ROUTE);
    static final CharSequence CACHE_NAME = optimized(CACHE);
    static final CharSequence TIER_NAME = optimized(TIER);
    static final CharSequence REQUEST_ID_NAME = optimized(REQUEST_ID);
    /** The cost header every priced answer carries (its stage header map holds the name as a String). */
    static final CharSequence COST_NAME = optimized(COST);
    public static final CharSequence CONTENT_TYPE = io.vertx.core.http.HttpHeaders.CONTENT_TYPE;
    public static final CharSequence JSON = optimized("application/json");
    /** A stream's head: its content type and {@code cache-control: no-cache}, the same for every dialect's stream. */
    public static final CharSequence EVENT_STREAM = optimized("text/event-stream");
    public static final CharSequence CACHE_CONTROL = io.vertx.core.http.HttpHeaders.CACHE_CONTROL;
    public static final CharSequence NO_CACHE = optimized("no-cache");

    private SwitchboardHeaders() {}

    /** A header name or value made once, for headers set on every answer (see {@link #MODEL_NAME}). */
    public static CharSequence optimized(String s) {
        return io.vertx.core.http.HttpHeaders.createOptimized(s);
    }

    /** Marks the answer as a stream of server-sent events (chunked, never cached by a proxy). */
    public static HttpServerResponse eventStream(HttpServerResponse resp) {
        return resp.setChunked(true).putHeader(CONTENT_TYPE, EVENT_STREAM).putHeader(CACHE_CONTROL, NO_CACHE);
    }

    /**
     * The answer's headers. Added, not set: these names are set nowhere else on a response and once here, and
     * {@code putHeader} (a set) first walks the header map to remove the name (1.2 % of a non-stream request's event
     * loop in bench/profile.sh, 2026-12-05).
     */
    public static void apply(HttpServerResponse resp, Answer<?> answer) {
        io.vertx.core.MultiMap h = resp.headers();
        // a null value left the header out with putHeader (a set of null removes); add would throw
        if (answer.deployment() != null) h.add(MODEL_NAME, answer.deployment());
        if (answer.route() != null) h.add(ROUTE_NAME, answer.route());
        if (answer.cache() != null) h.add(CACHE_NAME, answer.cache());
        if (answer.tier() != null) h.add(TIER_NAME, answer.tier());
        if (answer.headers() instanceof dev.switchboard.model.WireHeaders made) {
            made.writeTo(h::add); // the usual served answer: names and values made once (see WireHeaders)
            return;
        }
        answer.headers().forEach((name, value) -> resp.putHeader(COST.equals(name) ? COST_NAME : name, value));
    }
}
