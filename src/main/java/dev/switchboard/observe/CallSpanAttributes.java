package dev.switchboard.observe;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.List;

/**
 * Groups of the attributes {@link ObservedCall} puts on its spans: a provider attempt's, and the root's when the call
 * ends (its caller and client, its request's sampling parameters, its priced outcome), each from what the call holds.
 * Static: the call passes what it has, and nothing is made for it but the attributes themselves.
 */
final class CallSpanAttributes {
    private CallSpanAttributes() {}

    /** Who called and what the client said of its trace: key alias, tags, session, Langfuse's trace name. */
    static void caller(Span s, String keyAlias, List<String> tags, ClientTrace client) {
        if (keyAlias != null) s.setAttribute(GenAi.KEY_ALIAS, keyAlias);
        if (!tags.isEmpty()) s.setAttribute(GenAi.TAGS, tags).setAttribute(GenAi.LF_TRACE_TAGS, tags);
        if (client.sessionId() != null) {
            s.setAttribute(GenAi.SESSION_ID, client.sessionId()).setAttribute(GenAi.LF_SESSION, client.sessionId())
                    .setAttribute(GenAi.CONVERSATION_ID, client.sessionId());
        }
        if (client.traceName() != null && client.parent() == null) s.setAttribute(GenAi.LF_TRACE_NAME, client.traceName());
    }

    /** A chat request's sampling parameters the GenAI conventions name (max tokens, temperature, top_p). */
    static void sampling(Span s, ChatRequest request) {
        Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        if (maxTokens != null) s.setAttribute(GenAi.MAX_TOKENS, (long) maxTokens);
        if (request.temperature() != null) s.setAttribute(GenAi.TEMPERATURE, request.temperature());
        if (request.topP() != null) s.setAttribute(GenAi.TOP_P, request.topP());
    }

    /** An embeddings request's dimensions and encoding format. */
    static void embeddings(Span s, EmbeddingRequest embedding) {
        if (embedding.dimensions() != null) s.setAttribute(GenAi.EMBEDDINGS_DIMENSIONS, (long) embedding.dimensions());
        if (embedding.encodingFormat() != null) s.setAttribute(GenAi.ENCODING_FORMATS, List.of(embedding.encodingFormat()));
    }

    /** An embeddings call's usage: input tokens only (the GenAI conventions' embeddings span: no output, no cache). */
    static void embeddingsUsage(Span s, CallOutcome o) {
        s.setAttribute(GenAi.INPUT_TOKENS, o.promptTokens()).setAttribute(GenAi.COST, o.costNanos() / 1e9);
        s.setAttribute(GenAi.LF_USAGE, "{\"input\":" + o.promptTokens() + ",\"total\":" + o.promptTokens() + "}");
        s.setAttribute(GenAi.LF_COST, lfCost(o.costNanos()));
    }

    /**
     * A chat call's usage, cost, savings and time to first token, with Langfuse's usage and cost.
     *
     * @param served        the deployment that served (the answer's, else the outcome's), or null
     * @param responseModel the model the answer named, or null
     */
    static void usage(Span s, CallOutcome o, String served, String responseModel, SpanNames names) {
        s.setAttribute(GenAi.INPUT_TOKENS, o.promptTokens()).setAttribute(GenAi.OUTPUT_TOKENS, o.completionTokens())
                .setAttribute(GenAi.CACHED_TOKENS, o.cacheReadTokens()).setAttribute(GenAi.CACHE_READ_TOKENS, o.cacheReadTokens())
                .setAttribute(GenAi.COST, o.costNanos() / 1e9);
        if (o.cacheWriteTokens() > 0) s.setAttribute(GenAi.CACHE_CREATION_TOKENS, o.cacheWriteTokens());
        if (o.savedNanos() > 0) s.setAttribute(GenAi.SAVED, o.savedNanos() / 1e9);
        if (o.ttftMs() != null) s.setAttribute(GenAi.TTFT_MS, (double) o.ttftMs());
        // Langfuse's usage keys: the prompt's cache reads and writes apart from the rest of its input, the reads
        // under the key Langfuse's prices of the serving model's family use (LangfuseUsage)
        String lfModel = responseModel != null || served == null ? responseModel : names.deployment(served).model();
        s.setAttribute(GenAi.LF_USAGE, LangfuseUsage.json(lfModel, served, o.promptTokens(), o.completionTokens(),
                o.cacheReadTokens(), o.cacheWriteTokens()));
        // the ledger's nano-dollars as plain dollars, without a BigDecimal (the same text: PlainDecimalTest)
        s.setAttribute(GenAi.LF_COST, lfCost(o.costNanos()));
    }

    /**
     * A provider attempt's span, its attributes on the builder (it is started and ended at once, so every attribute goes
     * there: one map filled before the span exists, not a lock taken on the live span for each); the caller adds the
     * HTTP status and starts it.
     */
    static SpanBuilder attempt(SpanBuilder b, String operation, SpanNames.Deployment d, String deployment, String alias,
                               int ordinal, String reason, long latencyNanos) {
        return b.setSpanKind(SpanKind.CLIENT) // a call to a remote model: the GenAI conventions' kind for an inference span
                .setAttribute(GenAi.OPERATION, operation)
                .setAttribute(GenAi.PROVIDER, d.provider())
                .setAttribute(GenAi.REQUEST_MODEL, d.model())
                .setAttribute(GenAi.DEPLOYMENT, deployment)
                .setAttribute(GenAi.ALIAS, alias)
                .setAttribute(GenAi.ATTEMPT, (long) ordinal)
                .setAttribute(GenAi.ATTEMPT_REASON, reason)
                .setAttribute(GenAi.LATENCY_MS, latencyNanos / 1e6)
                .setAttribute(GenAi.LF_TYPE, GenAi.LF_SPAN); // the root is the call's one generation: see GenAi.LF_SPAN
    }

    /** Langfuse's cost attribute, {@code {"total":<dollars>}}: the ledger's nano-dollars as plain dollars, in one builder. */
    static String lfCost(long nanos) {
        return dev.switchboard.model.PlainDecimal.appendNanos(new StringBuilder(32).append("{\"total\":"), nanos).append('}').toString();
    }
}
