package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseStatus;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.RawPost;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A streamed Responses request ({@code store} default true, not background) whose client leaves mid-stream: the client
 * holds the response's id ({@code response.created}), so {@code GET /v1/responses/{id}} finds it afterwards, as it finds
 * a completed or failed one: {@code incomplete}, with what was produced until then and the cost of the one ledger row
 * the left stream has (499), never a second charge. It was a 404.
 */
class ResponsesClientLeavesIT {
    static TestGateway gw;
    static Admin admin;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    /** What the client saw before it left: the answer's request id and the response id of {@code response.created}. */
    private record Left(String requestId, String responseId, String seen) {}

    /** Posts a slow stream on a raw socket, reads until {@code until} has arrived, then closes the socket. */
    private static Left leaveAfter(String body, String until) throws Exception {
        StringBuilder seen = new StringBuilder();
        try (Socket socket = RawPost.open(gw, "/v1/responses", body)) {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            while (!seen.toString().contains(until)) {
                int n = in.read(buf);
                if (n < 0) break;
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } // the client goes away mid-stream
        String text = seen.toString();
        assertThat(text).startsWith("HTTP/1.1 200").contains(until);
        Matcher requestId = Pattern.compile("(?im)^x-request-id: *(\\S+)").matcher(text);
        assertThat(requestId.find()).as(text).isTrue();
        Matcher responseId = Pattern.compile("\"id\":\"(resp_[0-9a-f]+)\"").matcher(text);
        assertThat(responseId.find()).as(text).isTrue();
        return new Left(requestId.group(1), responseId.group(1), text);
    }

    /** The call's rows in the ledger (the call's own, attempt 0, and any failed attempts'). */
    private static JsonArray rows(String requestId) {
        return admin.getOk("/spend/logs?request_id=" + requestId).getJsonArray("data");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"claude", "gpt"}) // translated, and OpenAI's own events relayed
    void aStreamItsClientLeftIsStoredIncompleteWithWhatWasProducedAndTheCostCharged(String alias) throws Exception {
        gw.simulator.enqueue(SimBehaviour.longSlowStream(150, 60));
        Left left = leaveAfter("{\"model\":\"" + alias + "\",\"input\":\"tell me a long story\",\"stream\":true}",
                "response.output_text.delta");

        // the ledger has the left stream once, as 499 (the cancel settled it)
        JsonObject row = await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonArray rows = rows(left.requestId());
            return rows.isEmpty() ? null : rows.getJsonObject(0);
        }, r -> r != null);
        assertThat(row.getInteger("status")).as(row.encode()).isEqualTo(499);

        // GET finds it (the SDK's retrieve), incomplete, as far as it got
        Response kept = await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> client.responses().retrieve(left.responseId()), r -> r != null);
        assertThat(kept.id()).isEqualTo(left.responseId());
        assertThat(kept.status()).hasValue(ResponseStatus.INCOMPLETE);
        HttpResponse<String> raw = Http.get(gw.v1() + "/responses/" + left.responseId(), TestGateway.MASTER_KEY);
        assertThat(raw.statusCode()).isEqualTo(200);
        OpenAiSchemas.assertValid("Response", raw.body());
        JsonObject body = new JsonObject(raw.body());
        if (alias.equals("claude")) {
            // the message that was streaming, closed incomplete with its text so far
            JsonObject message = body.getJsonArray("output").getJsonObject(body.getJsonArray("output").size() - 1);
            assertThat(message.getString("type")).isEqualTo("message");
            assertThat(message.getString("status")).isEqualTo("incomplete");
            assertThat(message.getJsonArray("content").getJsonObject(0).getString("text")).isNotEmpty();
        }
        // the usage's cost is the one ledger row's: the left stream is charged once
        BigDecimal cost = new BigDecimal(body.getJsonObject("usage").getValue("cost").toString());
        assertThat(cost).isEqualByComparingTo(new BigDecimal(row.getValue("spend").toString()));
        assertThat(cost).isPositive();
        Thread.sleep(300); // nothing settles it twice
        assertThat(rows(left.requestId()).stream().map(JsonObject.class::cast).filter(r -> r.getInteger("attempt") == 0))
                .hasSize(1);

        // played back as a stream, it ends as the response says: response.incomplete
        HttpResponse<String> replay = Http.get(gw.v1() + "/responses/" + left.responseId() + "?stream=true", TestGateway.MASTER_KEY);
        List<String> data = Http.sseData(replay.body());
        assertThat(new JsonObject(data.get(data.size() - 1)).getString("type")).isEqualTo("response.incomplete");
    }

    /**
     * A stream left inside a tool call's arguments: the Response object shows the call {@code incomplete} with the
     * arguments it had (cut mid-JSON), but the conversation a next turn continues from leaves it out: a follow-up with
     * {@code previous_response_id} is answered, and Claude is sent no {@code tool_use} (a call with broken arguments
     * and no result was a 400 there, or a failed translation).
     */
    @Test
    void aCallCutMidArgumentsIsShownIncompleteButNotContinuedFrom() throws Exception {
        gw.simulator.enqueue(SimBehaviour.longSlowStream(300, 1));
        Left left = leaveAfter("{\"model\":\"claude\",\"input\":\"the weather in Paris?\",\"stream\":true,"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"},\"unit\":{\"type\":\"string\"}},\"required\":[\"city\",\"unit\"]}}]}",
                "response.function_call_arguments.delta");
        await().atMost(Duration.ofSeconds(10)).until(() -> !rows(left.requestId()).isEmpty());

        HttpResponse<String> raw = await().atMost(Duration.ofSeconds(5))
                .until(() -> Http.get(gw.v1() + "/responses/" + left.responseId(), TestGateway.MASTER_KEY), r -> r.statusCode() == 200);
        OpenAiSchemas.assertValid("Response", raw.body());
        JsonObject call = new JsonObject(raw.body()).getJsonArray("output").getJsonObject(0);
        assertThat(call.getString("type")).as(raw.body()).isEqualTo("function_call");
        assertThat(call.getString("status")).isEqualTo("incomplete");
        assertThat(call.getString("arguments")).as("cut mid-JSON").startsWith("{").doesNotEndWith("}");
        // its input items are the request's input alone (the call is not counted as one)
        JsonArray inputs = new JsonObject(Http.get(gw.v1() + "/responses/" + left.responseId() + "/input_items?order=asc",
                TestGateway.MASTER_KEY).body()).getJsonArray("data");
        assertThat(inputs).hasSize(1);
        assertThat(inputs.getJsonObject(0).getString("role")).isEqualTo("user");

        HttpResponse<String> next = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, "{\"model\":\"claude\","
                + "\"input\":\"never mind, say hello\",\"previous_response_id\":\"" + left.responseId() + "\"}");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(new JsonObject(next.body()).getString("status")).isEqualTo("completed");
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
        assertThat(sent.encode()).as("the cut call is not sent back").doesNotContain("tool_use").doesNotContain("toolu_sim001");
        assertThat(sent.getJsonObject(0).encode()).contains("the weather in Paris?");
        assertThat(sent.getJsonObject(sent.size() - 1).encode()).contains("never mind, say hello");
    }

    @Test
    void withStoreFalseNothingIsKept() throws Exception {
        gw.simulator.enqueue(SimBehaviour.longSlowStream(150, 60));
        Left left = leaveAfter("{\"model\":\"claude\",\"input\":\"tell me a long story\",\"stream\":true,\"store\":false}",
                "response.output_text.delta");
        await().atMost(Duration.ofSeconds(10)).until(() -> !rows(left.requestId()).isEmpty());
        assertThatThrownBy(() -> client.responses().retrieve(left.responseId()))
                .isInstanceOf(NotFoundException.class);
    }
}
