package dev.switchboard.cli;

import static dev.switchboard.cli.AdminClient.JSON;
import static dev.switchboard.cli.AdminClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard keys create|list|info|update|block|unblock|delete|regenerate}: LiteLLM's {@code /key/*} admin API
 * of a running gateway, as tables. The CLI names a key the way the API does (the key itself, its token hash, its
 * key_id or its alias) and leaves checking values to the gateway, whose 400 names the field.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = {"Manage virtual keys on a running gateway, through its admin API (/key/*, master key).",
                "KEY is the key itself, its token hash, its key_id or its alias."},
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Info.class, KeysCommand.Update.class,
                KeysCommand.Block.class, KeysCommand.Unblock.class, KeysCommand.Delete.class, KeysCommand.Regenerate.class})
final class KeysCommand implements Runnable {
    private static final Set<String> MONEY = Set.of("spend", "reserved_spend", "max_budget", "soft_budget");
    private static final Set<String> TIMES = Set.of("budget_reset_at", "expires", "created_at", "updated_at");
    /**
     * The option of each field {@link Fields#body()} sends: the gateway's refusal quotes the field ('duration'), and the
     * user typed the option (--expires), which is what the printed error must name.
     */
    static final Map<String, String> FIELD_OPTIONS = Map.ofEntries(
            Map.entry("key_alias", "--alias"), Map.entry("max_budget", "--budget"),
            Map.entry("soft_budget", "--soft-budget"), Map.entry("budget_duration", "--period"),
            Map.entry("models", "--models"), Map.entry("duration", "--expires"),
            Map.entry("rpm_limit", "--rpm"), Map.entry("tpm_limit", "--tpm"),
            Map.entry("max_parallel_requests", "--parallel"),
            Map.entry("model_rpm_limit", "--model-rpm"), Map.entry("model_tpm_limit", "--model-tpm"), Map.entry("tags", "--tag"),
            Map.entry("auto_tier", "--auto-tier"), Map.entry("metadata", "--metadata"),
            Map.entry("blocked", "--blocked"), Map.entry("user_id", "--user-id"),
            Map.entry("team_id", "--team-id"), Map.entry("aliases", "--model-alias"), Map.entry("grace_period", "--grace-period"));
    /** LiteLLM's {@code duration} for "never expires" (a null one keeps the key's expiry). */
    private static final String KEY_NEVER_EXPIRES = "-1";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing a subcommand: create, list, info, update, block, unblock, delete or regenerate.");
    }

    /** The settable fields of create, update and regenerate, under LiteLLM's names. On update, "none" clears one. */
    static final class Fields {
        @Option(names = "--alias", paramLabel = "NAME", description = "key_alias: a unique name for the key.")
        String alias;
        @Option(names = "--budget", paramLabel = "USD", converter = Money.class, description = "max_budget: hard budget in US dollars.")
        JsonNode budget;
        @Option(names = "--soft-budget", paramLabel = "USD", converter = Money.class, description = "soft_budget: warn above it.")
        JsonNode softBudget;
        @Option(names = "--period", paramLabel = "DURATION", converter = Period.class,
                description = "budget_duration: the budget starts again every 30d, 1mo, 7d, 12h, … (on LiteLLM's schedule: 1d at "
                        + "midnight, 7d on Monday, 30d and 1mo on the 1st); on update none ends the resets, the period running goes on")
        JsonNode period;
        @Option(names = "--models", paramLabel = "ALIAS", split = ",",
                description = "models: the aliases the key may use (default all; on update an empty value means all).")
        List<String> models;
        @Option(names = "--expires", paramLabel = "DURATION", converter = Text.class, description = "duration: expires after 90d, 12h, …")
        JsonNode expires;
        @Option(names = "--rpm", paramLabel = "N", converter = Count.class, description = "rpm_limit: requests per minute.")
        JsonNode rpm;
        @Option(names = "--tpm", paramLabel = "N", converter = Count.class, description = "tpm_limit: tokens per minute.")
        JsonNode tpm;
        @Option(names = "--parallel", paramLabel = "N", converter = Count.class, description = "max_parallel_requests.")
        JsonNode parallel;
        @Option(names = "--model-rpm", paramLabel = "MODEL=N", converter = OptionValues.NameValue.class,
                description = "model_rpm_limit (repeatable): requests per minute to MODEL (the alias asked for), beside --rpm; "
                        + "on update the whole set is replaced.")
        List<String> modelRpm;
        @Option(names = "--model-tpm", paramLabel = "MODEL=N", converter = OptionValues.NameValue.class,
                description = "model_tpm_limit (repeatable): tokens per minute to MODEL, beside --tpm; on update the whole set is replaced.")
        List<String> modelTpm;
        @Option(names = "--tag", paramLabel = "TAG", split = ",", description = "tags (repeatable): reported by spend --by tag.")
        List<String> tags;
        @Option(names = "--auto-tier", paramLabel = "cheap|smart", converter = Text.class,
                description = "auto_tier: the tier the auto alias uses for this key.")
        JsonNode autoTier;
        @Option(names = "--metadata", paramLabel = "NAME=VALUE", converter = OptionValues.NameValue.class, description = "metadata (repeatable).")
        List<String> metadata;
        @Option(names = "--blocked", arity = "0..1", paramLabel = "true|false", description = "blocked: refuse every request.")
        Boolean blocked;
        @Option(names = "--user-id", paramLabel = "ID", converter = Text.class,
                description = "user_id: whom the key is for (its calls are tagged user:ID).")
        JsonNode userId;
        @Option(names = "--team-id", paramLabel = "ID", converter = Text.class,
                description = "team_id: the team it is for (its calls are tagged team:ID).")
        JsonNode teamId;
        @Option(names = "--model-alias", paramLabel = "NAME=MODEL", converter = OptionValues.NameValue.class,
                description = "aliases (repeatable): the key's calls for NAME go to MODEL; on update the whole set is replaced.")
        List<String> modelAliases;
        @Option(names = "--no-model-aliases", description = "aliases: none (on update, removes the key's aliases).")
        boolean noModelAliases;

        /** The fields given on the command line, and only those: a field left out keeps its value on update. */
        ObjectNode body() {
            ObjectNode b = JSON.createObjectNode();
            if (alias != null) b.put("key_alias", alias);
            put(b, "max_budget", budget);
            put(b, "soft_budget", softBudget);
            put(b, "budget_duration", period);
            if (models != null) b.set("models", list(models));
            // "none" is LiteLLM's "-1": a null duration keeps the expiry on an update
            put(b, "duration", expires != null && expires.isNull() ? TextNode.valueOf(KEY_NEVER_EXPIRES) : expires);
            put(b, "rpm_limit", rpm);
            put(b, "tpm_limit", tpm);
            put(b, "max_parallel_requests", parallel);
            if (modelRpm != null) perModel(b.putObject("model_rpm_limit"), modelRpm);
            if (modelTpm != null) perModel(b.putObject("model_tpm_limit"), modelTpm);
            if (tags != null) b.set("tags", list(tags));
            put(b, "auto_tier", autoTier);
            if (metadata != null) OptionValues.map(metadata).forEach(b.putObject("metadata")::put);
            if (blocked != null) b.put("blocked", blocked);
            put(b, "user_id", userId);
            put(b, "team_id", teamId);
            if (noModelAliases) b.putNull("aliases");
            else if (modelAliases != null) OptionValues.map(modelAliases).forEach(b.putObject("aliases")::put);
            return b;
        }

        /** MODEL=N pairs as numbers (a value that is not one goes as text, and the gateway's 400 names it). */
        private static void perModel(ObjectNode into, List<String> pairs) {
            OptionValues.map(pairs).forEach((model, n) -> {
                try {
                    into.put(model, Long.parseLong(n.strip()));
                } catch (NumberFormatException e) {
                    into.put(model, n);
                }
            });
        }

        private static void put(ObjectNode b, String name, JsonNode v) {
            if (v != null) b.set(name, v);
        }

        private static ArrayNode list(List<String> values) {
            ArrayNode a = JSON.createArrayNode();
            values.stream().filter(v -> !v.isBlank()).forEach(a::add);
            return a;
        }
    }

    /** 0 or more: a negative amount is refused here (exit 2, naming the option), as any bad option value is. */
    static final class Money implements CommandLine.ITypeConverter<JsonNode> {
        public JsonNode convert(String v) {
            return number(v, () -> notNegative(DecimalNode.valueOf(new BigDecimal(v.strip()))), "an amount of US dollars of 0 or more");
        }
    }

    static final class Count implements CommandLine.ITypeConverter<JsonNode> {
        public JsonNode convert(String v) {
            return number(v, () -> notNegative(LongNode.valueOf(Long.parseLong(v.strip()))), "a whole number of 0 or more");
        }
    }

    private static JsonNode notNegative(JsonNode n) {
        if (n.decimalValue().signum() < 0) throw new NumberFormatException("negative");
        return n;
    }

    /** budget_duration's "none" is sent as the text: the gateway reads a null budget_duration as "unchanged", as LiteLLM does. */
    static final class Period implements CommandLine.ITypeConverter<JsonNode> {
        public JsonNode convert(String v) { return TextNode.valueOf(v); }
    }

    static final class Text implements CommandLine.ITypeConverter<JsonNode> {
        public JsonNode convert(String v) { return v.equalsIgnoreCase("none") ? NullNode.instance : TextNode.valueOf(v); }
    }

    private static JsonNode number(String v, Supplier<JsonNode> parse, String what) {
        if (v.equalsIgnoreCase("none")) return NullNode.instance;
        try {
            return parse.get();
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + v + "' is not " + what + " (or none)");
        }
    }

    /** The commands about one key. */
    abstract static class OneKey {
        @Mixin AdminClient.Options gateway;
        @Parameters(paramLabel = "KEY", description = "The key, its token hash, its key_id or its alias.")
        String key;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = "Make a key (POST /key/generate); the key is shown once.")
    static final class Create implements Callable<Integer> {
        @Mixin AdminClient.Options gateway;
        @Mixin Fields fields;

        public Integer call() {
            return AdminClient.run(gateway, c -> showSecret(gateway, c.post("/key/generate", fields.body(), FIELD_OPTIONS), "key"));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = "Every key: alias, key (masked), key_id, spend / budget, period, models, status (GET /key/list).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin AdminClient.Options gateway;
        @Option(names = "--alias", paramLabel = "NAME", description = "Only the key with this alias.")
        String alias;

        public Integer call() {
            return AdminClient.run(gateway, c -> {
                ArrayNode keys = JSON.createArrayNode();
                int pages = 1;
                for (int page = 1; page <= pages; page++) {
                    JsonNode a = c.get("/key/list", params("page", page, "size", 100, "return_full_object", "true",
                            "key_alias", alias)).json();
                    a.path("keys").forEach(keys::add);
                    pages = a.path("total_pages").asInt(1);
                }
                if (gateway.json) {
                    ObjectNode all = JSON.createObjectNode();
                    all.set("keys", keys);
                    all.put("total_count", keys.size());
                    System.out.println(all);
                    return;
                }
                Table t = new Table("ALIAS", "KEY", "KEY_ID", "SPEND / BUDGET", "PERIOD", "MODELS", "STATUS");
                List<JsonNode> spends = new ArrayList<>();
                keys.forEach(k -> spends.add(k.path("spend")));
                int dp = Table.decimals(spends, 4);
                for (JsonNode k : keys) {
                    String period = k.path("budget_duration").isTextual() ? k.path("budget_duration").asText()
                            + (k.path("budget_reset_at").isTextual() ? ", resets " + Table.time(k.path("budget_reset_at")) : "") : null;
                    t.row(Table.text(k.path("key_alias")), Table.text(k.path("key_name")), Table.text(k.path("key_id")),
                            orDash(Table.usd(k.path("spend"), dp)) + " / " + orDash(Table.usd(k.path("max_budget"), 2)), period,
                            models(k), status(k));
                }
                t.print(System.out);
                System.out.println(keys.size() + " key(s)");
            });
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = "One key's settings and the spend of its current period (GET /key/info).")
    static final class Info extends OneKey implements Callable<Integer> {
        public Integer call() {
            return AdminClient.run(gateway, c -> {
                AdminClient.Answer a = c.get("/key/info", params("key", key));
                if (gateway.json) System.out.println(a.raw());
                else details(a.json().path("info"));
            });
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = {"Change a key's settings (POST /key/update); the options left out keep their values.",
                    "none clears a value: --budget none, --expires none, --rpm none, …"})
    static final class Update extends OneKey implements Callable<Integer> {
        @Mixin Fields fields;

        public Integer call() {
            return AdminClient.run(gateway, c -> {
                ObjectNode body = fields.body();
                body.put("key", key);
                AdminClient.Answer a = c.post("/key/update", body, FIELD_OPTIONS);
                if (gateway.json) {
                    System.out.println(a.raw());
                } else {
                    System.out.println("updated " + name(a.json()));
                    details(a.json());
                }
            });
        }
    }

    @Command(name = "block", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = "Refuse every request with this key until it is unblocked (POST /key/block).")
    static final class Block extends OneKey implements Callable<Integer> {
        public Integer call() { return AdminClient.run(gateway, c -> simple(gateway, c, "/key/block", key, "blocked")); }
    }

    @Command(name = "unblock", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = "Let a blocked key work again (POST /key/unblock).")
    static final class Unblock extends OneKey implements Callable<Integer> {
        public Integer call() { return AdminClient.run(gateway, c -> simple(gateway, c, "/key/unblock", key, "unblocked")); }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = "Delete keys for good: all of them, or none when one is unknown (POST /key/delete). Their spend stays in the reports.")
    static final class Delete implements Callable<Integer> {
        @Mixin AdminClient.Options gateway;
        @Parameters(paramLabel = "KEY", arity = "1..*", description = "Keys, token hashes, key_ids or aliases.")
        List<String> keys;

        /**
         * The gateway deletes the keys it finds and lists the others apart ({@code not_found_keys}), as LiteLLM does.
         * Every name is looked up first ({@code POST /v2/key/info}), so that one mistyped name deletes nothing: an
         * operator revoking a leaked key must not be told the batch went through while the leaked one still works.
         */
        public Integer call() {
            return AdminClient.run(gateway, c -> {
                List<String> unknown = unknown(c, keys);
                if (!unknown.isEmpty()) {
                    throw new AdminClient.Failure("not found: " + String.join(", ", unknown) + "; nothing deleted. Fix: check "
                            + "the names with switchboard keys list, then delete again.");
                }
                ObjectNode body = JSON.createObjectNode();
                keys.forEach(body.putArray("keys")::add);
                AdminClient.Answer a = c.post("/key/delete", body);
                if (gateway.json) System.out.println(a.raw());
                else printDeleted(a.json());
                // Deleted between the look-up and the delete (by another admin): said, and not a success.
                List<String> gone = texts(a.json().path("not_found_keys"));
                if (!gone.isEmpty()) throw new AdminClient.Failure("not found (deleted meanwhile?): " + String.join(", ", gone));
            });
        }

        /** The names that match no key, a secret masked as the gateway masks it. */
        private static List<String> unknown(AdminClient c, List<String> keys) {
            ObjectNode body = JSON.createObjectNode();
            keys.forEach(body.putArray("keys")::add);
            return texts(c.post("/v2/key/info", body).json().path("not_found"));
        }

        /** The names as the user sent them (the gateway's {@code deleted_keys}, a secret masked), not token hashes. */
        private static void printDeleted(JsonNode answer) {
            List<String> named = new ArrayList<>();
            for (String k : texts(answer.path("deleted_keys"))) named.add(masked(k));
            System.out.println("deleted " + named.size() + " key(s): " + String.join(", ", named));
        }

        private static String masked(String k) {
            return k.startsWith("sk-") && k.length() > 10 ? k.substring(0, 6) + "..." + k.substring(k.length() - 4) : k;
        }

        private static List<String> texts(JsonNode array) {
            List<String> out = new ArrayList<>();
            array.forEach(n -> out.add(n.asText()));
            return out;
        }
    }

    @Command(name = "regenerate", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = {"A new secret for the key (POST /key/regenerate): the old one stops working now, or after "
                    + "--grace-period; budget, spend and limits stay. The new key is shown once.", "Settings may be changed in the same call."})
    static final class Regenerate extends OneKey implements Callable<Integer> {
        @Mixin Fields fields;
        @Option(names = "--grace-period", paramLabel = "DURATION",
                description = "grace_period: the old secret keeps working as the same key for 30m, 24h, 2d, …; 0s: it stops now "
                        + "(default: the gateway's LITELLM_KEY_ROTATION_GRACE_PERIOD, else it stops now)")
        String gracePeriod;

        public Integer call() {
            return AdminClient.run(gateway, c -> {
                ObjectNode body = fields.body();
                body.put("key", key);
                if (gracePeriod != null) body.put("grace_period", gracePeriod);
                showSecret(gateway, c.post("/key/regenerate", body, FIELD_OPTIONS), "new key");
            });
        }
    }

    /** The answer of generate or regenerate: the secret first and alone on its line, since it is never shown again. */
    private static void showSecret(AdminClient.Options gateway, AdminClient.Answer a, String label) {
        if (gateway.json) {
            System.out.println(a.raw());
            return;
        }
        ObjectNode k = (ObjectNode) a.json().deepCopy();
        String secret = k.remove("key").asText();
        System.out.println(label + ": " + secret);
        System.out.println("This is the only time it is shown: store it now (the gateway keeps only its hash).");
        System.out.println();
        details(k);
    }

    private static void simple(AdminClient.Options gateway, AdminClient c, String path, String key, String done) {
        AdminClient.Answer a = c.post(path, JSON.createObjectNode().put("key", key));
        System.out.println(gateway.json ? a.raw() : done + " " + name(a.json()));
    }

    /** A key's fields as name / value lines, in the gateway's order. */
    private static void details(JsonNode k) {
        List<String[]> lines = new ArrayList<>();
        k.properties().forEach(e -> {
            String n = e.getKey();
            JsonNode v = e.getValue();
            String shown = MONEY.contains(n) ? Table.usd(v, n.endsWith("budget") ? 2 : 4)
                    : TIMES.contains(n) ? Table.time(v)
                    : n.equals("models") ? models(k)
                    : n.equals("aliases") ? aliases(v)
                    : n.equals("metadata") && v.isEmpty() ? null : Table.text(v);
            lines.add(new String[] {n, orDash(shown)});
        });
        Table.vertical(System.out, lines);
    }

    /** {@code key 'alias' (key_id, sk-sb-...abcd)}: how a one-line answer names the key. */
    private static String name(JsonNode k) {
        String alias = k.path("key_alias").isTextual() ? "'" + k.path("key_alias").asText() + "' " : "";
        return "key " + alias + "(" + k.path("key_id").asText() + ", " + k.path("key_name").asText() + ")";
    }

    private static String models(JsonNode k) {
        return k.path("models").isEmpty() ? "all" : Table.text(k.path("models"));
    }

    /** {@code gpt-4 -> cheap, o1 -> smart}; null (shown as a dash) for none. */
    private static String aliases(JsonNode v) {
        if (v.isEmpty()) return null;
        List<String> out = new ArrayList<>();
        v.properties().forEach(e -> out.add(e.getKey() + " -> " + e.getValue().asText()));
        return String.join(", ", out);
    }

    private static String status(JsonNode k) {
        List<String> s = new ArrayList<>();
        if (k.path("blocked").asBoolean()) s.add("blocked");
        if (k.path("expired").asBoolean()) s.add("expired");
        return s.isEmpty() ? "active" : String.join(", ", s);
    }

    private static String orDash(String s) { return s == null ? "-" : s; }
}
