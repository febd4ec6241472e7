package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServiceAccount;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A wildcard puts the caller's text into the provider's URL for Gemini, Vertex AI, Bedrock and Azure. A name that is
 * not a plain model id there ('.' / '..' segments, '?', '#', '%', white space, a control character) is refused with a
 * 400 in the caller's dialect and nothing is sent upstream, so no name reaches another model than the one it is priced
 * as (the security review's HIGH finding: {@code gw/./gemini-2.5-pro} served at $0, {@code
 * gw/gemini-2.0-flash-lite/../gemini-2.5-pro} at Flash-Lite's price, {@code ?} adding query parameters).
 */
class WildcardModelPathIT {
    static TestGateway gw;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("wildcard-path-it-");
        dir.toFile().deleteOnExit();
        Map<String, String> env = Map.of("WP_AWS_ID", "AKIA" + "TESTWILDCARD1", "WP_AWS_SECRET", "wild" + "card-secret-123");
        gw = TestGateway.start(sim -> {
            Path file = ServiceAccount.trusted(sim, "wildcard", "sa-project").write(dir, "sa.json");
            return """
                    model_list:
                      - model_name: "gw/*"
                        litellm_params: { model: "gemini/*", api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                      - model_name: "vw/*"
                        litellm_params:
                          model: "vertex_ai/*"
                          vertex_project: my-project
                          vertex_location: us-central1
                          vertex_credentials: %s
                          api_base: "${SIM_ROOT}"
                      - model_name: "bw/*"
                        litellm_params:
                          model: "bedrock/*"
                          aws_access_key_id: os.environ/WP_AWS_ID
                          aws_secret_access_key: os.environ/WP_AWS_SECRET
                          aws_region_name: us-east-1
                          api_base: "${SIM_ROOT}"
                      - model_name: "aw/*"
                        litellm_params: { model: "azure/*", api_base: "${SIM_ROOT}", api_version: "2024-10-21", api_key: os.environ/PROVIDER_KEY }
                      - model_name: "gpt4o-prod"
                        litellm_params: { model: "azure/gpt4o-prod", api_base: "${SIM_ROOT}", api_version: "2024-10-21", api_key: os.environ/PROVIDER_KEY }
                        model_info: { base_model: "azure/gpt-4o" }
                    router_settings:
                      num_retries: 0
                      enable_pre_call_checks: true
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                    """.formatted(file);
        }, env);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> chat(String key, String model, int maxTokens) {
        return Http.post(gw.v1() + "/chat/completions", key, new JsonObject().put("model", model).put("max_tokens", maxTokens)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode());
    }

    private static void assertRefused(HttpResponse<String> r, String model) {
        assertThat(r.statusCode()).as(model + ": " + r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("message")).as(model).contains("is not valid").contains("not a plain");
        assertThat(error.getString("param")).isEqualTo("model");
        assertThat(gw.simulator.received()).as(model + " reached the upstream").isEmpty();
    }

    @Test
    void aPlainGeminiNameIsServedAndPriced() {
        HttpResponse<String> r = chat(TestGateway.MASTER_KEY, "gw/gemini-2.5-pro", 20);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().path()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
        assertThat(Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow())).isGreaterThan(0);
    }

    @Test
    void geminiNamesThatWouldChangeTheUrlAreRefused() {
        for (String m : List.of("gw/./gemini-2.5-pro", "gw/x/../gemini-2.5-pro", "gw/gemini-2.0-flash-lite/../gemini-2.5-pro",
                "gw/../../../admin", "gw/..", "gw/echo:generateContent?alt=x&key=evil#", "gw/gemini-2.5-pro?key=x",
                "gw/%2e%2e/gemini-2.5-pro", "gw/gemini-2.5-pro%2F..", "gw/gemini-2.5-pro#x", "gw/gemini 2.5", "gw/gemini-2.5-pro\n",
                "gw/gemini-2.5-pro:streamGenerateContent")) {
            assertRefused(chat(TestGateway.MASTER_KEY, m, 20), m);
        }
    }

    @Test
    void vertexNamesThatWouldChangeTheUrlAreRefused() {
        for (String m : List.of("vw/./gemini-2.5-pro", "vw/x/../gemini-2.5-pro", "vw/gemini-2.5-pro?alt=x", "vw/%2e%2e/gemini-2.5-pro",
                "vw/claude/../../x", "vw/claude-sonnet-4-5@2025?x", "vw/gemini-2.5-pro#", "vw/..")) {
            assertRefused(chat(TestGateway.MASTER_KEY, m, 20), m);
        }
        // the Anthropic dialect gets its own error shape
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, new JsonObject()
                .put("model", "vw/claude-sonnet-4-5@20250929/../x").put("max_tokens", 20)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("type")).isEqualTo("error");
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("is not valid");
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void aPlainVertexNameIsServed() {
        HttpResponse<String> r = chat(TestGateway.MASTER_KEY, "vw/gemini-2.5-flash", 20);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().path())
                .isEqualTo("/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent");
    }

    @Test
    void bedrockAndAzureRefuseWhatEncodingLeavesADotSegment() {
        // the name was percent-encoded there, but a whole '..' stays '..' and '%' is decoded upstream
        for (String m : List.of("bw/..", "bw/.", "bw/anthropic.claude-3-haiku-20240307-v1:0/../x", "bw/x%2F..", "aw/..", "aw/.",
                "aw/my-gpt4o%2F..", "aw/my gpt")) {
            assertRefused(chat(TestGateway.MASTER_KEY, m, 20), m);
        }
    }

    /**
     * The review's repro: a key with a small budget and access to {@code gw/*}. The honest name is refused by the
     * budget; the traversal names, which were served at $0 or at Flash-Lite's price, are refused before any price is
     * looked up.
     */
    @Test
    void noNameDodgesTheBudgetOrTakesAnotherModelsPrice() {
        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "eve").put("models", new JsonArray().add("gw/*"))
                .put("max_budget", 0.001)).getString("key");
        HttpResponse<String> honest = chat(key, "gw/gemini-2.5-pro", 60_000);
        assertThat(honest.statusCode()).as(honest.body()).isEqualTo(400);
        assertThat(honest.body()).contains("could cost up to");
        for (String m : List.of("gw/./gemini-2.5-pro", "gw/x/../gemini-2.5-pro", "gw/gemini-2.0-flash-lite/../gemini-2.5-pro")) {
            assertRefused(chat(key, m, 60_000), m);
        }
        // a plain name the catalog does not price would pass the budget at $0: refused under a budget, nothing sent
        HttpResponse<String> unpriced = chat(key, "gw/gemini-9-ultra-latest", 60_000);
        assertThat(unpriced.statusCode()).as(unpriced.body()).isEqualTo(400);
        assertThat(new JsonObject(unpriced.body()).getJsonObject("error").getString("message"))
                .contains("'gw/gemini-9-ultra-latest' (gemini/gemini-9-ultra-latest, served through a wildcard) has no price");
        assertThat(gw.simulator.received()).isEmpty();
        // a caller without a budget is served, at $0 (priced: false in the ledger, the start log says so)
        HttpResponse<String> free = chat(TestGateway.MASTER_KEY, "gw/gemini-9-ultra-latest", 20);
        assertThat(free.statusCode()).as(free.body()).isEqualTo(200);
        assertThat(free.headers().firstValue("x-switchboard-cost").orElseThrow()).isEqualTo("0");
    }

    /**
     * The review's scenario: a config entry {@code azure/gpt4o-prod} priced by its base_model beside the {@code azure/*}
     * wildcard; {@code aw/gpt4o-prod} goes through the wildcard to the same id. The catalog does not know the id and the
     * wildcard sets no price: the call is priced as the config entry, and a budgeted key is served (it was refused
     * with advice to add the model_list entry that exists).
     */
    @Test
    void aWildcardNameOfAConfigEntrysIdIsPricedByTheEntryUnderABudget() {
        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "prod-wild").put("models", new JsonArray().add("aw/*"))
                .put("max_budget", 5)).getString("key");
        HttpResponse<String> r = chat(key, "aw/gpt4o-prod", 20);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().path()).contains("/deployments/gpt4o-prod/");
        assertThat(Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow())).as("priced as the entry").isGreaterThan(0);
    }

    /** The name as one path of GET /v1/models/{model}: its slashes kept, every other reserved character escaped. */
    private static String modelPath(String model) {
        StringBuilder out = new StringBuilder();
        for (char c : model.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128 || "/-_.~:@".indexOf(c) >= 0) out.append(c);
            else for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) out.append(String.format("%%%02X", b));
        }
        return out.toString();
    }

    private static HttpResponse<String> modelInfo(String model, String... headers) {
        return modelInfoAs(TestGateway.MASTER_KEY, model, headers);
    }

    private static HttpResponse<String> modelInfoAs(String key, String model, String... headers) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.v1() + "/models/" + modelPath(model)))
                .header("authorization", "Bearer " + key).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return Http.send(b.build());
    }

    /**
     * GET /v1/models/{model} agrees with the call: a name a wildcard matches but a call refuses (400 param: model) does
     * not exist, the same 404 model_not_found an unknown plain name gets (it was a 200 Model object); a plain name of
     * the wildcard is still described. The Anthropic dialect's model lookup and count_tokens agree too.
     */
    @Test
    void aNameACallRefusesIsNoModelToLookUp() {
        HttpResponse<String> unknown = modelInfo("no-such-model");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        String unknownCode = new JsonObject(unknown.body()).getJsonObject("error").getString("code");
        assertThat(unknownCode).isEqualTo("model_not_found");
        for (String m : List.of("gw/gemini-2.5-pro?key=x", "gw/gemini 2.5", "gw/gemini-2.5-pro#x", "gw/%2e%2e/gemini-2.5-pro",
                "vw/claude-sonnet-4-5@2025?x", "vw/llama/x", "bw/a?b", "aw/my gpt")) {
            HttpResponse<String> call = chat(TestGateway.MASTER_KEY, m, 20);
            assertThat(call.statusCode()).as(m + ": " + call.body()).isEqualTo(400);
            assertThat(gw.simulator.received()).as(m + " reached the upstream").isEmpty();
            HttpResponse<String> r = modelInfo(m);
            assertThat(r.statusCode()).as(m + ": " + r.body()).isEqualTo(404);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("code")).as(m).isEqualTo(unknownCode);
            assertThat(error.getString("type")).as(m).isEqualTo(new JsonObject(unknown.body()).getJsonObject("error").getString("type"));
            HttpResponse<String> claude = modelInfo(m, "anthropic-version", "2023-06-01");
            assertThat(claude.statusCode()).as("Anthropic dialect, " + m + ": " + claude.body()).isEqualTo(404);
        }
        for (String m : List.of("gw/gemini-2.5-pro", "vw/gemini-2.5-flash", "vw/claude-sonnet-4-5@20250929",
                "bw/anthropic.claude-3-haiku-20240307-v1:0", "aw/my-gpt4o")) {
            HttpResponse<String> plain = modelInfo(m);
            assertThat(plain.statusCode()).as(m + ": " + plain.body()).isEqualTo(200);
            assertThat(new JsonObject(plain.body()).getString("id")).isEqualTo(m);
        }
        HttpResponse<String> counted = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY, new JsonObject()
                .put("model", "gw/gemini-2.5-pro?key=x").put("messages", new JsonArray().add(new JsonObject()
                        .put("role", "user").put("content", "hi"))).encode(), "anthropic-version", "2023-06-01");
        assertThat(counted.statusCode()).as("count_tokens answers as the call: " + counted.body()).isEqualTo(400);
        assertThat(counted.body()).contains("is not valid");
        assertThat(gw.simulator.received()).as("nothing went upstream").isEmpty();
    }

    /**
     * A name nothing prices is refused to a caller under a budget (the call's 400), so it does not exist for that caller's
     * lookup either; a caller without a budget is served it and sees it.
     */
    @Test
    void anUnpricedNameIsNoModelForACallerUnderABudget() {
        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "budgeted-lookup").put("models", new JsonArray().add("gw/*"))
                .put("max_budget", 5)).getString("key");
        assertThat(chat(key, "gw/gemini-8-ultra-latest", 20).statusCode()).isEqualTo(400);
        HttpResponse<String> budgeted = modelInfoAs(key, "gw/gemini-8-ultra-latest");
        assertThat(budgeted.statusCode()).as(budgeted.body()).isEqualTo(404);
        assertThat(modelInfoAs(key, "gw/gemini-2.5-pro").statusCode()).as("a priced name").isEqualTo(200);
        assertThat(modelInfo("gw/gemini-8-ultra-latest").statusCode()).as("the master key has no budget").isEqualTo(200);
        assertThat(gw.simulator.received()).isEmpty();
    }

    /**
     * Looking names up makes nothing (the reverted first fix resolved each name as a call would: a routing group and a
     * price entry per name, never freed, on a route with no rate limit): 600 distinct names, served and refused, of all
     * four wildcards leave the routing groups, price entries and context windows as they were. A call does make them,
     * which shows the counts see what a name leaves.
     */
    @Test
    void namesOnlyLookedUpLeaveNothingBehind() {
        dev.switchboard.pipeline.Gateway.NamesHeld before = gw.gateway.namesHeld();
        for (int i = 0; i < 150; i++) {
            assertThat(modelInfo("gw/gemini-lookup-" + i).statusCode()).isEqualTo(200);
            assertThat(modelInfo("vw/gemini-lookup-" + i).statusCode()).isEqualTo(200);
            assertThat(modelInfo("bw/lookup.model-" + i + "-v1:0").statusCode()).isEqualTo(200);
            assertThat(modelInfo("aw/lookup-" + i + "?x").statusCode()).isEqualTo(404);
        }
        assertThat(gw.gateway.namesHeld()).isEqualTo(before);
        assertThat(gw.simulator.received()).isEmpty();
        HttpResponse<String> call = chat(TestGateway.MASTER_KEY, "gw/gemini-lookup-1", 20);
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        dev.switchboard.pipeline.Gateway.NamesHeld after = gw.gateway.namesHeld();
        int added = before.wildcardGroups() < 1_000 ? 1 : 0; // at the bound (another test's calls) one name goes for it
        assertThat(after.wildcardGroups()).isEqualTo(before.wildcardGroups() + added);
        assertThat(after.priceEntries()).isEqualTo(before.priceEntries() + added);
    }

    /**
     * Calls with ever new names keep at most the router's 1,000 wildcard names, and their price entries go with their
     * groups (the prices stayed for ever: a client inventing names grew the heap, bounded only by its rate limit); no
     * context window is kept per name (the pre-call check is on, so each call asks for one).
     */
    @Test
    void callsWithEverNewNamesKeepABoundedNumberOfPrices() {
        int n = 1_050;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = chat(TestGateway.MASTER_KEY, "gw/gemini-2.5-flash-n" + i, 1);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        dev.switchboard.pipeline.Gateway.NamesHeld held = gw.gateway.namesHeld();
        assertThat(held.wildcardGroups()).isLessThanOrEqualTo(1_000);
        // the config has no entry of its own (four wildcard entries): every price entry is a name's
        assertThat(held.priceEntries()).as("price entries").isLessThanOrEqualTo(1_000 + 20);
        // enable_pre_call_checks is on, so every call asked its deployment's window: each group's member keeps its own,
        // none is kept by deployment (they were, one per name, and one could be re-added after its name was let go)
        assertThat(held.contextWindows()).as("context windows").isZero();
    }

    /**
     * count_tokens of names a wildcard serves that no call made is the gateway's estimate and makes nothing (it resolved
     * the name as a call would: a group, a provider, credentials and a price entry per invented name). A gateway of its
     * own, so the counts are not at the router's bound (other tests' calls) where a made group would only replace one.
     */
    @Test
    void countTokensOfNamesNoCallMadeMakesNothing() {
        try (TestGateway own = TestGateway.start("""
                model_list:
                  - model_name: "gw/*"
                    litellm_params: { model: "gemini/*", api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            dev.switchboard.pipeline.Gateway.NamesHeld before = own.gateway.namesHeld();
            for (int i = 0; i < 100; i++) {
                HttpResponse<String> counted = Http.post(own.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY,
                        new JsonObject().put("model", "gw/gemini-count-" + i).put("messages", new JsonArray()
                                .add(new JsonObject().put("role", "user").put("content", "hi"))).encode(), "anthropic-version", "2023-06-01");
                assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
                assertThat(counted.headers().firstValue("x-switchboard-token-count")).hasValue("estimate");
            }
            assertThat(own.gateway.namesHeld()).as("count_tokens made no group or price").isEqualTo(before);
            assertThat(own.simulator.received()).isEmpty();
        }
    }
}
