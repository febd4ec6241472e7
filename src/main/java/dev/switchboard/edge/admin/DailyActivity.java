package dev.switchboard.edge.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.SpendRollups;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * LiteLLM's daily activity answer ({@code SpendAnalyticsPaginatedResponse}: {@code results} of {@code DailySpendData},
 * {@code metadata} a {@code DailySpendMetadata}) built from the daily rollup ({@code spend_daily}), never from the
 * ledger's rows. LiteLLM pages over the rows of its daily table (one per day, user, key, model, provider, endpoint);
 * the rows here are the rollup's summed over what LiteLLM's table does not tell apart (the alias a call was made under,
 * its route, cache status and HTTP status): one per UTC day, key, requested model (LiteLLM's model group) and
 * deployment (provider and model). As in LiteLLM, a page is some of those rows, newest day first, and the metadata's
 * totals are the page's. The rollup keeps no endpoint (its {@code route} is the routing decision, {@code primary} or
 * {@code fallback:…}, not the URL path) and no MCP server: those breakdowns are empty. The team, tag and customer forms
 * ({@link EntityActivityRoutes}) read {@code activity_daily} instead, whose rows are also of one team, tag or end user:
 * their rows ({@link Group}) are per entity too, and their {@code entities} breakdown is of those ({@link Entities}).
 */
final class DailyActivity {
    /**
     * One row of the daily activity: what LiteLLM's daily table has one row of. {@code entity} is the team, tag or end
     * user of the team, tag and customer forms (LiteLLM's daily team, tag and end-user tables), "" in the user form
     * (whose rows are the key's user's, {@link Entities#USERS}).
     */
    record Group(long day, String entity, String keyId, String modelGroup, String deployment) {}

    /** How the {@code entities} breakdown names a row's entity, and the metadata LiteLLM gives each. */
    interface Entities {
        /** The user form: the key's user ({@code Unassigned} for none), no metadata. */
        Entities USERS = new Entities() {
            @Override public String name(Group g, KeyView key) { return key.userId() == null ? "Unassigned" : key.userId(); }
        };

        /** The team, tag and customer forms: the row's own entity, as LiteLLM's daily tables keep it. */
        static Entities ofRows(Function<String, ObjectNode> metadata) {
            return new Entities() {
                @Override public String name(Group g, KeyView key) { return g.entity().isEmpty() ? "Unassigned" : g.entity(); }
                @Override public ObjectNode metadata(String name) { return metadata.apply(name); }
            };
        }

        String name(Group g, KeyView key);

        /** LiteLLM's {@code metadata} of an entity ({@code team_alias} for a team); {} by default. */
        default ObjectNode metadata(String name) { return SpendJson.JSON.createObjectNode(); }
    }

    /** How a key id is shown: LiteLLM's api_key (the token hash, else the id), its metadata and the user it belongs to. */
    record KeyView(String apiKey, String alias, String teamId, String userId, boolean exists) {}

    private static final Comparator<Group> ORDER = Comparator.comparingLong(Group::day).reversed()
            .thenComparing(Group::entity).thenComparing(Group::keyId).thenComparing(Group::modelGroup).thenComparing(Group::deployment);

    /** The sums of one row: LiteLLM's {@code SpendMetrics}, in Switchboard's units. */
    static final class Sums {
        long costNanos, promptTokens, completionTokens, cacheRead, cacheWrite, served, failed, latencyMs;

        void add(Sums o) {
            costNanos += o.costNanos;
            promptTokens += o.promptTokens;
            completionTokens += o.completionTokens;
            cacheRead += o.cacheRead;
            cacheWrite += o.cacheWrite;
            served += o.served;
            failed += o.failed;
            latencyMs += o.latencyMs;
        }

        /**
         * Served calls (attempt 0, a cache hit's too) are LiteLLM's successful requests; failed attempts (a deployment's
         * error before a retry, a fallback or the call's failure) its failed ones, but a client's leaving (499), which
         * says nothing about the provider ({@code FailedAttempts}). Cost and tokens are summed over every row (a failed
         * attempt costs 0 unless the provider billed it).
         */
        void add(SpendRollups.Daily d) {
            costNanos += d.costNanos();
            promptTokens += d.promptTokens();
            completionTokens += d.completionTokens();
            cacheRead += d.cacheReadTokens();
            cacheWrite += d.cacheWriteTokens();
            if (!d.failed()) {
                served += d.requests();
                latencyMs += d.latencyMsSum();
            } else if (d.failedAttempt()) {
                failed += d.requests();
            }
        }

        /** LiteLLM's {@code SpendMetrics}, every field it has; those Switchboard does not measure are 0. */
        ObjectNode json() {
            ObjectNode o = SpendJson.JSON.createObjectNode();
            o.put("spend", SpendJson.usd(costNanos));
            o.put("flat_cost", 0.0);
            o.put("prompt_tokens", promptTokens);
            o.put("completion_tokens", completionTokens);
            o.put("cache_read_input_tokens", cacheRead);
            o.put("cache_creation_input_tokens", cacheWrite);
            o.put("compression_saved_tokens", 0);
            o.put("compression_savings_spend", 0.0);
            o.put("prompt_caching_savings_spend", 0.0);
            o.put("gateway_injected_caching_savings_spend", 0.0);
            o.put("autorouter_savings_spend", 0.0);
            o.put("total_tokens", promptTokens + completionTokens);
            o.put("successful_requests", served);
            o.put("failed_requests", failed);
            o.put("api_requests", served + failed);
            o.put("total_response_time_ms", latencyMs);
            o.put("timed_requests", served);
            return o;
        }
    }

    private DailyActivity() {}

    /** The rollup's rows summed into daily activity rows, newest day first. */
    static List<Map.Entry<Group, Sums>> group(List<SpendRollups.Daily> rows) {
        Map<Group, Sums> out = new LinkedHashMap<>();
        for (SpendRollups.Daily d : rows) {
            out.computeIfAbsent(new Group(d.day(), "", d.keyId(), d.model(), d.deployment()), g -> new Sums()).add(d);
        }
        return sorted(out);
    }

    /** A team's, tag's or end user's rollup rows ({@code activity_daily}) summed the same way, per entity too. */
    static List<Map.Entry<Group, Sums>> groupActivity(List<SpendRollups.Activity> rows) {
        Map<Group, Sums> out = new LinkedHashMap<>();
        for (SpendRollups.Activity a : rows) {
            SpendRollups.Daily d = a.daily();
            out.computeIfAbsent(new Group(d.day(), a.entity(), d.keyId(), d.model(), d.deployment()), g -> new Sums()).add(d);
        }
        return sorted(out);
    }

    private static List<Map.Entry<Group, Sums>> sorted(Map<Group, Sums> out) {
        List<Map.Entry<Group, Sums>> sorted = new ArrayList<>(out.entrySet());
        sorted.sort(Map.Entry.comparingByKey(ORDER));
        return sorted;
    }

    /** The model LiteLLM names in its {@code models} breakdown: the deployment's model, without its provider. */
    static String model(String deployment) {
        int slash = deployment.indexOf('/');
        return slash < 0 ? deployment : deployment.substring(slash + 1);
    }

    /** LiteLLM's {@code custom_llm_provider}: the deployment's provider, {@code unknown} without one (as LiteLLM). */
    static String provider(String deployment) {
        int slash = deployment.indexOf('/');
        return slash <= 0 ? "unknown" : deployment.substring(0, slash);
    }

    /**
     * One page of the answer.
     *
     * @param all   every row of the range and filters ({@link #group}), newest day first
     * @param keys  how each key id is shown (blocking lookups are the caller's; this is a pure function of them)
     * @param entities what the {@code entities} breakdown is of: the keys' users, or the rows' teams, tags or end users
     */
    static ObjectNode page(List<Map.Entry<Group, Sums>> all, int page, int size, Function<String, KeyView> keys, Entities entities) {
        int from = (int) Math.min((long) (page - 1) * size, all.size());
        int to = (int) Math.min((long) page * size, all.size());
        Map<Long, Sums> dayTotals = new LinkedHashMap<>();
        Sums total = new Sums();
        Map<String, KeyView> seen = new LinkedHashMap<>();
        // the breakdowns' sums, filled as rows come and written out at the end
        Map<Long, Map<String, Map<String, Breakdown>>> breakdowns = new LinkedHashMap<>();
        for (Map.Entry<Group, Sums> e : all.subList(from, to)) {
            Group g = e.getKey();
            Sums s = e.getValue();
            KeyView key = seen.computeIfAbsent(g.keyId(), keys);
            total.add(s);
            dayTotals.computeIfAbsent(g.day(), d -> new Sums()).add(s);
            Map<String, Map<String, Breakdown>> b = breakdowns.computeIfAbsent(g.day(), d -> new LinkedHashMap<>());
            if (!g.deployment().isEmpty()) add(b, "models", model(g.deployment()), key, s);
            // LiteLLM's model_group falls back to the model when a row has none
            String modelGroup = !g.modelGroup().isEmpty() ? g.modelGroup() : g.deployment().isEmpty() ? "" : model(g.deployment());
            if (!modelGroup.isEmpty()) add(b, "model_groups", modelGroup, key, s);
            add(b, "providers", provider(g.deployment()), key, s);
            String entity = entities.name(g, key);
            b.computeIfAbsent("entities", k -> new LinkedHashMap<>())
                    .computeIfAbsent(entity, n -> new Breakdown(null, entities.metadata(n)));
            add(b, "entities", entity, key, s);
            b.computeIfAbsent("api_keys", x -> new LinkedHashMap<>()).computeIfAbsent(key.apiKey(), x -> new Breakdown(key, null)).sums.add(s);
        }
        ObjectNode out = SpendJson.JSON.createObjectNode();
        var results = out.putArray("results");
        for (Long day : dayTotals.keySet()) { // newest first, as the rows
            ObjectNode d = results.addObject();
            d.put("date", LocalDate.ofEpochDay(day).toString());
            d.set("metrics", dayTotals.get(day).json());
            ObjectNode breakdown = d.putObject("breakdown");
            Map<String, Map<String, Breakdown>> b = breakdowns.get(day);
            for (String kind : List.of("mcp_servers", "models", "model_groups", "providers", "endpoints", "api_keys", "entities")) {
                ObjectNode k = breakdown.putObject(kind);
                Map<String, Breakdown> entries = b.getOrDefault(kind, Map.of());
                entries.forEach((name, x) -> k.set(name, kind.equals("api_keys") ? x.keyJson() : x.json()));
            }
        }
        ObjectNode m = out.putObject("metadata");
        m.put("total_spend", SpendJson.usd(total.costNanos));
        m.put("total_flat_cost", 0.0);
        m.put("total_prompt_tokens", total.promptTokens);
        m.put("total_completion_tokens", total.completionTokens);
        m.put("total_tokens", total.promptTokens + total.completionTokens);
        m.put("total_api_requests", total.served + total.failed);
        m.put("total_successful_requests", total.served);
        m.put("total_failed_requests", total.failed);
        m.put("total_cache_read_input_tokens", total.cacheRead);
        m.put("total_cache_creation_input_tokens", total.cacheWrite);
        m.put("total_compression_saved_tokens", 0);
        m.put("total_compression_savings_spend", 0.0);
        m.put("total_prompt_caching_savings_spend", 0.0);
        m.put("total_gateway_injected_caching_savings_spend", 0.0);
        m.put("total_autorouter_savings_spend", 0.0);
        m.put("total_response_time_ms", total.latencyMs);
        m.put("total_timed_requests", total.served);
        m.put("page", page);
        m.put("total_pages", (all.size() + size - 1) / size); // LiteLLM's ceiling division: 0 when nothing matched
        m.put("has_more", (long) page * size < all.size());
        m.putNull("api_key_limit");
        m.putNull("total_api_keys");
        return out;
    }

    private static void add(Map<String, Map<String, Breakdown>> b, String kind, String name, KeyView key, Sums s) {
        Breakdown x = b.computeIfAbsent(kind, k -> new LinkedHashMap<>()).computeIfAbsent(name, n -> new Breakdown(null, null));
        x.sums.add(s);
        x.perKey.computeIfAbsent(key.apiKey(), k -> new Breakdown(key, null)).sums.add(s);
    }

    /** One entry of a breakdown: LiteLLM's {@code MetricWithMetadata}, or with a key, its {@code KeyMetricWithMetadata}. */
    private static final class Breakdown {
        final Sums sums = new Sums();
        final Map<String, Breakdown> perKey = new LinkedHashMap<>();
        final KeyView key;
        final ObjectNode metadata;

        Breakdown(KeyView key, ObjectNode metadata) {
            this.key = key;
            this.metadata = metadata;
        }

        ObjectNode json() {
            ObjectNode o = SpendJson.JSON.createObjectNode();
            o.set("metrics", sums.json());
            if (metadata != null) o.set("metadata", metadata);
            else o.putObject("metadata");
            ObjectNode keys = o.putObject("api_key_breakdown");
            perKey.forEach((k, v) -> keys.set(k, v.keyJson()));
            return o;
        }

        ObjectNode keyJson() {
            ObjectNode o = SpendJson.JSON.createObjectNode();
            o.set("metrics", sums.json());
            ObjectNode meta = o.putObject("metadata");
            meta.put("key_alias", key.alias());
            meta.put("team_id", key.teamId());
            meta.put("user_id", key.userId());
            meta.putNull("user_email");
            meta.put("key_exists", key.exists());
            return o;
        }
    }
}
