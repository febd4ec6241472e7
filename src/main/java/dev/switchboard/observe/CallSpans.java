package dev.switchboard.observe;

import dev.switchboard.model.CallContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;

/**
 * How an {@link ObservedCall}'s spans are made: its root (named for the model or the client's generation, under the
 * client's parent or trace id), its children, each started and ended on the tracer's clock from the call's
 * {@code System.nanoTime} marks. Static: the call passes its tracer, and nothing is made for it but the spans.
 */
final class CallSpans {
    private CallSpans() {}

    /**
     * The call's root span, started at the call's arrival: a chat call's {@code generation}, an embeddings call's
     * {@code embedding} (Langfuse's types), with the model the client named (masked), the request id and the key.
     */
    static Span startRoot(Tracing t, ClientTrace client, CallContext ctx, String model, boolean chat, SecretScrubber scrubber) {
        String name = client.generationName() != null ? client.generationName()
                : chat ? t.names().root(model) : t.names().embeddingsRoot(model);
        var builder = t.tracer().spanBuilder(name).setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(t.epochNanos(ctx.startedNanos()), TimeUnit.NANOSECONDS)
                .setAttribute(GenAi.OPERATION, chat ? "chat" : ObservedCall.EMBEDDINGS_OPERATION)
                .setAttribute(GenAi.REQUEST_MODEL, model)
                .setAttribute(GenAi.REQUEST_ID, ctx.requestId())
                .setAttribute(GenAi.KEY_ID, ctx.caller().id())
                .setAttribute(GenAi.LF_TYPE, chat ? "generation" : "embedding"); // Langfuse's type for an embeddings call
        String asked = ctx.attached(CallContext.ASKED_MODEL);
        if (asked != null) builder.setAttribute(GenAi.MODEL_ASKED, SpanText.cut(scrubber.name(asked), SpanText.NAME));
        if (client.parent() != null) builder.setParent(client.parent());
        else builder.setNoParent();
        return client.parent() == null && client.traceId() != null
                ? t.ids().withTraceId(client.traceId(), builder::startSpan) : builder.startSpan();
    }

    /** A child of {@code parent} starting at {@code startNanos} ({@code System.nanoTime}), not yet started. */
    static SpanBuilder childBuilder(Tracing t, String name, long startNanos, Span parent) {
        return t.tracer().spanBuilder(name).setParent(Context.root().with(parent))
                .setStartTimestamp(t.epochNanos(startNanos), TimeUnit.NANOSECONDS);
    }

    /** Ends {@code s} (when there is one) at {@code nanos} ({@code System.nanoTime}). */
    static void end(Tracing t, Span s, long nanos) {
        if (s != null) s.end(t.epochNanos(nanos), TimeUnit.NANOSECONDS);
    }
}
