package dev.switchboard.observe;

import java.util.List;

/**
 * One row of the request log: how a request ended, what it cost, where it went, its trace, and what its key's log
 * policy keeps of the prompt and the completion.
 *
 * @param status       the HTTP status it ended with (200, an error's, 499 when the client left a stream)
 * @param errorMessage the error's message as the client saw it (already scrubbed of provider keys), or null
 * @param cachedTokens prompt tokens a provider's prompt cache served
 * @param traceId      32 hex digits, or null when the call was not traced and the client gave none
 * @param logPolicy    the policy applied ({@code full}, {@code truncated:N}, {@code redacted}, {@code off})
 * @param prompt       the request's messages as JSON text, as the policy keeps them; null for {@code off}
 * @param completion   the answer's text (tool calls as JSON), as the policy keeps it; null for {@code off}
 * @param modelId      the deployment entry that served, or where a failed request's last attempt failed: its
 *                     {@code model_info.id} (LiteLLM's {@code model_id}); "" without one, and for a request no entry
 *                     served or failed (refused before an attempt)
 */
public record RequestLogEntry(String requestId, long startedAt, long endedAt, String keyId, String keyAlias, String callType,
                              String requestedModel, String deployment, String route, String tier, String cacheStatus,
                              int status, String errorType, String errorMessage, long promptTokens, long completionTokens,
                              long cachedTokens, long costNanos, Long latencyMs, Long ttftMs, String traceId, String spanId,
                              String sessionId, String generationName, List<String> tags, String logPolicy, String prompt,
                              String completion, String modelId) {
    public RequestLogEntry {
        tags = tags == null ? List.of() : List.copyOf(tags);
        modelId = modelId == null ? "" : modelId;
    }

    /** A row that names no deployment entry (a served call's is the ledger's, which its row joins). */
    public RequestLogEntry(String requestId, long startedAt, long endedAt, String keyId, String keyAlias, String callType,
                           String requestedModel, String deployment, String route, String tier, String cacheStatus,
                           int status, String errorType, String errorMessage, long promptTokens, long completionTokens,
                           long cachedTokens, long costNanos, Long latencyMs, Long ttftMs, String traceId, String spanId,
                           String sessionId, String generationName, List<String> tags, String logPolicy, String prompt,
                           String completion) {
        this(requestId, startedAt, endedAt, keyId, keyAlias, callType, requestedModel, deployment, route, tier, cacheStatus,
                status, errorType, errorMessage, promptTokens, completionTokens, cachedTokens, costNanos, latencyMs, ttftMs,
                traceId, spanId, sessionId, generationName, tags, logPolicy, prompt, completion, "");
    }

    /** This row with the prompt and completion as the policy keeps them. */
    public RequestLogEntry withContent(String prompt, String completion) {
        return new RequestLogEntry(requestId, startedAt, endedAt, keyId, keyAlias, callType, requestedModel, deployment, route,
                tier, cacheStatus, status, errorType, errorMessage, promptTokens, completionTokens, cachedTokens, costNanos,
                latencyMs, ttftMs, traceId, spanId, sessionId, generationName, tags, logPolicy, prompt, completion, modelId);
    }
}
