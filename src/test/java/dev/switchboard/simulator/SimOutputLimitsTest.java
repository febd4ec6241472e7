package dev.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The simulated model stops where a real one does: at the request's output limit, and at the model's own maximum output
 * (the price catalog's) when the request names none or a larger one (QA hardening F2: an 8 MB prompt was echoed whole).
 */
class SimOutputLimitsTest {

    private static JsonObject chat(String model, String text) {
        return new JsonObject().put("model", model)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
    }

    @Test
    void aModelsMaximumOutputComesFromThePriceCatalog() {
        assertThat(SimOutputLimits.of("gpt-4o-mini")).isEqualTo(16_384);
        assertThat(SimOutputLimits.of("gpt-4o-mini-2024-07-18")).isEqualTo(16_384);
        assertThat(SimOutputLimits.of("gemini-2.0-flash")).isEqualTo(8_192);
        assertThat(SimOutputLimits.of("gemini-2.5-flash")).isEqualTo(65_536);
        assertThat(SimOutputLimits.of("claude-3-5-haiku-20241022")).isEqualTo(8_192);
        assertThat(SimOutputLimits.of("meta.llama3-1-70b-instruct-v1:0")).as("Bedrock's ids").isEqualTo(4_096);
        assertThat(SimOutputLimits.of("us.anthropic.claude-3-5-sonnet-20241022-v2:0")).isEqualTo(8_192);
    }

    @Test
    void aModelTheCatalogDoesNotKnowStopsAtTheGatewaysOwnAssumption() {
        assertThat(SimOutputLimits.of("sim-model")).isEqualTo(SimOutputLimits.UNKNOWN_MODEL).isEqualTo(32_768);
        assertThat(SimOutputLimits.of(null)).isEqualTo(32_768);
        assertThat(SimOutputLimits.of("claude-sonnet-4-5")).as("known, but no maximum output in the catalog").isEqualTo(32_768);
    }

    @Test
    void anAnswerWithoutALimitStopsAtTheModelsMaximumWithTheLengthStopReason() {
        String prompt = "word ".repeat(20_000); // 100,000 characters: an echo of 25,000 tokens
        SimReply reply = SimReply.to(chat("gpt-4o-mini", prompt), 1);
        assertThat(reply.truncated()).isTrue();
        assertThat(reply.completionTokens()).isEqualTo(16_384);
        assertThat(reply.text()).hasSize(16_384 * 4);
    }

    @Test
    void theRequestsLimitStopsItWhenSmallerAndTheModelsWhenLarger() {
        String prompt = "word ".repeat(20_000);
        SimReply small = SimReply.to(chat("gpt-4o-mini", prompt).put("max_tokens", 50), 1);
        assertThat(small.truncated()).isTrue();
        assertThat(small.completionTokens()).isEqualTo(50);
        SimReply large = SimReply.to(chat("gpt-4o-mini", prompt).put("max_completion_tokens", 100_000), 1);
        assertThat(large.completionTokens()).isEqualTo(16_384);
        SimReply unknown = SimReply.to(chat("sim-model", "word ".repeat(40_000)), 1);
        assertThat(unknown.completionTokens()).isEqualTo(32_768);
    }

    @Test
    void aShortAnswerIsWholeAndNotTruncated() {
        SimReply reply = SimReply.to(chat("gpt-4o-mini", "hi"), 1);
        assertThat(reply.truncated()).isFalse();
        assertThat(reply.text()).isEqualTo("Hello from the simulator! You said: hi");
    }
}
