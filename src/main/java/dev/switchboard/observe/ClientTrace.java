package dev.switchboard.observe;

import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;

/**
 * How the client placed this call in its own traces: a W3C {@code traceparent} (the request's span becomes a child of
 * the client's), else LiteLLM's / Langfuse's {@code metadata.trace_id} (the request's span starts that trace, or joins
 * it, since the id is always the same); plus {@code metadata.session_id}, {@code metadata.generation_name} and
 * {@code metadata.trace_name}, which name and group calls.
 *
 * @param parent  the client's span context, or null
 * @param traceId the trace id the client chose (32 hex digits), or null
 */
record ClientTrace(Context parent, String traceId, String sessionId, String generationName, String traceName) {
    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private static final TextMapGetter<Map<String, String>> HINTS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) { return carrier.keySet(); }

        @Override
        public String get(Map<String, String> carrier, String key) { return carrier == null ? null : carrier.get(key); }
    };

    /**
     * The client's names for its call, with any key it put in them masked: they become a span's name and attributes
     * and request-log columns, which must not hold a credential whatever the client sent.
     */
    static ClientTrace of(CallContext ctx, ChatRequest request, SecretScrubber scrubber) {
        return of(ctx, request.metadata(), scrubber);
    }

    /** As {@link #of(CallContext, ChatRequest, SecretScrubber)}, from a request's LiteLLM {@code metadata} (embeddings). */
    static ClientTrace of(CallContext ctx, Map<String, String> metadata, SecretScrubber scrubber) {
        ClientTrace t = of(ctx, metadata);
        if (t == NONE) return t;
        // masked, then cut to the log's column width: a span name or attribute as long as the client made it would
        // make a span larger than a collector takes (SpanText)
        return new ClientTrace(t.parent(), t.traceId(), SpanText.cut(scrubber.scrub(t.sessionId()), SpanText.NAME),
                SpanText.cut(scrubber.scrub(t.generationName()), SpanText.NAME), SpanText.cut(scrubber.scrub(t.traceName()), SpanText.NAME));
    }

    static ClientTrace of(CallContext ctx, ChatRequest request) { return of(ctx, request.metadata()); }

    private static ClientTrace of(CallContext ctx, Map<String, String> meta) {
        Context parent = null;
        String traceId = null;
        if (ctx.hint(TRACEPARENT) != null) {
            Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), ctx.hints(), HINTS);
            var sc = Span.fromContext(extracted).getSpanContext();
            if (sc.isValid()) {
                parent = extracted;
                traceId = sc.getTraceId();
            }
        }
        if (parent == null && meta.isEmpty()) return NONE; // the usual call: nothing placed, one record for all
        String metaTrace = blankToNull(meta.get("trace_id"));
        if (traceId == null && metaTrace != null) traceId = TraceIds.fromClient(metaTrace);
        return new ClientTrace(parent, traceId, blankToNull(meta.get("session_id")), blankToNull(meta.get("generation_name")),
                blankToNull(meta.get("trace_name")));
    }

    /** A call the client placed nowhere: what {@link #of} built for it before, every field null. */
    static final ClientTrace NONE = new ClientTrace(null, null, null, null, null);

    private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s.strip(); }
}
