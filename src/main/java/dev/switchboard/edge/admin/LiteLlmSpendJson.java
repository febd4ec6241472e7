package dev.switchboard.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.SpendReports;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The ledger's totals in the shapes LiteLLM's spend routes answer, field for field, for the scripts and dashboards
 * written against them ({@code /spend/tags}, {@code /global/spend*}, {@code /spend/logs?summarize=true}). Money is US
 * dollars as exact decimals, as on every spend route. A key is shown as LiteLLM stores it, by its token hash
 * ({@code api_key}); the master key and a deleted key have none, so their {@code api_key} is their key id.
 */
final class LiteLlmSpendJson {
    private LiteLlmSpendJson() {}

    /** {@code /spend/tags}: {@code [{individual_request_tag, log_count, total_spend}]}, the most expensive first. */
    static ArrayNode tagRows(List<SpendReports.Total> byTag) {
        ArrayNode out = SpendJson.JSON.createArrayNode();
        for (SpendReports.Total t : byTag) {
            out.addObject().put("individual_request_tag", t.group()).put("log_count", t.requests())
                    .put("total_spend", SpendJson.usd(t.costNanos()));
        }
        return out;
    }

    /** {@code /global/spend/tags}: {@code {"spend_per_tag": [{name, spend, log_count}]}}, only {@code wanted} (null: all). */
    static ObjectNode spendPerTag(List<SpendReports.Total> byTag, Set<String> wanted) {
        ObjectNode out = SpendJson.JSON.createObjectNode();
        ArrayNode tags = out.putArray("spend_per_tag");
        for (SpendReports.Total t : byTag) {
            if (wanted != null && !wanted.contains(t.group())) continue;
            tags.addObject().put("name", t.group()).put("spend", SpendJson.usd(t.costNanos())).put("log_count", t.requests());
        }
        return out;
    }

    /**
     * {@code /global/spend}: {@code {"spend", "max_budget"}}, the spend of the last 30 days; {@code max_budget} is the
     * proxy-wide budget ({@code litellm_settings.max_budget}) as LiteLLM answers it, null when none is configured.
     *
     * @param maxBudgetNanos the global budget's cap, or null
     */
    static ObjectNode globalSpend(List<SpendReports.Total> byDay, Long maxBudgetNanos) {
        long spend = 0;
        for (SpendReports.Total t : byDay) spend += t.costNanos();
        ObjectNode out = SpendJson.JSON.createObjectNode();
        out.put("spend", SpendJson.usd(spend));
        if (maxBudgetNanos == null) out.putNull("max_budget");
        else out.put("max_budget", SpendJson.usd(maxBudgetNanos));
        return out;
    }

    /** {@code /global/spend/logs}: {@code [{date, spend}]} in date order, each with {@code api_key} when one key's. */
    static ArrayNode daily(List<SpendReports.Total> byDay, String apiKey) {
        ArrayNode out = SpendJson.JSON.createArrayNode();
        byDay.stream().sorted(Comparator.comparing(SpendReports.Total::group)).forEach(t -> {
            ObjectNode day = out.addObject().put("date", t.group()).put("spend", SpendJson.usd(t.costNanos()));
            if (apiKey != null) day.put("api_key", apiKey);
        });
        return out;
    }

    /**
     * {@code /global/spend/keys}: {@code [{api_key, key_alias, key_name, total_spend}]}, the most expensive first, at most
     * {@code limit} (null: all); each also with Switchboard's {@code key_id}, the one name a deleted key keeps. The alias
     * is the key's current one (LiteLLM joins its key table for it), a deleted key's the last it had.
     */
    static ArrayNode topKeys(List<SpendReports.Total> byKey, Integer limit, Function<String, String> token,
                             Function<String, String> keyName, Function<SpendReports.Total, String> currentAlias) {
        ArrayNode out = SpendJson.JSON.createArrayNode();
        for (SpendReports.Total t : byKey) {
            if (limit != null && out.size() >= limit) break;
            String hash = token.apply(t.group());
            out.addObject().put("api_key", hash != null ? hash : t.group()).put("key_alias", currentAlias.apply(t))
                    .put("key_name", keyName.apply(t.group())).put("total_spend", SpendJson.usd(t.costNanos()))
                    .put("key_id", t.group());
        }
        return out;
    }

    /** {@code /global/spend/models}: {@code [{model, total_spend}]}, the deployment that served, the most expensive first. */
    static ArrayNode topModels(List<SpendReports.Total> byModel, int limit) {
        ArrayNode out = SpendJson.JSON.createArrayNode();
        for (SpendReports.Total t : byModel) {
            if (out.size() >= limit) break;
            if (t.group().equals("(none)")) continue; // LiteLLM's view leaves out rows without a model (model != '')
            out.addObject().put("model", t.group()).put("total_spend", SpendJson.usd(t.costNanos()));
        }
        return out;
    }

    /**
     * LiteLLM's day summaries of {@code /spend/logs?summarize=true&start_date=…&end_date=…}: one object a day,
     * {@code {"startTime": date, "spend", "users": {user: spend}, "models": {model: spend}, <api_key>: spend, …}}, each
     * day after the last one with spend up to {@code end_date} listed at zero, as LiteLLM fills them.
     */
    static ArrayNode daySummaries(List<SpendReports.DayShare> shares, TimeRange range, Function<String, String> token) {
        Map<String, ObjectNode> days = new java.util.TreeMap<>();
        Map<String, String> hashes = new java.util.HashMap<>();
        for (SpendReports.DayShare s : shares) {
            ObjectNode day = days.computeIfAbsent(s.day(), d -> emptyDay(d));
            add(day, "spend", s.costNanos());
            String hash = hashes.computeIfAbsent(s.keyId(), id -> {
                String t = token.apply(id);
                return t != null ? t : id;
            });
            add(day, hash, s.costNanos());
            add((ObjectNode) day.get("users"), s.user() == null ? "null" : s.user(), s.costNanos());
            add((ObjectNode) day.get("models"), s.model(), s.costNanos());
        }
        ArrayNode out = SpendJson.JSON.createArrayNode();
        days.values().forEach(out::add);
        if (!days.isEmpty() && range.toMillis() != null) {
            java.time.LocalDate last = java.time.LocalDate.parse(((java.util.TreeMap<String, ObjectNode>) days).lastKey());
            // the range's end is exclusive (end_date's day is included: TimeRange)
            java.time.LocalDate end = java.time.Instant.ofEpochMilli(range.toMillis() - 1).atZone(java.time.ZoneOffset.UTC).toLocalDate();
            for (java.time.LocalDate d = last.plusDays(1); !d.isAfter(end); d = d.plusDays(1)) out.add(emptyDay(d.toString()));
        }
        return out;
    }

    private static ObjectNode emptyDay(String day) {
        ObjectNode o = SpendJson.JSON.createObjectNode();
        o.put("startTime", day);
        o.put("spend", SpendJson.usd(0));
        o.putObject("users");
        o.putObject("models");
        return o;
    }

    private static void add(ObjectNode o, String field, long nanos) {
        JsonNode had = o.get(field);
        java.math.BigDecimal sum = SpendJson.usd(nanos);
        if (had != null && had.isNumber()) sum = sum.add(had.decimalValue());
        o.put(field, sum.stripTrailingZeros());
    }
}
