package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fallback of another mode than the call's is passed over: an embeddings alias that failed is not handed to a chat
 * alias (a default fallback or one of its own chain), and the next target that serves embeddings is taken; with none left,
 * the client gets the primary's error, as when an allowlist ends the chain.
 */
class FallbackModeIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("flaky=flaky-embed-model", "flaky2=flaky-embed-model-2",
                "cheap=gpt-4o-mini", "emb2=text-embedding-3-small", "broken=broken-chat-model",
                "broken2=broken-chat-model-2", "embpriced=text-embedding-3-small", "big=gpt-4o") + """
                router_settings:
                  num_retries: 0
                  allowed_fails: 1000
                  default_fallbacks: [cheap]
                  fallbacks: [{ flaky2: [cheap, emb2] }, { broken2: [emb2, cheap] }, { embpriced: [big] }]
                  context_window_fallbacks: [{ cheap: [big] }]
                  model_group_alias: { gpt4: cheap }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        gw.simulator.behaveAlways("flaky-embed-model", SimBehaviour.status(500));
        gw.simulator.behaveAlways("flaky-embed-model-2", SimBehaviour.status(500));
        gw.simulator.behaveAlways("broken-chat-model", SimBehaviour.status(500));
        gw.simulator.behaveAlways("broken-chat-model-2", SimBehaviour.status(500));
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static long callsTo(String model) {
        return gw.simulator.received().stream().filter(r -> r.body() != null && model.equals(r.body().getString("model"))).count();
    }

    @Test
    void anEmbeddingsAliasDoesNotFallBackToTheDefaultChatAlias() {
        long before = callsTo("gpt-4o-mini");
        HttpResponse<String> r = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"flaky\",\"input\":\"hello\"}");
        assertThat(r.statusCode()).as(r.body()).isGreaterThanOrEqualTo(500);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("primary");
        assertThat(new JsonObject(r.body()).getJsonObject("error")).isNotNull();
        assertThat(callsTo("gpt-4o-mini")).as("the chat alias was never called").isEqualTo(before);
        assertThat(Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body())
                .contains("switchboard_fallbacks_skipped_total{alias=\"flaky\",cause=\"mode\",reason=\"error\"");
    }

    @Test
    void anEmbeddingsChainSkipsItsChatTargetForTheNextEmbeddingsOne() {
        long before = callsTo("gpt-4o-mini");
        HttpResponse<String> r = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"flaky2\",\"input\":\"hello\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/text-embedding-3-small");
        assertThat(callsTo("gpt-4o-mini")).isEqualTo(before);
    }

    /**
     * A key's budget reserves only for targets that can serve the call: an embeddings call's chat fallback (gpt-4o, at
     * 125 times the embedding model's input price) is one the router passes over, so it is not in the worst case. Before
     * 2026-12-07 it was, and a key that could afford the embedding ($0.00008 for 4,000 bytes) was refused for gpt-4o's
     * $0.01.
     */
    @Test
    void aBudgetDoesNotReserveForAFallbackOfAnotherMode() {
        String key = new dev.switchboard.support.Admin(gw).generate(new JsonObject().put("key_alias", "emb-budget")
                .put("max_budget", 0.001)).getString("key");
        HttpResponse<String> r = Http.post(gw.v1() + "/embeddings", key,
                "{\"model\":\"embpriced\",\"input\":\"" + "word ".repeat(800) + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/text-embedding-3-small");
    }

    /**
     * Review (2026-12-07): a group alias without fallbacks of its own is routed with its target's (gpt4 → cheap, whose
     * context-window fallback is big = gpt-4o), so a budget reserves for them too: 1,000 output tokens cost $0.0006 on
     * gpt-4o-mini and $0.01 on gpt-4o, and a key with $0.003 left is refused up front rather than overshot when the router
     * falls back. Before, the worst case asked for gpt4's own lists alone (none): gpt-4o-mini's price was reserved and this
     * was a 200. With fallbacks off the same key is served, so the refusal is the fallback's reservation.
     */
    @Test
    void aBudgetReservesForTheFallbacksOfTheGroupAGroupAliasNames() {
        String key = new dev.switchboard.support.Admin(gw).generate(new JsonObject().put("key_alias", "alias-budget")
                .put("max_budget", 0.003)).getString("key");
        String body = "{\"model\":\"gpt4\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("budget_exceeded");
        assertThat(error.getString("message")).contains("could cost up to $0.01");
        HttpResponse<String> alone = Http.post(gw.v1() + "/chat/completions", key, body,
                "x-switchboard-fallbacks", "off");
        assertThat(alone.statusCode()).as(alone.body()).isEqualTo(200);
        assertThat(alone.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");
    }

    /** A chat call still takes the chat default fallback. */
    @Test
    void aChatAliasStillFallsBackToTheDefaultChatAlias() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"broken\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
    }

    /** Review (2026-12-07): a chat call passes over an embedding model in its chain and is served by the next chat target. */
    @Test
    void aChatChainSkipsItsEmbeddingTargetForTheNextChatOne() {
        long embBefore = callsTo("text-embedding-3-small");
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"broken2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");
        assertThat(callsTo("text-embedding-3-small")).as("the embedding model was never called").isEqualTo(embBefore);
    }
}
