package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** litellm_params that shape the upstream call, and the mock provider's knobs, seen from a real client. */
class DeploymentParamsIT {
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void extraHeadersDefaultMaxTokensAndModelGroups() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: team
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: ${SIM}
                      api_key: os.environ/PROVIDER_KEY
                      max_tokens: 321
                      extra_headers: { OpenAI-Organization: org-switchboard, X-Trace: on }
                  - model_name: team
                    litellm_params: { model: mock/backup }
                """)) {
            int upstream = 0, mock = 0;
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"team\"," + HI + "}");
                assertThat(r.statusCode()).isEqualTo(200);
                String served = r.headers().firstValue("x-switchboard-model").orElseThrow();
                if (served.equals("openai/gpt-4o-mini")) upstream++; else if (served.equals("mock/backup")) mock++;
            }
            assertThat(upstream + mock).isEqualTo(40);
            assertThat(upstream).as("a model group spreads requests over its deployments").isPositive();
            assertThat(mock).isPositive();
            var seen = gw.simulator.last();
            assertThat(seen.headers().get("OpenAI-Organization")).isEqualTo("org-switchboard");
            assertThat(seen.headers().get("X-Trace")).isEqualTo("on");
            assertThat(seen.body().getInteger("max_completion_tokens")).as("deployment default for an OpenAI model").isEqualTo(321);

            gw.simulator.reset();
            Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"team\",\"max_tokens\":5," + HI + "}");
            Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"team\",\"max_tokens\":5," + HI + "}");
            Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"team\",\"max_tokens\":5," + HI + "}");
            Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"team\",\"max_tokens\":5," + HI + "}");
            gw.simulator.received().forEach(r -> {
                assertThat(r.body().getInteger("max_tokens")).as("the client's own field and value win").isEqualTo(5);
                assertThat(r.body().containsKey("max_completion_tokens")).isFalse();
            });
        }
    }

    /**
     * LiteLLM's openrouter docs pass OpenRouter's own fields as litellm_params ({@code transforms}, {@code models},
     * {@code route}), and LiteLLM sends them in the body; they were "unknown key (LiteLLM documents none of that name),
     * ignored", so the middle-out transform a user relied on was silently off.
     */
    @Test
    void openRouterFieldsInLitellmParamsReachTheBody() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: mixtral
                    litellm_params:
                      model: openrouter/mistralai/mixtral-8x7b-instruct
                      api_base: ${SIM}
                      api_key: os.environ/PROVIDER_KEY
                      transforms: ["middle-out"]
                      route: "fallback"
                      models: ["openai/gpt-4o-mini"]
                """)) {
            assertThat(gw.gateway.config().warnings()).noneMatch(w -> w.contains("transforms") || w.contains("route"));
            assertThat(Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"mixtral\"," + HI + "}").statusCode()).isEqualTo(200);
            JsonObject body = gw.simulator.last().body();
            assertThat(body.getJsonArray("transforms").getString(0)).isEqualTo("middle-out");
            assertThat(body.getString("route")).isEqualTo("fallback");
            assertThat(body.getJsonArray("models").getString(0)).isEqualTo("openai/gpt-4o-mini");

            Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"mixtral\",\"transforms\":[]," + HI + "}");
            assertThat(gw.simulator.last().body().getJsonArray("transforms")).as("the request's own value wins").isEmpty();
        }
    }

    /**
     * LiteLLM's OR_SITE_URL and OR_APP_NAME (its openrouter docs) reach OpenRouter as the HTTP-Referer and X-Title
     * headers its app attribution reads; the gateway did not read them, so an app moved from LiteLLM vanished from
     * OpenRouter's rankings and activity by app. A deployment's own extra_headers win; other prefixes get neither.
     */
    @Test
    void openRouterAppAttributionFromLiteLlmsVariables() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: mixtral
                    litellm_params: { model: openrouter/mistralai/mixtral-8x7b-instruct, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: own
                    litellm_params: { model: openrouter/mistralai/mixtral-8x7b-instruct, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, extra_headers: { x-title: Mine } }
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                """, java.util.Map.of("OR_SITE_URL", "https://example.org/app", "OR_APP_NAME", "Example App"))) {
            assertThat(Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"mixtral\"," + HI + "}").statusCode()).isEqualTo(200);
            assertThat(gw.simulator.last().headers().get("HTTP-Referer")).isEqualTo("https://example.org/app");
            assertThat(gw.simulator.last().headers().get("X-Title")).isEqualTo("Example App");

            assertThat(Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"own\"," + HI + "}").statusCode()).isEqualTo(200);
            assertThat(gw.simulator.last().headers().getAll("X-Title")).containsExactly("Mine");
            assertThat(gw.simulator.last().headers().get("HTTP-Referer")).isEqualTo("https://example.org/app");

            assertThat(Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"gpt\"," + HI + "}").statusCode()).isEqualTo(200);
            assertThat(gw.simulator.last().headers().contains("HTTP-Referer")).isFalse();
            assertThat(gw.simulator.last().headers().contains("X-Title")).isFalse();
        }
    }

    /** OpenRouter's body fields on another provider's deployment are warned and not sent (that API has no such field). */
    @Test
    void openRouterFieldsOnAnotherProviderAreWarnedAndNotSent() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, transforms: ["middle-out"] }
                """)) {
            assertThat(gw.gateway.config().warnings()).anyMatch(w -> w.contains("transforms"));
            assertThat(Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"gpt\"," + HI + "}").statusCode()).isEqualTo(200);
            assertThat(gw.simulator.last().body().containsKey("transforms")).isFalse();
        }
    }

    /** LiteLLM's OPENAI_API_BASE (here from environment_variables, LiteLLM's overlay) is where openai/ without api_base goes. */
    @Test
    void openAiApiBaseVariableIsWhereAnOpenAiDeploymentWithoutApiBaseGoes() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/PROVIDER_KEY }
                environment_variables:
                  OPENAI_API_BASE: ${SIM}
                """)) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"gpt\"," + HI + "}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(gw.simulator.received()).hasSize(1);
        }
    }

    /** A bare * has no provider at load: a gpt name through it takes OPENAI_API_BASE as a named openai/ entry does. */
    @Test
    void aBareStarSendsAnOpenAiNameToOpenAiApiBase() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: "*"
                    litellm_params: { model: "*", api_key: os.environ/PROVIDER_KEY }
                environment_variables:
                  OPENAI_API_BASE: ${SIM}
                """)) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"gpt-4o-mini\"," + HI + "}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(gw.simulator.received()).hasSize(1);
        }
    }

    @Test
    void namedPrefixesUseTheirDefaultBaseUrl() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: local
                    litellm_params: { model: ollama/llama3.1 }
                """)) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"local\"," + HI + "}");
            // No Ollama runs here: the call failed to connect, and the address it went to is Ollama's default (which
            // the client's error does not name: the log and `check` do).
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
                    .contains("Cannot connect to upstream ollama/llama3.1").doesNotContain("11434");
            assertThat(gw.gateway.models()).singleElement().satisfies(m -> assertThat(m.baseUrl()).contains("localhost:11434"));
        }
    }

    @Test
    void mockEmbeddingsHonourBase64AndTokenArrays() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: embed
                    litellm_params: { model: mock/embed }
                """)) {
            JsonObject floats = new JsonObject(Http.post(gw.v1() + "/embeddings", null, "{\"model\":\"embed\",\"input\":\"a\"}").body());
            HttpResponse<String> b64 = Http.post(gw.v1() + "/embeddings", null,
                    "{\"model\":\"embed\",\"input\":\"a\",\"encoding_format\":\"base64\"}");
            // (OpenAI's published schema only describes the float form, so no schema check here)
            byte[] raw = java.util.Base64.getDecoder().decode(new JsonObject(b64.body()).getJsonArray("data").getJsonObject(0).getString("embedding"));
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            io.vertx.core.json.JsonArray expected = floats.getJsonArray("data").getJsonObject(0).getJsonArray("embedding");
            assertThat(raw).hasSize(expected.size() * 4);
            for (int i = 0; i < expected.size(); i++) assertThat(bytes.getFloat()).isEqualTo(expected.getFloat(i));

            JsonObject oneTokenArray = new JsonObject(Http.post(gw.v1() + "/embeddings", null, "{\"model\":\"embed\",\"input\":[1,2,3]}").body());
            assertThat(oneTokenArray.getJsonArray("data")).as("a token array is one input").hasSize(1);
            JsonObject twoTokenArrays = new JsonObject(Http.post(gw.v1() + "/embeddings", null, "{\"model\":\"embed\",\"input\":[[1,2],[3]]}").body());
            assertThat(twoTokenArrays.getJsonArray("data")).hasSize(2);
        }
    }

    @Test
    void mockFaultsAndLatency() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: limited
                    litellm_params: { model: mock/x, mock_fault: rate_limit }
                  - model_name: broken
                    litellm_params: { model: mock/y, mock_fault: server_error }
                  - model_name: slow
                    litellm_params: { model: mock/z, mock_latency_ms: 300, mock_response: "fixed answer" }
                  - model_name: too-slow
                    litellm_params: { model: mock/t, mock_latency_ms: 3000, timeout: 0.2 }
                router_settings: { num_retries: 0 }   # the mock's fault itself, not the router's retries of it
                """)) {
            long start = System.nanoTime();
            HttpResponse<String> timedOut = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"too-slow\"," + HI + "}");
            assertThat(timedOut.statusCode()).as("timeout applies to the mock's latency too").isEqualTo(504);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
            HttpResponse<String> limited = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"limited\"," + HI + "}");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
            assertThat(Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"broken\",\"stream\":true," + HI + "}").statusCode()).isEqualTo(502);
            long t0 = System.nanoTime();
            HttpResponse<String> slow = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"slow\"," + HI + "}");
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(290);
            assertThat(new JsonObject(slow.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                    .getString("content")).isEqualTo("fixed answer");
        }
    }

    /**
     * A deployment's {@code timeout: 0} was a 0 s wait: every call a 504 at once. LiteLLM's router reads it with
     * {@code x or y}, so 0 is "not set" and router_settings' timeout applies (twenty-third session).
     */
    @Test
    void aDeploymentTimeoutOfZeroLeavesTheRoutersTimeout() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: quick
                    litellm_params: { model: mock/q, mock_latency_ms: 200, mock_response: "in time", timeout: 0 }
                  - model_name: slow
                    litellm_params: { model: mock/s, mock_latency_ms: 5000, stream_timeout: 0, timeout: 0 }
                router_settings: { timeout: 1, num_retries: 0 }
                """)) {
            HttpResponse<String> quick = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"quick\"," + HI + "}");
            assertThat(quick.statusCode()).as(quick.body()).isEqualTo(200);
            assertThat(new JsonObject(quick.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                    .getString("content")).isEqualTo("in time");
            long start = System.nanoTime();
            HttpResponse<String> slow = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"slow\"," + HI + "}");
            assertThat(slow.statusCode()).as("router_settings.timeout applies").isEqualTo(504);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(900L, 4000L);
        }
    }

    @Test
    void slowClientStillGetsTheWholeStreamInOrder() throws Exception {
        try (TestGateway gw = TestGateway.standard()) {
            gw.simulator.enqueue(dev.switchboard.simulator.SimBehaviour.longSlowStream(0, 300));
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.v1() + "/chat/completions"))
                    .header("authorization", "Bearer " + TestGateway.MASTER_KEY)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt\",\"stream\":true," + HI + "}")).build();
            var resp = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            StringBuilder body = new StringBuilder();
            try (var in = resp.body()) {
                byte[] buf = new byte[16384];
                int n;
                while ((n = in.read(buf)) > 0) {
                    body.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                    Thread.sleep(1); // a slow reader: the gateway's write queue fills and it must pause the upstream
                }
            }
            StringBuilder text = new StringBuilder();
            var data = Http.sseData(body.toString());
            assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
            for (String d : data.subList(0, data.size() - 1)) {
                var choices = new JsonObject(d).getJsonArray("choices");
                if (!choices.isEmpty()) text.append(choices.getJsonObject(0).getJsonObject("delta").getString("content", ""));
            }
            assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: hi".repeat(300));
        }
    }
}
