package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's allowed_fails_policy through a real socket: a kind of failure counted on its own with its own allowance (a 429
 * it names no longer cools a deployment at once), a deployment's own policy opting a 400 in, and the router's never
 * cooling one down on a 400. Each group's first deployment has {@code order: 1}, so it gets every call until it cools.
 */
class AllowedFailsPolicyIT {
    static TestGateway gw;

    private static String entry(String alias, String model, int order, String modelInfo) {
        return "  - model_name: " + alias + "\n    litellm_params: { model: openai/" + model
                + ", api_base: \"${SIM}\", api_key: os.environ/PROVIDER_KEY, order: " + order + " }\n"
                + (modelInfo == null ? "" : "    model_info: " + modelInfo + "\n");
    }

    @BeforeAll
    static void start() {
        gw = TestGateway.start("model_list:\n"
                + entry("limited", "limited-a", 1, null) + entry("limited", "limited-b", 2, null)
                + entry("picky", "picky-a", 1, "{ allowed_fails_policy: { BadRequestErrorAllowedFails: 1 } }")
                + entry("picky", "picky-b", 2, null)
                + entry("plain", "plain-a", 1, null) + entry("plain", "plain-b", 2, null)
                + """
                router_settings:
                  num_retries: 1
                  retry_backoff: 0.01
                  allowed_fails: 0
                  cooldown_time: 60
                  allowed_fails_policy:
                    RateLimitErrorAllowedFails: 2
                    BadRequestErrorAllowedFails: 0
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> ask(String model) {
        return Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static long received(String model) {
        return gw.simulator.received().stream().filter(r -> model.equals(r.body().getString("model"))).count();
    }

    @Test
    void aRateLimitThePolicyNamesCoolsTheDeploymentOnlyAfterTheAllowedOnes() {
        gw.simulator.behaveAlways("limited-a", SimBehaviour.rateLimited(0));
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = ask("limited");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/limited-b");
        }
        assertThat(received("limited-a")).as("two 429s allowed, the third cooled it down for 60 s").isEqualTo(3);
        assertThat(received("limited-b")).isEqualTo(8);
    }

    @Test
    void aDeploymentsOwnPolicyCoolsItDownOnBadRequestsTheRoutersNever() {
        gw.simulator.behaveAlways("picky-a", SimBehaviour.invalidRequest());
        gw.simulator.behaveAlways("plain-a", SimBehaviour.invalidRequest());
        for (int i = 0; i < 2; i++) {
            assertThat(ask("picky").statusCode()).as("a 400 is the client's answer: not retried, no fallback").isEqualTo(400);
        }
        HttpResponse<String> third = ask("picky");
        assertThat(third.statusCode()).as(third.body()).isEqualTo(200);
        assertThat(third.headers().firstValue("x-switchboard-model")).as("picky-a cooled down at its second 400")
                .hasValue("openai/picky-b");
        assertThat(received("picky-a")).isEqualTo(2);

        for (int i = 0; i < 4; i++) assertThat(ask("plain").statusCode()).isEqualTo(400);
        assertThat(received("plain-a")).as("the router's BadRequestErrorAllowedFails: 0 cools nothing down").isEqualTo(4);
        assertThat(received("plain-b")).isZero();
    }
}
