package dev.switchboard.support;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.simulator.SimBehaviour;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * Known traffic for the dashboard tests, sent with the OpenAI SDK through two virtual keys, and what the ledger says
 * about it (read back with the admin API, which scans the ledger rows: the figures the rollups must equal).
 *
 * <ul>
 *   <li>{@code alpha} (budget $10 / 30d): {@code gpt} twice with the same request (a miss, then an exact cache hit),
 *       {@code gpt} twice with a long shared system prompt (the simulator's OpenAI prompt cache reports cached tokens
 *       on the second), {@code slow} twice (300 ms before the first byte);</li>
 *   <li>{@code beta}: {@code primary} twice, the first failing upstream with a 500 and served by {@code backup}
 *       (a fallback), the second served by {@code primary}.</li>
 * </ul>
 * {@code alpha} is for the stored team {@code research} ("Research", $20 / 30d: its calls are the team's) and the
 * stored user {@code ada@example.com} ($5: a user's budget covers their calls outside a team, so none of these); a
 * stored customer {@code acme} ($3) has no calls.
 */
public final class DashboardFixture {
    public static final String CONFIG = """
            model_list:
              - model_name: gpt
                litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, cache: true }
              - model_name: primary
                litellm_params: { model: openai/primary-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                model_info: { input_cost_per_token: 0.000002, output_cost_per_token: 0.000008 }
              - model_name: backup
                litellm_params: { model: openai/backup-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                model_info: { input_cost_per_token: 0.000003, output_cost_per_token: 0.000012 }
              - model_name: slow
                litellm_params: { model: openai/slow-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000004 }
            router_settings:
              num_retries: 0
              allowed_fails: 1000
              fallbacks: [{ primary: [backup] }]
            general_settings:
              master_key: os.environ/MASTER_KEY
            """;
    public static final long SLOW_MS = 300;
    public static final String TEAM = "research";

    public final JsonObject alphaKey;
    public final JsonObject betaKey;

    private DashboardFixture(JsonObject alphaKey, JsonObject betaKey) {
        this.alphaKey = alphaKey;
        this.betaKey = betaKey;
    }

    /** Creates the two keys and sends the traffic; returns when every call has been answered. */
    public static DashboardFixture send(TestGateway gw) {
        Admin admin = new Admin(gw);
        admin.postOk("/team/new", new JsonObject().put("team_id", TEAM).put("team_alias", "Research").put("max_budget", 20)
                .put("budget_duration", "30d"));
        admin.postOk("/user/new", new JsonObject().put("user_id", "ada@example.com").put("user_email", "ada@example.com")
                .put("max_budget", 5).put("auto_create_key", false));
        admin.postOk("/customer/new", new JsonObject().put("user_id", "acme").put("max_budget", 3));
        JsonObject alpha = admin.generate(new JsonObject().put("key_alias", "alpha").put("max_budget", 10)
                .put("budget_duration", "30d").put("models", new JsonArray().add("gpt").add("slow"))
                .put("user_id", "ada@example.com").put("team_id", TEAM).put("aliases", new JsonObject().put("gpt-4", "gpt")));
        JsonObject beta = admin.generate(new JsonObject().put("key_alias", "beta"));
        gw.simulator.behaveAlways("slow-model", SimBehaviour.slowFirstByte(SLOW_MS));
        OpenAIClient a = client(gw, alpha.getString("key"));
        OpenAIClient b = client(gw, beta.getString("key"));
        try {
            ask(a, "gpt", null, "Say hello to the dashboard");
            ask(a, "gpt", null, "Say hello to the dashboard");
            String longSystem = "You are the weekend accountant. " + "Keep every figure exact and say where it came from. ".repeat(180);
            ask(a, "gpt", longSystem, "What did the first app spend?");
            ask(a, "gpt", longSystem, "And the second?");
            ask(a, "slow", null, "Take your time");
            ask(a, "slow", null, "Take your time again");
            gw.simulator.enqueue("primary-model", SimBehaviour.status(500));
            ask(b, "primary", null, "Which provider hiccuped?");
            ask(b, "primary", null, "And now?");
        } finally {
            a.close();
            b.close();
        }
        return new DashboardFixture(alpha, beta);
    }

    private static OpenAIClient client(TestGateway gw, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
    }

    private static void ask(OpenAIClient c, String model, String system, String user) {
        ChatCompletionCreateParams.Builder p = ChatCompletionCreateParams.builder().model(model);
        if (system != null) p.addSystemMessage(system);
        c.chat().completions().create(p.addUserMessage(user).build());
    }

    /** What the ledger rows of one app (key alias) add up to, read with {@code /spend/logs}. */
    public record LedgerFigures(long served, long costNanos, long exactHits, long fallbacks, long failedAttempts,
                                long cacheReadTokens, long promptTokensUpstream) {}

    public static LedgerFigures ledger(TestGateway gw, String alias) {
        JsonObject page = new Admin(gw).getOk("/spend/logs?key_alias=" + alias + "&page_size=1000");
        long served = 0, cost = 0, hits = 0, fallbacks = 0, failed = 0, cached = 0, prompt = 0;
        for (Object o : page.getJsonArray("data")) {
            JsonObject r = (JsonObject) o;
            cost += new BigDecimal(r.getValue("spend").toString()).movePointRight(9).longValueExact();
            if (r.getInteger("attempt") > 0) {
                if (r.getInteger("status") != 499) failed++; // a client's leaving is no failed attempt (FailedAttempts)
                continue;
            }
            served++;
            if ("hit-exact".equals(r.getString("cache_status"))) hits++;
            else {
                cached += r.getLong("cache_read_tokens");
                prompt += r.getLong("prompt_tokens");
            }
            if (String.valueOf(r.getString("route")).startsWith("fallback")) fallbacks++;
        }
        return new LedgerFigures(served, cost, hits, fallbacks, failed, cached, prompt);
    }
}
