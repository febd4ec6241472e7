package dev.switchboard.edge.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.account.SpendReports;
import java.math.BigDecimal;
import java.time.Instant;

/** Ledger rows and report groups as the spend routes answer them (LiteLLM's names where it has them). */
public final class SpendJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private SpendJson() {}

    public static ObjectNode row(SpendRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("request_id", r.requestId());
        o.put("attempt", r.attempt());
        o.put("call_type", r.callType());
        o.put("key_id", r.keyId());
        o.put("key_alias", r.keyAlias());
        o.put("model", r.requestedModel());
        o.put("deployment", r.deployment());
        // the deployment entry that served or failed: its model_info.id, LiteLLM's model_id ("" without one)
        o.put("model_id", r.modelId());
        o.put("route", r.route());
        o.put("tier", r.tier());
        o.put("cache_status", r.cacheStatus());
        // LiteLLM's SpendLogs column, kept there as the string "True" / "False" (its UI and scripts filter on it): a hit of
        // either cache
        o.put("cache_hit", r.cacheStatus() != null && r.cacheStatus().startsWith("hit") ? "True" : "False");
        o.put("startTime", Instant.ofEpochMilli(r.startedAt()).toString());
        o.put("endTime", Instant.ofEpochMilli(r.endedAt()).toString());
        o.put("spend", usd(r.costNanos()));
        o.put("saved", usd(r.savedNanos()));
        o.put("priced", r.priced());
        o.put("prompt_tokens", r.promptTokens());
        o.put("completion_tokens", r.completionTokens());
        o.put("total_tokens", r.promptTokens() + r.completionTokens());
        o.put("cache_read_tokens", r.cacheReadTokens());
        o.put("cache_write_tokens", r.cacheWriteTokens());
        o.put("reasoning_tokens", r.reasoningTokens());
        o.put("usage_estimated", r.usageEstimated());
        if (r.latencyMs() == null) o.putNull("latency_ms"); else o.put("latency_ms", r.latencyMs());
        // the upstream call's own time (a served row's latency_ms is the request's, fallbacks and retries included)
        if (r.upstreamMs() == null) o.putNull("upstream_ms"); else o.put("upstream_ms", r.upstreamMs());
        if (r.ttftMs() == null) o.putNull("ttft_ms"); else o.put("ttft_ms", r.ttftMs());
        o.put("status", r.status());
        o.put("error_type", r.errorType());
        o.put("end_user", r.endUser());
        var tags = o.putArray("request_tags");
        r.tags().forEach(tags::add);
        return o;
    }

    /**
     * LiteLLM's names for what a row already says, for tools written against its {@code /spend/logs/v2}: {@code api_key}
     * (the key's token hash, as LiteLLM stores it; null for the master key or a deleted key), {@code user} and
     * {@code team_id} (from the call's {@code user:} / {@code team:} tags), {@code model_group} (the alias asked for),
     * {@code metadata.user_api_key_alias}.
     */
    static void addLiteLlmFields(ObjectNode o, SpendRecord r, String token) {
        o.put("api_key", token);
        o.put("user", tagValue(r, "user:"));
        o.put("team_id", r.team() != null ? r.team() : tagValue(r, "team:")); // the team the call counts for
        o.put("model_group", r.requestedModel());
        o.putObject("metadata").put("user_api_key_alias", r.keyAlias());
    }

    private static String tagValue(SpendRecord r, String prefix) {
        for (String t : r.tags()) if (t.startsWith(prefix)) return t.substring(prefix.length());
        return null;
    }

    /** @param key the key's name now (its group's key id, current or last alias, deleted); null unless by key */
    static ObjectNode total(SpendReports.Total t, SpendReports.GroupBy by, KeyLabel key) {
        ObjectNode o = JSON.createObjectNode();
        o.put("group", t.group());
        if (t.modelId() != null) o.put("model_id", t.modelId()); // by model: the entry's model_info.id ("" without one)
        if (by == SpendReports.GroupBy.KEY) {
            o.put("key_alias", key.aliasOrNull());
            o.put("deleted", key.deleted());
        }
        o.put("spend", usd(t.costNanos()));
        o.put("requests", t.requests());
        o.put("failed_attempts", t.failedAttempts());
        o.put("prompt_tokens", t.promptTokens());
        o.put("completion_tokens", t.completionTokens());
        o.put("cache_read_tokens", t.cacheReadTokens());
        o.put("unpriced_requests", t.unpricedRequests());
        return o;
    }

    /** Nano-dollars as an exact decimal number of US dollars. */
    static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }
}
