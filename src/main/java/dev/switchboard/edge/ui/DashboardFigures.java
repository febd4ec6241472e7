package dev.switchboard.edge.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.LatencyBuckets;
import dev.switchboard.account.SpendRollups;
import dev.switchboard.account.SpendRollups.Daily;
import dev.switchboard.pipeline.Gateway;
import java.math.BigDecimal;
import java.time.LocalDate;
import dev.switchboard.edge.admin.KeyLabel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every figure of the dashboard's overview, from the daily rollups only (a few thousand rows at most, whatever the
 * ledger holds): spend per app per day, month-to-date spend per key against its budget, the cache per layer, the share
 * of each app's traffic a fallback served, provider errors per day, latency per model. Days are UTC. Money is sent
 * twice: exact nano-dollars (integers, for checks) and US dollars (for the charts). Blocking: run on a worker.
 */
final class DashboardFigures {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The router's cooldown counter ({@code RouterMetrics.COOLDOWNS}; the edge may not import {@code route}). */
    private static final String COOLDOWNS = "switchboard.cooldowns";

    /** Deployment entries by deployment name, then id. */
    private static final java.util.Comparator<SpendRollups.Entry> ENTRY_ORDER =
            java.util.Comparator.comparing(SpendRollups.Entry::deployment).thenComparing(SpendRollups.Entry::modelId);

    private final Gateway gateway;

    DashboardFigures(Gateway gateway) { this.gateway = gateway; }

    /** The overview of the {@code days} UTC days up to and including today's. */
    ObjectNode overview(int days, long nowMillis) {
        long today = SpendRollups.dayOf(nowMillis);
        long from = today - days + 1;
        LocalDate monthStart = LocalDate.ofEpochDay(today).withDayOfMonth(1);
        long firstDay = Math.min(from, monthStart.toEpochDay());
        SpendRollups rollups = gateway.rollups();
        List<Daily> all = rollups.daily(firstDay, today + 1);
        List<Daily> rows = all.stream().filter(d -> d.day() >= from).toList();

        ObjectNode out = JSON.createObjectNode();
        out.put("generated_at", java.time.Instant.ofEpochMilli(nowMillis).toString());
        ArrayNode dayList = out.putArray("days");
        for (long d = from; d <= today; d++) dayList.add(LocalDate.ofEpochDay(d).toString());
        AppLabels apps = new AppLabels(gateway.keys(), all);
        out.set("totals", totals(rows));
        out.set("spend_by_app", spendByApp(rows, from, days, apps));
        // the request log's refused and failed requests of the last `days` x 24 h, per key: they have no ledger row, so
        // no rollup. The window of the count's link (the Requests view's since=30d: now - 720 h), not the rollups' UTC
        // days: counted from UTC midnight 29 days ago, a count could exceed the rows its link then listed
        var refused = gateway.refusedByKey(refusedFrom(days, nowMillis), nowMillis + 1);
        out.set("keys", keys(all, monthStart.toEpochDay(), apps, refusedPerKey(refused), gateway.refusingKeyBudgets()));
        out.set("refused", RefusedFigure.of(refused, gateway.keys(), gateway.requestLogEnabled()));
        out.set("cache", cache(rows));
        out.set("fallback", fallbackShare(rows, apps));
        out.set("errors", errors(rollups.entryDaily(from, today + 1), from, days));
        out.set("latency", latency(rollups.latency(from, today + 1)));
        out.put("month_start", monthStart.toString());
        out.set("global_budget", GlobalBudgetFigure.of(gateway.globalBudget()));
        return out;
    }

    /** Where the overview's refused counts start: {@code days} x 24 h before now, as the Requests view's {@code since=Nd}. */
    static long refusedFrom(int days, long nowMillis) { return nowMillis - days * 86_400_000L; }

    /** Each app's entry names its key: {@code app} (the name shown), {@code key_id} and whether the key is deleted. */
    private static void putApp(ObjectNode o, KeyLabel key) {
        o.put("app", key.app());
        o.put("key_id", key.keyId());
        o.put("deleted", key.deleted());
    }

    private static ObjectNode totals(List<Daily> rows) {
        long cost = 0, served = 0, failed = 0, fallbacks = 0, saved = 0;
        for (Daily d : rows) {
            cost += d.costNanos();
            saved += d.savedNanos();
            if (d.failed()) {
                if (d.failedAttempt()) failed += d.requests(); // a client's leaving (499) is no provider's failure
            } else {
                served += d.requests();
                if (d.route().startsWith("fallback")) fallbacks += d.requests();
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("spend_nanos", cost);
        o.put("spend_usd", usd(cost));
        o.put("requests", served);
        o.put("failed_attempts", failed);
        o.put("fallbacks", fallbacks);
        o.put("cache_saved_nanos", saved);
        return o;
    }

    /** Spend per app per day: an app is a key (by id), named as it is called now ({@link AppLabels}), in name order. */
    private static ObjectNode spendByApp(List<Daily> rows, long from, int days, AppLabels labels) {
        Map<String, long[]> cost = new HashMap<>();
        Map<String, long[]> requests = new HashMap<>();
        for (Daily d : rows) {
            int i = (int) (d.day() - from);
            cost.computeIfAbsent(d.keyId(), a -> new long[days])[i] += d.costNanos();
            if (!d.failed()) requests.computeIfAbsent(d.keyId(), a -> new long[days])[i] += d.requests();
        }
        ObjectNode o = JSON.createObjectNode();
        ArrayNode apps = o.putArray("apps");
        for (Map.Entry<String, long[]> e : byAppName(cost, labels)) {
            ObjectNode a = apps.addObject();
            putApp(a, labels.of(e.getKey()));
            long total = 0;
            ArrayNode usdPerDay = a.putArray("cost_usd");
            for (long n : e.getValue()) {
                usdPerDay.add(usd(n));
                total += n;
            }
            a.put("total_nanos", total);
            a.put("total_usd", usd(total));
            long[] req = requests.getOrDefault(e.getKey(), new long[days]);
            long reqTotal = 0;
            for (long n : req) reqTotal += n;
            a.put("requests", reqTotal);
        }
        return o;
    }

    /**
     * Each key (and master / anonymous callers with spend): month-to-date spend, and beside it the key's budget, the spend
     * of the budget's current period ({@code period_spend}) and the share of the budget that is ({@code budget_used}:
     * period spend / max_budget, what the gateway enforces; not month to date, which a 1d budget's key passes daily). A deleted key
     * with spend this month keeps its last alias and is marked {@code deleted}, with no budget (it has none any more).
     */
    /**
     * Every key, in one read of the registry: a gateway with more keys than one page showed the keys past it as spend of
     * keys it no longer knew (no budget, marked deleted), and reading page after page could list a key twice or skip
     * one created or deleted between two pages.
     */
    private List<JsonNode> allKeys() {
        return new ArrayList<>(gateway.keys().all());
    }

    private static Map<String, Long> refusedPerKey(List<dev.switchboard.observe.RequestLogStore.Refused> rows) {
        Map<String, Long> out = new HashMap<>();
        for (var r : rows) if (r.keyId() != null) out.merge(r.keyId(), r.requests(), Long::sum);
        return out;
    }

    private ArrayNode keys(List<Daily> all, long monthStartDay, AppLabels labels, Map<String, Long> refused,
                           Map<String, dev.switchboard.govern.Governance.KeyBudgetRefusal> refusing) {
        Map<String, Long> mtd = new TreeMap<>();
        for (Daily d : all) {
            if (d.day() < monthStartDay) continue;
            mtd.merge(d.keyId(), d.costNanos(), Long::sum);
        }
        ArrayNode out = JSON.createArrayNode();
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (JsonNode k : allKeys()) {
            String id = k.path("key_id").asText();
            listed.add(id);
            ObjectNode o = out.addObject();
            o.put("key_id", id);
            o.set("key_alias", k.get("key_alias"));
            o.put("key_name", k.path("key_name").asText());
            long spent = mtd.getOrDefault(id, 0L);
            o.put("mtd_spend_nanos", spent);
            o.put("mtd_spend_usd", usd(spent));
            o.set("max_budget", k.get("max_budget"));
            o.set("budget_duration", k.get("budget_duration"));
            o.set("period_spend", k.get("spend"));
            o.set("budget_reset_at", k.get("budget_reset_at"));
            o.set("models", k.get("models"));
            o.put("blocked", k.path("blocked").asBoolean());
            o.set("created_at", k.get("created_at"));
            // the share of the budget the gateway enforces: its current period's spend (a 1d or 30s budget against a
            // month's spend read 174 % for a key at 87 % of its period; QA run A, finding 1)
            JsonNode periodSpend = k.get("spend");
            putBudgetUsed(o, periodSpend != null && periodSpend.isNumber() ? periodSpend.doubleValue() : 0.0, k.get("max_budget"));
            o.put("refused", refused.getOrDefault(id, 0L));
            putBudgetState(o, periodSpend, k.get("max_budget"), refusing.get(id));
        }
        for (Map.Entry<String, Long> e : mtd.entrySet()) {
            if (listed.contains(e.getKey()) || e.getKey().isEmpty()) continue;
            ObjectNode o = out.addObject();
            KeyLabel key = labels.of(e.getKey());
            o.put("key_id", e.getKey());
            o.put("key_alias", key.aliasOrNull());
            o.put("mtd_spend_nanos", e.getValue());
            o.put("mtd_spend_usd", usd(e.getValue()));
            o.putNull("max_budget");
            o.putNull("budget_used");
            o.putNull("budget_state");
            o.put("refused", refused.getOrDefault(e.getKey(), 0L));
            o.put("deleted", key.deleted());
        }
        return out;
    }

    /**
     * Hit rate and dollars saved per layer: the exact and semantic response caches (hits / served calls, what the
     * replayed answers would have cost) and the providers' prompt caches (cached prompt tokens / prompt tokens, and the
     * input price minus the cache-read price of those tokens). A layer with no hits shows 0, never an estimate.
     */
    private ObjectNode cache(List<Daily> rows) {
        long served = 0, exact = 0, semantic = 0, exactSaved = 0, semanticSaved = 0, prompt = 0, cached = 0;
        Map<String, Long> cachedByDeployment = new TreeMap<>(), writtenByDeployment = new TreeMap<>();
        for (Daily d : rows) {
            if (d.failed()) continue;
            served += d.requests();
            switch (d.cacheStatus()) {
                case "hit-exact" -> { exact += d.requests(); exactSaved += d.savedNanos(); }
                case "hit-semantic" -> { semantic += d.requests(); semanticSaved += d.savedNanos(); }
                default -> {
                    // Upstream calls only: a response-cache hit replays usage, it did not read a provider's cache
                    prompt += d.promptTokens();
                    cached += d.cacheReadTokens();
                    if (d.cacheReadTokens() > 0) cachedByDeployment.merge(d.deployment(), d.cacheReadTokens(), Long::sum);
                    if (d.cacheWriteTokens() > 0) writtenByDeployment.merge(d.deployment(), d.cacheWriteTokens(), Long::sum);
                }
            }
        }
        long promptSaved = 0;
        for (Map.Entry<String, Long> e : cachedByDeployment.entrySet()) {
            promptSaved += gateway.promptCacheSavedNanos(e.getKey(), e.getValue());
        }
        long writePremium = 0;
        for (Map.Entry<String, Long> e : writtenByDeployment.entrySet()) {
            writePremium += gateway.promptCacheWritePremiumNanos(e.getKey(), e.getValue());
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("requests", served);
        ArrayNode layers = o.putArray("layers");
        layer(layers, "exact", "Exact response cache", exact, served, exactSaved);
        layer(layers, "semantic", "Semantic response cache", semantic, served, semanticSaved);
        // saved is net: the reads' discount minus what the writes cost beyond the input price (negative when a prompt
        // is written more than it is read); both parts beside it
        ObjectNode p = layer(layers, "provider_prompt", "Provider prompt cache (cached prompt tokens; saved net of write premium)",
                cached, prompt, promptSaved - writePremium);
        p.put("unit", "tokens");
        p.put("read_saving_nanos", promptSaved);
        p.put("read_saving_usd", usd(promptSaved));
        p.put("write_premium_nanos", writePremium);
        p.put("write_premium_usd", usd(writePremium));
        return o;
    }

    private static ObjectNode layer(ArrayNode layers, String id, String label, long hits, long of, long savedNanos) {
        ObjectNode l = layers.addObject();
        l.put("layer", id);
        l.put("label", label);
        l.put("unit", "requests");
        l.put("hits", hits);
        l.put("of", of);
        l.put("hit_rate", of == 0 ? 0.0 : (double) hits / of);
        l.put("saved_nanos", savedNanos);
        l.put("saved_usd", usd(savedNanos));
        return l;
    }

    /** Per app (key): served calls, how many a fallback served, and why (a degraded answer is never counted as a saving). */
    private static ArrayNode fallbackShare(List<Daily> rows, AppLabels labels) {
        Map<String, long[]> byApp = new HashMap<>();
        Map<String, Map<String, Long>> reasons = new HashMap<>();
        for (Daily d : rows) {
            if (d.failed()) continue;
            long[] s = byApp.computeIfAbsent(d.keyId(), a -> new long[2]);
            s[0] += d.requests();
            if (d.route().startsWith("fallback")) {
                s[1] += d.requests();
                String reason = d.route().startsWith("fallback:") ? d.route().substring(9) : "unknown";
                reasons.computeIfAbsent(d.keyId(), a -> new TreeMap<>()).merge(reason, d.requests(), Long::sum);
            }
        }
        ArrayNode out = JSON.createArrayNode();
        for (Map.Entry<String, long[]> e : byAppName(byApp, labels)) {
            ObjectNode o = out.addObject();
            putApp(o, labels.of(e.getKey()));
            o.put("requests", e.getValue()[0]);
            o.put("fallbacks", e.getValue()[1]);
            o.put("share", e.getValue()[0] == 0 ? 0.0 : (double) e.getValue()[1] / e.getValue()[0]);
            ObjectNode r = o.putObject("reasons");
            reasons.getOrDefault(e.getKey(), Map.of()).forEach(r::put);
        }
        return out;
    }

    /**
     * Provider errors per day and deployment entry (its {@code provider/model} and {@code model_info.id}, "" for none):
     * failed attempts (each was retried or fell back) and calls that ended in
     * an error, but for the calls a client left (499). A 429 puts its deployment in cooldown at once, so those are counted apart; cooldowns since the
     * gateway started come from the router's counter.
     */
    private ObjectNode errors(List<SpendRollups.EntryDaily> rows, long from, int days) {
        // per deployment entry: two entries of one provider/model apart by their model_info.id ("" for none)
        Map<SpendRollups.Entry, long[]> perDeployment = new TreeMap<>(ENTRY_ORDER);
        Map<SpendRollups.Entry, Map<Integer, Long>> byStatus = new TreeMap<>(ENTRY_ORDER);
        long rateLimited = 0, total = 0;
        for (SpendRollups.EntryDaily d : rows) {
            // 499: the client hung up, which says nothing about the provider
            if (d.status() < 400 || d.status() == 499) continue;
            var dep = new SpendRollups.Entry(d.deployment().isEmpty() ? "(none)" : d.deployment(), d.modelId());
            perDeployment.computeIfAbsent(dep, x -> new long[days])[(int) (d.day() - from)] += d.requests();
            byStatus.computeIfAbsent(dep, x -> new TreeMap<>()).merge(d.status(), d.requests(), Long::sum);
            total += d.requests();
            if (d.status() == 429) rateLimited += d.requests();
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("total", total);
        o.put("rate_limited", rateLimited);
        ArrayNode series = o.putArray("series");
        for (Map.Entry<SpendRollups.Entry, long[]> e : perDeployment.entrySet()) {
            ObjectNode s = series.addObject();
            s.put("deployment", e.getKey().deployment());
            s.put("model_id", e.getKey().modelId());
            ArrayNode counts = s.putArray("counts");
            long sum = 0;
            for (long n : e.getValue()) {
                counts.add(n);
                sum += n;
            }
            s.put("total", sum);
            ObjectNode st = s.putObject("by_status");
            byStatus.get(e.getKey()).forEach((k, v) -> st.put(String.valueOf(k), v));
        }
        ArrayNode cooldowns = o.putArray("cooldowns_since_start");
        // one counter per entry: two entries of one provider/model are told apart by their model_info.id ("" for none)
        gateway.meters().find(COOLDOWNS).counters().forEach(c -> {
            ObjectNode cd = cooldowns.addObject();
            cd.put("deployment", c.getId().getTag("deployment"));
            String modelId = c.getId().getTag("model_id");
            cd.put("model_id", modelId == null ? "" : modelId);
            cd.put("count", (long) c.count());
        });
        return o;
    }

    /** Latency per deployment entry ({@code deployment} and its {@code model_info.id}, "" for none). */
    private static ArrayNode latency(Map<SpendRollups.Entry, long[]> histograms) {
        ArrayNode out = JSON.createArrayNode();
        for (Map.Entry<SpendRollups.Entry, long[]> e : histograms.entrySet()) {
            long n = 0;
            for (long c : e.getValue()) n += c;
            ObjectNode o = out.addObject();
            o.put("deployment", e.getKey().deployment());
            o.put("model_id", e.getKey().modelId());
            o.put("requests", n);
            putMs(o, "p50_ms", LatencyBuckets.quantile(e.getValue(), 0.50));
            putMs(o, "p95_ms", LatencyBuckets.quantile(e.getValue(), 0.95));
        }
        return out;
    }

    /** The entries of a map by key id, in the order of the apps' names (as the charts list them). */
    private static <V> List<Map.Entry<String, V>> byAppName(Map<String, V> byKeyId, AppLabels labels) {
        return byKeyId.entrySet().stream()
                .sorted(java.util.Comparator.comparing((Map.Entry<String, V> e) -> labels.of(e.getKey()).app()).thenComparing(Map.Entry::getKey))
                .toList();
    }

    private static void putMs(ObjectNode o, String field, Long v) {
        if (v == null) o.putNull(field);
        else if (v == Long.MAX_VALUE) o.put(field, "> 300000");
        else o.put(field, v);
    }

    /**
     * {@code budget_state}: {@code refusing} (the key's budget refuses every call: the worst case of the last one did
     * not fit in what is left, however little is spent: a $0.0005 budget read "Used 0.0 %" while each call got a 400),
     * {@code exhausted} (the period's spend reached the budget), {@code ok}, or null without a budget; with
     * {@code refusing_since} and {@code refused_worst_case} when refusing.
     */
    static void putBudgetState(ObjectNode o, JsonNode periodSpend, JsonNode maxBudget,
                               dev.switchboard.govern.Governance.KeyBudgetRefusal refusing) {
        if (maxBudget == null || !maxBudget.isNumber()) {
            o.putNull("budget_state");
            return;
        }
        if (refusing != null) {
            o.put("budget_state", "refusing");
            o.put("refusing_since", java.time.Instant.ofEpochMilli(refusing.sinceMillis()).toString());
            o.put("refused_worst_case", usd(refusing.worstCaseNanos()));
        } else if (periodSpend != null && periodSpend.isNumber() && periodSpend.doubleValue() >= maxBudget.doubleValue()) {
            o.put("budget_state", "exhausted");
        } else o.put("budget_state", "ok");
    }

    /** {@code budget_used}: the share of a budget {@code spentUsd} is, or null without a (positive) budget. */
    static void putBudgetUsed(ObjectNode o, double spentUsd, JsonNode maxBudget) {
        if (maxBudget != null && maxBudget.isNumber() && maxBudget.doubleValue() > 0) {
            o.put("budget_used", spentUsd / maxBudget.doubleValue());
        } else o.putNull("budget_used");
    }

    static double usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).doubleValue();
    }
}
