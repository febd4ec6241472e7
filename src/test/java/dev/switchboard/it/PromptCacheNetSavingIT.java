package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The provider prompt cache's "saved" is net of the write premium: before, only the reads' discount was counted, so a
 * prompt written for an hour and never read showed no loss although it cost twice the input price.
 * claude-sonnet-4-5: $3 input, $0.30 read, $3.75 5-minute write, $6 1-hour write a million tokens.
 */
class PromptCacheNetSavingIT {
    private static final String CONFIG = """
            model_list:
              - model_name: claude
                litellm_params: { model: anthropic/claude-sonnet-4-5, ${SIM_ANTHROPIC} }
            general_settings:
              master_key: os.environ/MASTER_KEY
            """;

    private static Message ask(AnthropicClient c, String system, CacheControlEphemeral.Ttl ttl) {
        CacheControlEphemeral.Builder cc = CacheControlEphemeral.builder();
        if (ttl != null) cc.ttl(ttl);
        return c.messages().create(MessageCreateParams.builder().model("claude").maxTokens(20).system(system).cacheControl(cc.build())
                .addUserMessage("What do the rules say?").build());
    }

    @Test
    void theSavingIsTheReadDiscountMinusTheWritePremium() throws Exception {
        try (TestGateway gw = TestGateway.start(CONFIG)) {
            AnthropicClient c = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
            try {
                String daily = "You are the daily agent. " + "Follow the repository rules and keep answers short. ".repeat(120);
                String hourly = "You are the hourly agent. " + "Quote the style guide before every answer you give. ".repeat(120);
                long written5m = ask(c, daily, null).usage().cacheCreationInputTokens().orElseThrow();
                long read = ask(c, daily, null).usage().cacheReadInputTokens().orElseThrow();
                long written1h = ask(c, hourly, CacheControlEphemeral.Ttl.TTL_1H).usage().cacheCreationInputTokens().orElseThrow();
                assertThat(written5m).isGreaterThan(1024);
                assertThat(read).isEqualTo(written5m);
                assertThat(written1h).isGreaterThan(1024);

                String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
                double readSaving = read * (3 - 0.3) / 1e6;
                double premium = written5m * (3.75 - 3) / 1e6 + written1h * (6 - 3) / 1e6;
                assertThat(MetricsIT.value(metrics, "switchboard_cache_saved_usd_total", "layer", "provider_prompt"))
                        .as("the reads' discount").isCloseTo(readSaving, within(1e-8));
                assertThat(MetricsIT.value(metrics, "switchboard_prompt_cache_write_premium_usd_total"))
                        .as("a 1-hour write costs 1x input over, a 5-minute one 0.25x").isCloseTo(premium, within(1e-8));
                assertThat(readSaving - premium).as("written more than read: a loss").isNegative();

                // the dashboard's daily sums know writes as one count: priced at the 5-minute premium (the 1-hour write's
                // extra 0.75x is the metric's only)
                HttpResponse<String> login = Http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/ui/login"))
                        .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("master_key", TestGateway.MASTER_KEY).encode())).build());
                String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
                String cookie = setCookie.substring(0, setCookie.indexOf(';'));
                JsonObject prompt = null;
                long deadline = System.currentTimeMillis() + 10_000;
                while (System.currentTimeMillis() < deadline) {
                    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/ui/api/overview"))
                            .timeout(Duration.ofSeconds(20)).header("cookie", cookie).GET().build());
                    JsonArray layers = new JsonObject(r.body()).getJsonObject("cache").getJsonArray("layers");
                    for (int i = 0; i < layers.size(); i++) {
                        if (layers.getJsonObject(i).getString("layer").equals("provider_prompt")) prompt = layers.getJsonObject(i);
                    }
                    if (prompt != null && prompt.getLong("write_premium_nanos", 0L) > 0 && prompt.getLong("hits") == read) break;
                    Thread.sleep(100);
                }
                assertThat(prompt).isNotNull();
                long readNanos = Math.round(read * 2.7e-6 * 1e9);
                long premiumNanos = Math.round((written5m + written1h) * 0.75e-6 * 1e9);
                assertThat(prompt.getLong("read_saving_nanos")).isEqualTo(readNanos);
                assertThat(prompt.getLong("write_premium_nanos")).isEqualTo(premiumNanos);
                assertThat(prompt.getLong("saved_nanos")).as(prompt.encode()).isEqualTo(readNanos - premiumNanos);
                // the cell says how 1-hour writes are priced, and shows its parts only when writes cost something
                String app = Http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/ui/static/app.js"))
                        .timeout(Duration.ofSeconds(20)).GET().build()).body();
                assertThat(app).contains("1-hour writes priced at the 5-minute premium").contains("l.write_premium_nanos > 0");
            } finally {
                c.close();
            }
        }
    }
}
