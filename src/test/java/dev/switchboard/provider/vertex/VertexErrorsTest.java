package dev.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How Claude's errors on Vertex are read. */
class VertexErrorsTest {
    @Test
    void overloadedKeepsEveryFieldOfTheFailure() {
        Usage billed = new Usage(3, 4, 0, 0, 0, 0);
        GatewayException google = new GatewayException(ErrorKind.UNAVAILABLE, 503, "The model is overloaded.", "p", "c",
                "UNAVAILABLE", 7L).fromUpstream(503).withHeaders(Map.of("x-test", "1")).billed(billed);
        GatewayException e = VertexErrors.overloadedWhenUnavailable(google);
        assertThat(e.upstreamType()).isEqualTo("overloaded_error");
        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.attemptStatus()).isEqualTo(503);
        assertThat(e.getMessage()).isEqualTo("The model is overloaded.");
        assertThat(e.param()).isEqualTo("p");
        assertThat(e.code()).isEqualTo("c");
        assertThat(e.retryAfterSeconds()).isEqualTo(7L);
        assertThat(e.headers()).containsEntry("x-test", "1");
        assertThat(e.billedUsage()).isSameAs(billed);
    }

    /** Anthropic's error inside the list a streaming method may wrap it in: its type and message, not a list's nothing. */
    @Test
    void anAnthropicErrorInAListIsReadFromTheElement() {
        GatewayException e = VertexErrors.claude(529, io.vertx.core.buffer.Buffer.buffer(
                "[{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}]"), null, "d1");
        assertThat(e.upstreamType()).isEqualTo("overloaded_error");
        assertThat(e.getMessage()).contains("Overloaded");
    }

    @Test
    void aPlainTextBodyIsStillAnError() {
        GatewayException e = VertexErrors.claude(502, io.vertx.core.buffer.Buffer.buffer("Bad Gateway"), null, "d1");
        assertThat(e.status()).isEqualTo(502);
    }
}
