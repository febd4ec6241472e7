package dev.switchboard.cli;

import static dev.switchboard.cli.AdminClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code switchboard spend}: the spend report of a running gateway ({@code GET /global/spend/report}) as a table, and
 * {@code spend logs}, its ledger rows. The groups come in the gateway's order (the most expensive first); the time
 * range and the filters are checked by the gateway, whose 400 names the parameter.
 */
@Command(name = "spend", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = {"Spend of a running gateway, grouped by key, tag, model (deployment), alias, day, end user or team "
                + "(GET /global/spend/report, master key).",
                "Times are UTC; without --since or --from the report covers all time."},
        subcommands = SpendCommand.Logs.class)
final class SpendCommand implements Callable<Integer> {
    /** Lower case, as typed: picocli checks the value and lists these in the error. */
    enum By { key, tag, model, alias, day, end_user, team, key_metadata }

    /** {@code --by}: a grouping, and for {@code key_metadata.FIELD} the field of the keys' metadata (an app's name). */
    record Grouping(By kind, String field) {
        String param() { return field == null ? kind.name() : "key_metadata." + field; }
        @Override public String toString() { return param(); }
    }

    static final class GroupingValue implements picocli.CommandLine.ITypeConverter<Grouping> {
        @Override
        public Grouping convert(String v) {
            if (v.startsWith("key_metadata.") && v.length() > "key_metadata.".length()) {
                return new Grouping(By.key_metadata, v.substring("key_metadata.".length()));
            }
            try {
                By b = By.valueOf(v);
                if (b != By.key_metadata) return new Grouping(b, null);
            } catch (IllegalArgumentException e) {
                // below
            }
            throw new picocli.CommandLine.TypeConversionException("'" + v + "' is not a grouping: give key, tag, model, alias, "
                    + "day, end_user, team, or key_metadata.FIELD (a field of the keys' metadata, e.g. key_metadata.app)");
        }
    }

    /** The filters the report and the logs share, under the gateway's parameter names. */
    static final class Filters {
        @Option(names = "--since", paramLabel = "DURATION", description = "Only the last 30d, 12h, 1mo, …")
        String since;
        @Option(names = "--from", paramLabel = "DATE", description = "From this day (2026-11-01) or ISO-8601 time.")
        String from;
        @Option(names = "--to", paramLabel = "DATE", description = "Up to this day, included, or ISO-8601 time.")
        String to;
        @Option(names = "--key", paramLabel = "KEY", description = "One key: the key, its token hash, key_id or alias (a deleted key's too, and a regenerated key's old secret or hash).")
        String key;
        @Option(names = "--tag", paramLabel = "TAG", description = "Requests with this tag.")
        String tag;
        @Option(names = "--model", paramLabel = "MODEL", description = "Requests for this alias, or served by this deployment (provider/model).")
        String model;
    }

    /** The gateway's query parameters that these commands' options name otherwise, for its error messages. */
    static final Map<String, String> OPTIONS = Map.of("start_date", "--from", "end_date", "--to", "page_size", "--limit",
            "group_by", "--by", "since", "--since");

    @Mixin AdminClient.Options gateway;
    @Mixin Filters filters;

    @Option(names = "--by", defaultValue = "key", converter = GroupingValue.class,
            paramLabel = "key|tag|model|alias|day|end_user|team|key_metadata.FIELD",
            description = "Group by the key, the key's tags, the deployment that served, the alias asked for, the UTC day, "
                    + "the end user (the request's user), the team a call counts for, or a field of the keys' metadata "
                    + "(key_metadata.app: one row per app, its keys together) (default: ${DEFAULT-VALUE}).")
    Grouping grouping;

    @Override
    public Integer call() {
        return AdminClient.run(gateway, c -> {
            AdminClient.Answer a = c.get("/global/spend/report", params("group_by", grouping.param(), "since", filters.since,
                    "start_date", filters.from, "end_date", filters.to, "key", filters.key, "tag", filters.tag,
                    "model", filters.model), OPTIONS);
            if (gateway.json) System.out.println(a.raw());
            else report(a.json());
        });
    }

    private void report(JsonNode r) {
        By by = grouping.kind();
        String start = Table.time(r.path("start"));
        String end = Table.time(r.path("end"));
        System.out.println("spend by " + grouping + (start == null && end == null ? ", all time"
                : " from " + (start == null ? "the start" : start) + " to " + (end == null ? "now" : end)));
        JsonNode groups = r.path("groups");
        // The unpriced column only when some group has unpriced requests: it is noise otherwise.
        boolean unpriced = false;
        for (JsonNode g : groups) unpriced |= g.path("unpriced_requests").asLong() > 0;
        // a second column: the key's alias by key; by model, the entry's model_info.id when some entry has one (two
        // entries of one provider/model are two groups then)
        boolean entries = false;
        if (by == By.model) for (JsonNode g : groups) entries |= !g.path("model_id").asText("").isEmpty();
        // by a metadata field, the second column names the keys of each group
        boolean keys = by == By.key || entries || by == By.key_metadata;
        String first = switch (by) {
            case key -> "KEY_ID";
            case tag -> "TAG";
            case model -> "DEPLOYMENT";
            case alias -> "MODEL";
            case day -> "DAY (UTC)";
            case end_user -> "END USER";
            case team -> "TEAM";
            case key_metadata -> grouping.field().toUpperCase(java.util.Locale.ROOT);
        };
        List<String> head = new ArrayList<>(List.of(first));
        if (keys) head.add(entries ? "MODEL ID" : by == By.key_metadata ? "KEYS" : "KEY ALIAS");
        head.addAll(List.of("SPEND", "REQUESTS", "FAILED", "TOKENS IN", "TOKENS OUT", "CACHED"));
        if (unpriced) head.add("UNPRICED");
        Table t = new Table(head.toArray(String[]::new));
        for (int i = keys ? 2 : 1; i < head.size(); i++) t.alignRight(i);
        List<JsonNode> amounts = new ArrayList<>(groups.findValues("spend"));
        amounts.add(r.path("total_spend"));
        int dp = Table.decimals(amounts, 4);
        long[] sums = new long[6];
        for (JsonNode g : groups) {
            long[] n = numbers(g);
            for (int i = 0; i < n.length; i++) sums[i] += n[i];
            String second = by == By.key_metadata ? String.join(", ", names(g.path("keys")))
                    : Table.text(g.path(entries ? "model_id" : "key_alias"));
            t.row(row(keys, unpriced, Table.text(g.path("group")), second,
                    Table.usd(g.path("spend"), dp), n));
        }
        if (t.isEmpty()) {
            System.out.println("no requests in this range");
        } else {
            // A request with several tags counts in each tag's group, so the gateway sends no total for tags. For the
            // other groupings every ledger row is in exactly one group, so the column sums are exact.
            if (r.has("total_spend")) {
                sums[0] = r.path("total_requests").asLong();
                t.rule().row(row(keys, unpriced, "TOTAL", null, Table.usd(r.path("total_spend"), dp), sums));
            }
            t.print(System.out);
            if (!r.has("total_spend")) System.out.println("(no total: a request with several tags counts under each of them)");
        }
        for (JsonNode u : r.path("unpriced_models")) System.out.println("unpriced: " + u.asText() + " (its calls cost $0)");
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.asText());
        return out;
    }

    /** requests, failed attempts, prompt, completion and cache-read tokens, unpriced requests. */
    private static long[] numbers(JsonNode g) {
        return new long[] {g.path("requests").asLong(), g.path("failed_attempts").asLong(), g.path("prompt_tokens").asLong(),
                g.path("completion_tokens").asLong(), g.path("cache_read_tokens").asLong(), g.path("unpriced_requests").asLong()};
    }

    private static Object[] row(boolean keys, boolean unpriced, String group, String alias, String spend, long[] n) {
        List<Object> c = new ArrayList<>();
        c.add(group);
        if (keys) c.add(alias);
        c.add(spend);
        for (int i = 0; i < 5; i++) c.add(n[i]);
        if (unpriced) c.add(n[5]);
        return c.toArray();
    }

    /**
     * The options given to {@code spend} before {@code logs} ({@code spend --url X logs}): picocli reads them into the
     * report's command, which does not run, so they were dropped and the default gateway asked. Those {@code logs} has
     * too are applied where {@code logs} was not given its own; {@code --by}, which it has not, is refused.
     */
    static void inheritFromSpend(picocli.CommandLine.Model.CommandSpec logs) {
        picocli.CommandLine parent = logs.commandLine().getParent();
        if (parent == null || parent.getParseResult() == null) return;
        picocli.CommandLine.ParseResult own = logs.commandLine().getParseResult();
        for (picocli.CommandLine.Model.OptionSpec given : parent.getParseResult().matchedOptions()) {
            picocli.CommandLine.Model.OptionSpec mine = logs.findOption(given.longestName());
            if (mine == null) {
                throw new picocli.CommandLine.ParameterException(logs.commandLine(), given.longestName() + " is an option of the "
                        + "spend report, not of 'spend logs'. Fix: leave it out, or run 'switchboard spend " + given.longestName() + " …'.");
            }
            if (own == null || !own.hasMatchedOption(mine)) mine.setValue(given.getValue());
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = "The ledger's rows, newest first: one per attempt, failed ones included (GET /spend/logs).")
    static final class Logs implements Callable<Integer> {
        @Mixin AdminClient.Options gateway;
        @Mixin Filters filters;
        @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N rows (default: ${DEFAULT-VALUE}, up to 1000).")
        int limit;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            inheritFromSpend(spec);
            return AdminClient.run(gateway, c -> {
                AdminClient.Answer a = c.get("/spend/logs", params("page_size", limit, "since", filters.since,
                        "start_date", filters.from, "end_date", filters.to, "key", filters.key, "tag", filters.tag,
                        "model", filters.model), OPTIONS);
                if (gateway.json) {
                    System.out.println(a.raw());
                    return;
                }
                Table t = new Table("TIME", "KEY", "MODEL", "DEPLOYMENT", "ROUTE", "STATUS", "SPEND", "TOKENS IN", "TOKENS OUT",
                        "MS", "REQUEST_ID").alignRight(5, 6, 7, 8, 9);
                int dp = Table.decimals(a.json().path("data").findValues("spend"), 4);
                for (JsonNode row : a.json().path("data")) {
                    String status = row.path("status").asText() + (row.path("error_type").isTextual() ? " " + row.path("error_type").asText() : "");
                    String id = row.path("request_id").asText() + (row.path("attempt").asInt() > 0 ? " #" + row.path("attempt").asInt() : "");
                    t.row(Table.time(row.path("endTime")), Table.text(row.path("key_alias").isTextual() ? row.path("key_alias") : row.path("key_id")),
                            Table.text(row.path("model")), Table.text(row.path("deployment")), Table.text(row.path("route")), status,
                            Table.usd(row.path("spend"), dp), row.path("prompt_tokens").asLong(), row.path("completion_tokens").asLong(),
                            Table.text(row.path("latency_ms")), id);
                }
                if (t.isEmpty()) System.out.println("no requests in this range");
                else t.print(System.out);
                long total = a.json().path("total").asLong();
                if (total > t.size()) System.out.println(t.size() + " of " + total + " rows, newest first (--limit N for more)");
            });
        }
    }
}
