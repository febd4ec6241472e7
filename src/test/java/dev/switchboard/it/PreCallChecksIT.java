package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LiteLLM's {@code enable_pre_call_checks}: a deployment whose context window (model_info's max_input_tokens, else the
 * price catalog's) is smaller than the prompt is never called; the group's others serve it, else the
 * context-window fallbacks, else a 400 {@code context_length_exceeded} in the caller's dialect, with nothing called.
 */
@ExtendWith(GatewayPerClass.class)
class PreCallChecksIT {
    static TestGateway gw;
    /** About 1,000 tokens of English: more than the small windows (50), far less than the roomy ones. */
    static final String LONG = "The quick brown fox jumps over the lazy dog. ".repeat(100);

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: mixed
                    litellm_params: { model: openai/small-model, api_base: ${SIM}, api_key: sk-sim }
                    model_info: { max_input_tokens: 50 }
                  - model_name: mixed
                    litellm_params: { model: openai/roomy-model, api_base: ${SIM}, api_key: sk-sim }
                    model_info: { max_input_tokens: 100000 }
                  - model_name: tiny
                    litellm_params: { model: openai/tiny-model, api_base: ${SIM}, api_key: sk-sim }
                    model_info: { max_input_tokens: 50 }
                  - model_name: big
                    litellm_params: { model: openai/big-model, api_base: ${SIM}, api_key: sk-sim }
                  - model_name: solo
                    litellm_params: { model: openai/solo-model, api_base: ${SIM}, api_key: sk-sim }
                    model_info: { max_input_tokens: 50 }
                  - model_name: twin
                    litellm_params: { model: openai/big-model, api_base: ${SIM}, api_key: sk-sim }
                    model_info: { max_input_tokens: 50 }
                  - model_name: catalogued
                    litellm_params: { model: openai/gpt-3.5-turbo, api_base: ${SIM}, api_key: sk-sim }
                router_settings:
                  enable_pre_call_checks: true
                  num_retries: 0
                  context_window_fallbacks: [{ tiny: [big] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    private static HttpResponse<String> chat(String model, String text) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, new JsonObject().put("model", model)
                .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", text)))
                .encode());
    }

    private static List<String> upstreamModels() {
        return gw.simulator.received().stream().map(r -> r.body().getString("model")).toList();
    }

    @Test
    void aLongPromptGoesOnlyToTheDeploymentsOfTheGroupWhoseWindowTakesIt() {
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = chat("mixed", LONG);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("primary");
        }
        assertThat(upstreamModels()).hasSize(8).containsOnly("roomy-model");
        // a short prompt may still go to either
        for (int i = 0; i < 16; i++) assertThat(chat("mixed", "hi").statusCode()).isEqualTo(200);
        assertThat(upstreamModels()).contains("small-model");
    }

    @Test
    void aGroupTooSmallForThePromptFallsBackOnItsContextWindowListWithoutACall() {
        HttpResponse<String> r = chat("tiny", LONG);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:context_window");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/big-model");
        assertThat(upstreamModels()).containsExactly("big-model");
        assertThat(chat("tiny", "hi").headers().firstValue("x-switchboard-route")).hasValue("primary");
    }

    @Test
    void withNowhereToGoItIsTheProvidersContextLengthErrorInTheCallersDialect() {
        HttpResponse<String> r = chat("solo", LONG);
        assertThat(r.statusCode()).isEqualTo(400);
        OpenAiSchemas.assertValid("ErrorResponse", r.body());
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("context_length_exceeded");
        assertThat(e.getString("message")).contains("'solo'").contains("50 tokens");
        assertThat(gw.simulator.arrivals()).as("nothing was called").isZero();

        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, new JsonObject().put("model", "solo")
                .put("max_tokens", 20).put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user")
                        .put("content", LONG))).encode(), "anthropic-version", "2023-06-01");
        assertThat(a.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(a.body()).getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(gw.simulator.arrivals()).isZero();
    }

    /** Each entry's own window: another entry of the same provider/model (big, unlimited) does not lend it its own. */
    @Test
    void theWindowIsTheEntrysOwnAndTheResponsesApiNamesItsInput() {
        HttpResponse<String> r = chat("twin", LONG);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(chat("big", LONG).statusCode()).isEqualTo(200);
        HttpResponse<String> responses = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, new JsonObject()
                .put("model", "solo").put("input", LONG).encode());
        assertThat(responses.statusCode()).isEqualTo(400);
        JsonObject e = new JsonObject(responses.body()).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("context_length_exceeded");
        assertThat(e.getString("param")).isEqualTo("input");
    }

    @Test
    void theCatalogsWindowCountsAndAPromptWithinItIsServed() {
        // gpt-3.5-turbo's window in the catalog is 16,385 tokens: about 20,000 are refused before any call, 1,000 are served
        HttpResponse<String> r = chat("catalogued", LONG.repeat(20));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("context_length_exceeded");
        assertThat(gw.simulator.arrivals()).isZero();
        assertThat(chat("catalogued", LONG).statusCode()).isEqualTo(200);
    }

    @Test
    void withoutTheSettingEveryDeploymentIsCalled() {
        try (TestGateway off = TestGateway.start("""
                model_list:
                  - model_name: solo
                    litellm_params: { model: openai/solo-model, api_base: ${SIM}, api_key: sk-sim }
                    model_info: { max_input_tokens: 50 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            HttpResponse<String> r = Http.post(off.v1() + "/chat/completions", TestGateway.MASTER_KEY, new JsonObject()
                    .put("model", "solo").put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user")
                            .put("content", LONG))).encode());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(off.simulator.arrivals()).isEqualTo(1);
        }
    }
}
