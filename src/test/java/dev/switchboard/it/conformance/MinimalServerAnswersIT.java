package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.OpenAiCompatibleWire.answer;
import static dev.switchboard.it.conformance.OpenAiCompatibleWire.chunk;
import static dev.switchboard.it.conformance.OpenAiCompatibleWire.chunks;
import static dev.switchboard.it.conformance.OpenAiCompatibleWire.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A minimal OpenAI-compatible server (llama.cpp-style) that sends no {@code id} and no usage: every answer gets an id
 * of its own in the client's dialect (all chunks of a stream the same one), and the usage the ledger estimated reaches
 * the client, whole or streamed, OpenAI or Anthropic, as the README promises for servers that send none.
 */
class MinimalServerAnswersIT {
    static CannedGateway env;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: bare
                    litellm_params: { model: openai/bare-model, api_base: "%1$s/v1", api_key: sk-bare-test-9f8e7d6c }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000001 }
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
    }

    @AfterAll
    static void stop() { env.close(); }

    @Test
    void aStreamWithoutIdsOrUsageEndsWithTheEstimateUnderOneIdOfItsOwn() {
        String tag = env.up().sse(chunk(null, "bare-model", "{\"role\":\"assistant\",\"content\":\"Hello\"}", null, null)
                + chunk(null, "bare-model", "{\"content\":\" world\"}", null, null)
                + chunk(null, "bare-model", "{}", "eos", null) + "data: [DONE]\n\n");
        HttpResponse<String> s = env.chat("bare", tag, true);
        List<JsonObject> cs = chunks(s.body());
        JsonObject usage = usageChunk(s.body());
        JsonObject row = env.ledgerRow(s);
        assertThat(row.getBoolean("usage_estimated")).isTrue();
        assertThat(usage.getInteger("completion_tokens")).as(s.body()).isEqualTo(row.getInteger("completion_tokens")).isPositive();
        assertThat(usage.getInteger("prompt_tokens")).isEqualTo(row.getInteger("prompt_tokens"));
        List<String> ids = cs.stream().map(c -> c.getString("id")).distinct().toList();
        assertThat(ids).as(s.body()).hasSize(1);
        assertThat(ids.get(0)).startsWith("chatcmpl-").isNotEqualTo("chatcmpl-switchboard");
        String again = chunks(env.chat("bare", tag, true).body()).get(0).getString("id");
        assertThat(again).startsWith("chatcmpl-").isNotEqualTo(ids.get(0));

        HttpResponse<String> a = env.messages("bare", tag, true);
        String delta = Http.sseData(a.body()).stream().filter(d -> d.contains("\"message_delta\"")).findFirst().orElseThrow();
        assertThat(new JsonObject(delta).getJsonObject("usage").getInteger("output_tokens")).as(a.body()).isPositive();
        String start = Http.sseData(a.body()).stream().filter(d -> d.contains("\"message_start\"")).findFirst().orElseThrow();
        assertThat(new JsonObject(start).getJsonObject("message").getString("id")).startsWith("msg_").isNotEqualTo("msg_switchboard");
    }

    @Test
    void aWholeAnswerWithoutIdOrUsageShowsTheEstimateTheLedgerHasUnderAnIdOfItsOwn() {
        String tag = env.up().json(200, answer(null, "bare-model", null));
        HttpResponse<String> r = env.chat("bare", tag, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        JsonObject row = env.ledgerRow(r);
        assertThat(body.getJsonObject("usage")).as(r.body()).isNotNull();
        assertThat(body.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(row.getInteger("completion_tokens")).isPositive();
        assertThat(body.getJsonObject("usage").getInteger("prompt_tokens")).isEqualTo(row.getInteger("prompt_tokens"));
        String id = body.getString("id");
        assertThat(id).startsWith("chatcmpl-").isNotEqualTo("chatcmpl-switchboard");
        assertThat(new JsonObject(env.chat("bare", tag, false).body()).getString("id")).isNotEqualTo(id);

        JsonObject m = new JsonObject(env.messages("bare", tag, false).body());
        assertThat(m.getJsonObject("usage").getInteger("output_tokens")).as(m.encode()).isPositive();
        assertThat(m.getString("id")).startsWith("msg_").isNotEqualTo("msg_switchboard");
        assertThat(new JsonObject(env.messages("bare", tag, false).body()).getString("id")).isNotEqualTo(m.getString("id"));
    }
}
