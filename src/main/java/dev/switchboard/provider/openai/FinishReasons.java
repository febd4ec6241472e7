package dev.switchboard.provider.openai;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The finish reasons OpenAI-compatible servers write besides OpenAI's five, in the gateway's vocabulary: one table,
 * read only for a word that is not OpenAI's (the decoders match OpenAI's own without building a String).
 *
 * <ul>
 *   <li>a cut answer is {@code length} (OpenAI {@code length}, Anthropic {@code max_tokens}, Responses
 *       {@code incomplete}): Mistral's {@code model_length} (cut by the model's context length);</li>
 *   <li>a failed generation is an error, never an answer ({@link Failed}): Mistral's and OpenRouter's {@code error},
 *       DeepSeek's {@code insufficient_system_resource} ("the request is interrupted due to insufficient resource of
 *       the inference system"). A whole answer becomes a retryable 502 (503 for DeepSeek's lack
 *       of capacity), so the router retries or falls back; a stream that has begun ends with an error event and no
 *       {@code [DONE]}, as any stream that breaks does;</li>
 *   <li>a reason no server in this table writes is taken as {@code stop}, as LiteLLM's {@code map_finish_reason}
 *       takes it ("Unmapped finish_reason, defaulting to 'stop'"), logged once per word. Most such words are another
 *       server's name for a normal end (Cohere's {@code COMPLETE}, Gemini's {@code STOP} or
 *       {@code FINISH_REASON_UNSPECIFIED} through an OpenAI-compatible front), and {@code length} is not a harmless
 *       "may be incomplete": clients act on it (openai-python's {@code parse()} raises {@code LengthFinishReasonError}
 *       and drops the answer, Claude Code reads Anthropic's {@code max_tokens} as an answer cut at its limit, a
 *       Responses client gets {@code incomplete}). The words that do mean a cut or a filtered answer are in the
 *       table, matched in any case, LiteLLM's among them.</li>
 * </ul>
 */
final class FinishReasons {
    private static final Logger log = LoggerFactory.getLogger(FinishReasons.class);
    /** The unknown words already logged, at most {@link #LOGGED_MAX}: a server sending a new word each time cannot flood. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    private static final int LOGGED_MAX = 64;

    private FinishReasons() {}

    /** Other servers' words for OpenAI's reasons, lower-case (a word is looked up as written, then lower-cased). */
    private static final Map<String, FinishReason> ALIASES = Map.ofEntries(
            Map.entry("eos", FinishReason.STOP), // llama.cpp-style servers
            Map.entry("eos_token", FinishReason.STOP), // Hugging Face TGI
            Map.entry("end_turn", FinishReason.STOP), Map.entry("stop_sequence", FinishReason.STOP), // Anthropic's words
            Map.entry("max_tokens", FinishReason.LENGTH),
            Map.entry("model_length", FinishReason.LENGTH), // Mistral: the model's context length was reached
            Map.entry("model_context_window_exceeded", FinishReason.LENGTH),
            Map.entry("tool_use", FinishReason.TOOL_CALLS),
            Map.entry("content_filtered", FinishReason.CONTENT_FILTER),
            // Gemini's reasons as some OpenAI-compatible fronts pass them on, lower-cased: a stop for safety or for
            // reciting its training data is a filtered answer, not a cut one
            Map.entry("safety", FinishReason.CONTENT_FILTER), Map.entry("recitation", FinishReason.CONTENT_FILTER),
            // the rest of LiteLLM's map_finish_reason words that are not a normal stop (Gemini's, upper-case there,
            // Cohere's, Zhipu's, Bedrock's, Anthropic's refusal): each keeps its meaning rather than reading as a stop
            Map.entry("blocklist", FinishReason.CONTENT_FILTER), Map.entry("prohibited_content", FinishReason.CONTENT_FILTER),
            Map.entry("spii", FinishReason.CONTENT_FILTER), Map.entry("language", FinishReason.CONTENT_FILTER),
            Map.entry("image_safety", FinishReason.CONTENT_FILTER), Map.entry("image_prohibited_content", FinishReason.CONTENT_FILTER),
            Map.entry("image_recitation", FinishReason.CONTENT_FILTER), Map.entry("error_toxic", FinishReason.CONTENT_FILTER),
            Map.entry("sensitive", FinishReason.CONTENT_FILTER), Map.entry("guardrail_intervened", FinishReason.CONTENT_FILTER),
            Map.entry("refusal", FinishReason.CONTENT_FILTER));

    /** The words for a generation that failed, and the kind of failure each is. */
    private static final Map<String, ErrorKind> FAILURES = Map.of(
            "error", ErrorKind.UPSTREAM, // Mistral, OpenRouter
            "abort", ErrorKind.UPSTREAM, // vLLM: the server aborted the request mid-generation
            "insufficient_system_resource", ErrorKind.UNAVAILABLE); // DeepSeek: out of capacity, as a 503 is

    /** A finish reason that says the generation failed: the answer must not reach the client as one. */
    static final class Failed extends IOException {
        final String reason;

        Failed(String reason) {
            super("finish_reason " + reason, null);
            this.reason = reason;
        }

        /** The caller-facing error, naming the deployment and the server's word. */
        GatewayException error(String deploymentId) {
            return GatewayException.of(FAILURES.get(reason), "Upstream " + deploymentId + " ended its answer with finish_reason '"
                    + reason + "': the generation failed and the answer is incomplete, so it is not passed off as one.");
        }
    }

    /**
     * @param wire a finish reason as the server wrote it; null for none
     * @return the gateway's reason: OpenAI's own, an alias (in any case), or {@code stop} for a word not in the table
     * @throws Failed when the word says the generation failed
     */
    static FinishReason of(String wire) throws Failed {
        if (wire == null) return null;
        for (FinishReason r : FinishReason.values()) if (r.wire().equals(wire)) return r;
        FinishReason alias = ALIASES.get(wire);
        if (alias != null) return alias;
        if (FAILURES.containsKey(wire)) throw new Failed(wire);
        alias = ALIASES.get(wire.toLowerCase(Locale.ROOT));
        if (alias != null) return alias;
        if (LOGGED.size() < LOGGED_MAX && LOGGED.add(wire)) {
            log.warn("An upstream answer ended with finish_reason '{}', which the gateway does not know: taken as 'stop', "
                    + "as LiteLLM takes it (logged once per word)", dev.switchboard.model.LogSafe.text(wire.length() > 64 ? wire.substring(0, 64) : wire));
        }
        return FinishReason.STOP;
    }
}
