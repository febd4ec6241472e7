package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/**
 * A Gemini answer of HTTP 200 whose body is Google's error object: mapped by the error's own code (or status name),
 * as the same error inside a stream is, and worded as an error in a 200 answer, never as a failure of "HTTP 200"
 * (QA cloud finding 3: an UNAVAILABLE overload was a 502 "failed (HTTP 200)").
 */
class GeminiErrorIn200AnswerTest {
    private static final String DEPLOYMENT = "gemini/gemini-2.5-flash";

    private static GatewayException in200(String body) {
        return GeminiErrorDecoder.decode(200, Buffer.buffer(body), null, DEPLOYMENT, null);
    }

    @Test
    void anOverloadIsA503WordedAsAnErrorInThe200Answer() {
        GatewayException e = in200("{\"error\":{\"code\":503,\"message\":\"overloaded in 200\",\"status\":\"UNAVAILABLE\"}}");
        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.attemptStatus()).isEqualTo(503);
        assertThat(e.getMessage()).isEqualTo("Upstream " + DEPLOYMENT + " is overloaded (an error in its HTTP 200 answer): overloaded in 200");
        // the status name alone says the same
        assertThat(in200("{\"error\":{\"message\":\"busy\",\"status\":\"UNAVAILABLE\"}}").status()).isEqualTo(503);
    }

    @Test
    void otherErrorsAreMappedByTheirOwnCodeOrStatusName() {
        GatewayException quota = in200("{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"7s\"}]}}");
        assertThat(quota.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(quota.retryAfterSeconds()).isEqualTo(7L);
        assertThat(quota.code()).isEqualTo("rate_limit_exceeded");
        assertThat(in200("{\"error\":{\"message\":\"slow\",\"status\":\"DEADLINE_EXCEEDED\"}}").status()).isEqualTo(504);
        GatewayException internal = in200("{\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\",\"status\":\"INTERNAL\"}}");
        assertThat(internal.status()).isEqualTo(502);
        assertThat(internal.attemptStatus()).as("the error's own code, not the 200 it came in").isEqualTo(500);
        assertThat(internal.getMessage()).contains("failed (an error in its HTTP 200 answer)").doesNotContain("HTTP 200)");
        GatewayException unnamed = in200("{\"error\":\"something went wrong\"}");
        assertThat(unnamed.status()).isEqualTo(502);
        assertThat(unnamed.getMessage()).isEqualTo("Upstream " + DEPLOYMENT + " failed (an error in its HTTP 200 answer): something went wrong");
    }

    @Test
    void anErrorStatusIsReadAsBefore() {
        GatewayException e = GeminiErrorDecoder.decode(503, Buffer.buffer(
                "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}"), null, DEPLOYMENT, null);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.getMessage()).isEqualTo("Upstream " + DEPLOYMENT + " is overloaded (HTTP 503): The model is overloaded.");
    }
}
