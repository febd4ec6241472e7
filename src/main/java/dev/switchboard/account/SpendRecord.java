package dev.switchboard.account;

import java.util.List;

/**
 * One row of the spend ledger: a served call ({@code attempt} 0, cache hits included at their real cost) or a failed
 * attempt before it ({@code attempt} 1, 2, … in order; cost 0), which is how the dashboard shows which provider
 * hiccuped.
 *
 * @param keyId          the caller: a virtual key's id, {@code master} or {@code anonymous}
 * @param callType       {@code chat}, {@code stream} or {@code embedding}
 * @param requestedModel the alias the client asked for
 * @param deployment     the deployment that served (or failed), {@code provider/model}
 * @param route          {@code primary} or {@code fallback:<reason>}
 * @param tier           the auto alias's decision and reason, or null
 * @param cacheStatus    {@code miss}, {@code hit-exact}, {@code hit-semantic}
 * @param usageEstimated true when the provider reported no usage (a stream cut short): tokens are the gateway's estimate
 * @param costNanos      what the call cost, in nano-dollars
 * @param savedNanos     what a cache hit saved (0 otherwise)
 * @param priced         false when the deployment has no price (its cost is 0 and reported as unpriced)
 * @param ttftMs         time to the first streamed token, or null
 * @param status         the HTTP status the call ended with (200, or the error's)
 * @param errorType      the error's type, or null
 * @param latencyMs      the row's own time, from {@code startedAt} to {@code endedAt}: a served call's is the request's,
 *                       what its client waited (retries and fallbacks included), a failed attempt's is that attempt's
 * @param team           the team the call counts for: the one that governed it, else its caller's first team label (a
 *                       key's {@code team_id} naming no stored team); null for the master key's and admins' calls
 * @param upstreamMs     the time of the upstream call the row stands for, from that attempt's start to its end (a stream's
 *                       last byte): on a served call's row the attempt that served, without the failed attempts and the
 *                       waits before it; a failed attempt's equals its latency. Null where no upstream call served (a
 *                       cache hit, a call refused or blocked before one) and on rows written before migration V21
 * @param modelId        the deployment entry that served (or failed): its {@code model_info.id} (LiteLLM's
 *                       {@code model_id}), which tells apart two entries of one {@code provider/model}; "" when the
 *                       entry has none, on a cache hit, a call no attempt served, and rows written before migration V23
 */
public record SpendRecord(String requestId, int attempt, long startedAt, long endedAt, String keyId, String keyAlias,
                          String endUser, String callType, String requestedModel, String deployment, String route, String tier,
                          String cacheStatus, long promptTokens, long completionTokens, long cacheReadTokens,
                          long cacheWriteTokens, long reasoningTokens, boolean usageEstimated, long costNanos, long savedNanos,
                          boolean priced, Long latencyMs, Long ttftMs, int status, String errorType, List<String> tags,
                          String team, Long upstreamMs, String modelId) {
    public SpendRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
        modelId = modelId == null ? "" : modelId;
    }

    /** A row that does not name its deployment entry (seeded rows, and rows before migration V23). */
    public SpendRecord(String requestId, int attempt, long startedAt, long endedAt, String keyId, String keyAlias,
                       String endUser, String callType, String requestedModel, String deployment, String route, String tier,
                       String cacheStatus, long promptTokens, long completionTokens, long cacheReadTokens,
                       long cacheWriteTokens, long reasoningTokens, boolean usageEstimated, long costNanos, long savedNanos,
                       boolean priced, Long latencyMs, Long ttftMs, int status, String errorType, List<String> tags,
                       String team, Long upstreamMs) {
        this(requestId, attempt, startedAt, endedAt, keyId, keyAlias, endUser, callType, requestedModel, deployment, route, tier,
                cacheStatus, promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, usageEstimated,
                costNanos, savedNanos, priced, latencyMs, ttftMs, status, errorType, tags, team, upstreamMs, "");
    }

    /** A row that does not say its upstream call's own time (seeded and older rows: the latency rollup takes latencyMs). */
    public SpendRecord(String requestId, int attempt, long startedAt, long endedAt, String keyId, String keyAlias,
                       String endUser, String callType, String requestedModel, String deployment, String route, String tier,
                       String cacheStatus, long promptTokens, long completionTokens, long cacheReadTokens,
                       long cacheWriteTokens, long reasoningTokens, boolean usageEstimated, long costNanos, long savedNanos,
                       boolean priced, Long latencyMs, Long ttftMs, int status, String errorType, List<String> tags,
                       String team) {
        this(requestId, attempt, startedAt, endedAt, keyId, keyAlias, endUser, callType, requestedModel, deployment, route, tier,
                cacheStatus, promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, usageEstimated,
                costNanos, savedNanos, priced, latencyMs, ttftMs, status, errorType, tags, team, null, "");
    }

    /** A row of no team. */
    public SpendRecord(String requestId, int attempt, long startedAt, long endedAt, String keyId, String keyAlias,
                       String endUser, String callType, String requestedModel, String deployment, String route, String tier,
                       String cacheStatus, long promptTokens, long completionTokens, long cacheReadTokens,
                       long cacheWriteTokens, long reasoningTokens, boolean usageEstimated, long costNanos, long savedNanos,
                       boolean priced, Long latencyMs, Long ttftMs, int status, String errorType, List<String> tags) {
        this(requestId, attempt, startedAt, endedAt, keyId, keyAlias, endUser, callType, requestedModel, deployment, route, tier,
                cacheStatus, promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, usageEstimated,
                costNanos, savedNanos, priced, latencyMs, ttftMs, status, errorType, tags, null, null, "");
    }
}
