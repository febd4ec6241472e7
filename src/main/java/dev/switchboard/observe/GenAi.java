package dev.switchboard.observe;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Span attribute names: OpenTelemetry's GenAI semantic conventions, Langfuse's (so Langfuse shows each call as a
 * generation with model, tokens, cost, input and output), and Switchboard's own.
 */
final class GenAi {
    private GenAi() {}

    // OpenTelemetry GenAI semantic conventions
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    /** The upstream's own id of the answer, when the client got another ({@code resp_…}, {@code msg_…}). */
    static final AttributeKey<String> UPSTREAM_RESPONSE_ID = AttributeKey.stringKey("switchboard.upstream_response_id");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> CACHE_CREATION_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("gen_ai.conversation.id");
    /** An embeddings request's {@code dimensions}, when it asked for some. */
    static final AttributeKey<Long> EMBEDDINGS_DIMENSIONS = AttributeKey.longKey("gen_ai.embeddings.dimension.count");
    /** An embeddings request's {@code encoding_format}, when it named one. */
    static final AttributeKey<List<String>> ENCODING_FORMATS = AttributeKey.stringArrayKey("gen_ai.request.encoding_formats");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("session.id");
    static final AttributeKey<String> USER_ID = AttributeKey.stringKey("user.id");

    // Langfuse
    static final AttributeKey<String> LF_TYPE = AttributeKey.stringKey("langfuse.observation.type");
    /**
     * {@link #LF_TYPE} of every span under the root that carries GenAI attributes (an attempt, the route stage): Langfuse
     * types an observation by this attribute first, and only without it by {@code gen_ai.operation.name} ({@code chat} →
     * generation, {@code embeddings} → embedding) or by any {@code gen_ai.request.model}, which would make each attempt a
     * second generation of the call without usage or cost. The GenAI attributes stay for other OpenTelemetry consumers.
     */
    static final String LF_SPAN = "span";
    static final AttributeKey<String> LF_MODEL = AttributeKey.stringKey("langfuse.observation.model.name");
    static final AttributeKey<String> LF_USAGE = AttributeKey.stringKey("langfuse.observation.usage_details");
    static final AttributeKey<String> LF_COST = AttributeKey.stringKey("langfuse.observation.cost_details");
    /** A stream's first token, as an ISO-8601 instant: Langfuse's time to first token for the generation. */
    static final AttributeKey<String> LF_COMPLETION_START = AttributeKey.stringKey("langfuse.observation.completion_start_time");
    static final AttributeKey<String> LF_INPUT = AttributeKey.stringKey("langfuse.observation.input");
    static final AttributeKey<String> LF_OUTPUT = AttributeKey.stringKey("langfuse.observation.output");
    static final AttributeKey<String> LF_LEVEL = AttributeKey.stringKey("langfuse.observation.level");
    static final AttributeKey<String> LF_STATUS_MESSAGE = AttributeKey.stringKey("langfuse.observation.status_message");
    static final AttributeKey<String> LF_SESSION = AttributeKey.stringKey("langfuse.session.id");
    static final AttributeKey<String> LF_TRACE_NAME = AttributeKey.stringKey("langfuse.trace.name");
    static final AttributeKey<List<String>> LF_TRACE_TAGS = AttributeKey.stringArrayKey("langfuse.trace.tags");
    static final AttributeKey<String> LF_USER = AttributeKey.stringKey("langfuse.user.id");

    // Switchboard
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("switchboard.request_id");
    static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("switchboard.key_id");
    static final AttributeKey<String> KEY_ALIAS = AttributeKey.stringKey("switchboard.key_alias");
    /** The model the client named when its key's own alias sent the call to another ({@code gen_ai.request.model}) */
    static final AttributeKey<String> MODEL_ASKED = AttributeKey.stringKey("switchboard.model_asked");
    static final AttributeKey<List<String>> TAGS = AttributeKey.stringArrayKey("switchboard.tags");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("switchboard.route");
    static final AttributeKey<String> TIER = AttributeKey.stringKey("switchboard.tier");
    static final AttributeKey<String> CACHE = AttributeKey.stringKey("switchboard.cache");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("switchboard.cost_usd");
    static final AttributeKey<Double> SAVED = AttributeKey.doubleKey("switchboard.saved_usd");
    static final AttributeKey<Long> CACHED_TOKENS = AttributeKey.longKey("switchboard.cached_tokens");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("switchboard.deployment");
    static final AttributeKey<String> ALIAS = AttributeKey.stringKey("switchboard.alias");
    /** An attempt's deployment entry: its {@code model_info.id} (LiteLLM's {@code model_id}), set or generated. */
    static final AttributeKey<String> MODEL_ID = AttributeKey.stringKey("switchboard.model_id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("switchboard.attempt");
    static final AttributeKey<String> ATTEMPT_REASON = AttributeKey.stringKey("switchboard.attempt.reason");
    static final AttributeKey<Double> LATENCY_MS = AttributeKey.doubleKey("switchboard.latency_ms");
    static final AttributeKey<Double> TTFT_MS = AttributeKey.doubleKey("switchboard.ttft_ms");
    static final AttributeKey<Long> CHUNKS = AttributeKey.longKey("switchboard.stream.chunks");
    static final AttributeKey<String> LOG_POLICY = AttributeKey.stringKey("switchboard.log_policy");
}
