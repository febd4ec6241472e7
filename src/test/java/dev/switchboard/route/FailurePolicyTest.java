package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.route.FailurePolicy.Cooldown;
import dev.switchboard.route.FailurePolicy.Verdict;
import org.junit.jupiter.api.Test;

/** The README's table "which error → retry, cooldown, which fallback", row by row, from real upstream errors. */
class FailurePolicyTest {
    private static Verdict upstream(int status, String message, String code) {
        return FailurePolicy.classify(UpstreamErrors.fromStatus(status, message, null, null, code, null, "openai/x", null));
    }

    @Test
    void transientFailuresAreRetriedCountedAndFallBack() {
        for (int status : new int[] {500, 502, 503, 504, 529, 408}) {
            assertThat(upstream(status, "boom", null)).as("HTTP " + status)
                    .isEqualTo(new Verdict(true, Cooldown.COUNT, FallbackReason.ERROR));
        }
        assertThat(FailurePolicy.classify(GatewayException.of(ErrorKind.UPSTREAM, "Cannot connect to upstream")))
                .isEqualTo(new Verdict(true, Cooldown.COUNT, FallbackReason.ERROR));
        assertThat(FailurePolicy.classify(GatewayException.of(ErrorKind.TIMEOUT, "did not answer in time")))
                .isEqualTo(new Verdict(true, Cooldown.COUNT, FallbackReason.ERROR));
    }

    @Test
    void theGatewaysOwnBufferBoundIsNeitherRetriedNorHeldAgainstTheDeployment() {
        assertThat(FailurePolicy.classify(new dev.switchboard.model.BufferBudget(1).exhausted("an answer")))
                .isEqualTo(new Verdict(false, Cooldown.NONE, null));
    }

    @Test
    void rateLimitIsRetriedAndCoolsDownAtOnce() {
        assertThat(upstream(429, "Rate limit reached", "rate_limit_exceeded"))
                .isEqualTo(new Verdict(true, Cooldown.NOW, FallbackReason.ERROR));
    }

    @Test
    void contextWindowAndContentPolicyGoToTheirOwnFallbacksWithoutRetry() {
        assertThat(upstream(400, "This model's maximum context length is 128000 tokens.", "context_length_exceeded"))
                .isEqualTo(new Verdict(false, Cooldown.NONE, FallbackReason.CONTEXT_WINDOW));
        assertThat(upstream(400, "prompt is too long: 210000 tokens > 200000 maximum", null).fallback())
                .as("Anthropic's wording").isEqualTo(FallbackReason.CONTEXT_WINDOW);
        // Claude's other wording relayed by an OpenAI-style proxy without a code: its words alone send it to the fallbacks
        assertThat(upstream(400, "input length and `max_tokens` exceed context limit: 197626 + 8192 > 200000, decrease input "
                + "length or `max_tokens` and try again", null).fallback())
                .as("Claude's wording with max_tokens, through a proxy").isEqualTo(FallbackReason.CONTEXT_WINDOW);
        assertThat(upstream(400, "Your request was rejected as a result of our safety system.", "content_policy_violation"))
                .isEqualTo(new Verdict(false, Cooldown.NONE, FallbackReason.CONTENT_POLICY));
        assertThat(upstream(400, "The response was filtered", "content_filter").fallback())
                .as("Azure's content filter").isEqualTo(FallbackReason.CONTENT_POLICY);
    }

    /**
     * OpenAI's string_above_max_length is a prompt too long only when the string is the prompt: a too long {@code user}
     * is a bad request (an Anthropic client must not be told "prompt is too long", on which Claude Code compacts).
     */
    @Test
    void aTooLongStringIsAContextOverflowOnlyInThePrompt() {
        assertThat(FailurePolicy.classify(UpstreamErrors.fromStatus(400, "Invalid 'messages[0].content': string too long. Expected a "
                + "string with maximum length 10485760, but got a string with length 10485761 instead.", "invalid_request_error",
                "messages[0].content", "string_above_max_length", null, "openai/x", null)).fallback()).isEqualTo(FallbackReason.CONTEXT_WINDOW);
        GatewayException user = UpstreamErrors.fromStatus(400, "Invalid 'user': string too long. Expected a string with maximum "
                + "length 64, but got a string with length 186 instead.", "invalid_request_error", "user", "string_above_max_length",
                null, "openai/x", null);
        assertThat(user.isContextWindow()).isFalse();
        assertThat(FailurePolicy.classify(user)).isEqualTo(new Verdict(false, Cooldown.NONE, null));
    }

    @Test
    void misconfiguredDeploymentsAreNotRetriedButCountAndFallBack() {
        for (int status : new int[] {401, 403, 404}) {
            assertThat(upstream(status, "no", null)).as("HTTP " + status)
                    .isEqualTo(new Verdict(false, Cooldown.COUNT, FallbackReason.ERROR));
        }
    }

    /**
     * An Error is the gateway's, not the deployment's: before the thirty-ninth session's review it counted toward the
     * cooldown as a misconfigured deployment does. The JVM's own (out of memory, a stack overflow) is final, as the
     * same request would meet it on any deployment; another (a broken assertion) may fall back. No retry_policy or
     * allowed_fails_policy kind names one, so neither retries nor counts it.
     */
    @Test
    void anErrorIsHeldAgainstNoDeployment() {
        assertThat(FailurePolicy.classify(new StackOverflowError())).isEqualTo(new Verdict(false, Cooldown.NONE, null));
        assertThat(FailurePolicy.classify(new OutOfMemoryError())).isEqualTo(new Verdict(false, Cooldown.NONE, null));
        assertThat(FailurePolicy.classify(new AssertionError("broken")))
                .isEqualTo(new Verdict(false, Cooldown.NONE, FallbackReason.ERROR));
        assertThat(AllowedFailsPolicy.kindOf(new StackOverflowError())).isNull();
        assertThat(RetryPolicy.kindOf(new AssertionError("broken"))).isNull();
        // a provider's bug that is no Error is as before: a misconfigured deployment, counted
        assertThat(FailurePolicy.classify(new NullPointerException())).isEqualTo(new Verdict(false, Cooldown.COUNT, FallbackReason.ERROR));
        assertThat(AllowedFailsPolicy.kindOf(new NullPointerException())).isEqualTo("InternalServerErrorAllowedFails");
    }

    @Test
    void badRequestsAreFinal() {
        assertThat(upstream(400, "Invalid value for 'temperature'", null)).isEqualTo(new Verdict(false, Cooldown.NONE, null));
        assertThat(upstream(422, "Unprocessable", null)).isEqualTo(new Verdict(false, Cooldown.NONE, null));
    }
}
