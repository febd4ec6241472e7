package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cost routing: the auto alias's tier decision, its reason in a header and the log, and that it is not a fallback. */
class AutoTierIT {
    static TestGateway gw;
    private static final String MODELS = TestGateway.simModels("cheap=cheap-model", "smart=smart-model") + """
              - model_name: judge
                litellm_params: { model: mock/judge, mock_response: "smart" }
            """;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(MODELS + """
                router_settings:
                  num_retries: 0
                  fallbacks: [{ smart: [cheap] }]
                  auto_router: { alias: auto, max_cheap_tokens: 300, smart_keywords: [prove, refactor] }
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> ask(TestGateway g, String text, String... headers) {
        return Http.post(g.v1() + "/chat/completions", null, new JsonObject().put("model", "auto").put("messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", text))).encode(), headers);
    }

    private static void assertTier(HttpResponse<String> r, String tier, String deployment) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-tier")).hasValue(tier);
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue(deployment);
    }

    @Test
    void aTrivialPromptGoesCheapAndAHardOneSmartWithTheReasonLogged() {
        try (LogCapture log = LogCapture.of("dev.switchboard.route.AutoTier")) {
            HttpResponse<String> easy = ask(gw, "What is the capital of France?");
            assertTier(easy, "cheap; reason=default", "openai/cheap-model");
            assertThat(easy.headers().firstValue("x-switchboard-route")).hasValue("primary");
            HttpResponse<String> hard = ask(gw, "Prove that there are infinitely many primes.");
            assertTier(hard, "smart; reason=keyword:prove", "openai/smart-model");
            String easyId = easy.headers().firstValue("x-switchboard-request-id").orElseThrow();
            String hardId = hard.headers().firstValue("x-switchboard-request-id").orElseThrow();
            assertThat(log.lines()).contains(
                    "INFO request " + easyId + ": auto → tier cheap ('cheap'), reason default",
                    "INFO request " + hardId + ": auto → tier smart ('smart'), reason keyword:prove");
        }
        assertTier(ask(gw, "Summarise this: " + "lorem ipsum dolor sit amet ".repeat(60)), "smart; reason=tokens>300",
                "openai/smart-model");
    }

    @Test
    void theClientCanChooseTheTier() {
        assertTier(ask(gw, "hi", "x-switchboard-tier", "smart"), "smart; reason=header", "openai/smart-model");
        assertThat(ask(gw, "hi", "x-switchboard-tier", "medium").statusCode()).isEqualTo(400);
    }

    @Test
    void aFallbackFromTheSmartTierIsStillMarkedAsAFallback() {
        gw.simulator.behaveAlways("smart-model", SimBehaviour.status(500));
        try {
            HttpResponse<String> r = ask(gw, "Please refactor this module.");
            assertTier(r, "smart; reason=keyword:refactor", "openai/cheap-model");
            assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        } finally {
            gw.simulator.reset();
        }
    }

    @Test
    void theAliasIsListedAmongTheModels() {
        assertThat(Http.get(gw.v1() + "/models", null).body()).contains("\"id\":\"auto\"");
    }

    /** A classifier that fails leaves the default tier, and its WARN names the request it was for (it named none). */
    @Test
    void aFailedClassifierFallsToTheDefaultTierAndSaysForWhichRequest() {
        try (TestGateway g = TestGateway.start(TestGateway.simModels("cheap=cheap-model", "smart=smart-model") + """
                  - model_name: judge
                    litellm_params: { model: mock/judge, mock_fault: server_error }
                router_settings:
                  num_retries: 0
                  auto_router: { classifier: true, classifier_model: judge }
                """); LogCapture log = LogCapture.of("dev.switchboard.route.AutoTier")) {
            HttpResponse<String> r = ask(g, "Tell me about the history of Rome.");
            assertTier(r, "cheap; reason=classifier-failed", "openai/cheap-model");
            assertThat(r.headers().firstValue("x-switchboard-route")).as("a tier is no fallback").hasValue("primary");
            String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN request " + id + ": auto classifier failed"));
        }
    }

    @Test
    void theClassifierDecidesWhenNoRuleDoesAndIsCachedPerPrompt() {
        try (TestGateway g = TestGateway.start(MODELS + """
                router_settings:
                  auto_router: { classifier: true, classifier_model: judge }
                """)) {
            String text = "Tell me about the history of Rome.";
            assertTier(ask(g, text), "smart; reason=classifier", "openai/smart-model");
            assertTier(ask(g, text), "smart; reason=classifier-cached", "openai/smart-model");
            assertTier(ask(g, "hi", "x-switchboard-tier", "cheap"), "cheap; reason=header", "openai/cheap-model");
            assertThat(g.gateway.meters().counter("switchboard.tier.decisions", "tier", "smart", "reason", "classifier")
                    .count()).isEqualTo(1);
            assertThat(g.gateway.meters().counter("switchboard.tier.decisions", "tier", "smart", "reason",
                    "classifier-cached").count()).as("the second ask was not sent to the judge").isEqualTo(1);
        }
    }
}
