package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import org.junit.jupiter.api.Test;

class AnthropicErrorDecoderTest {
    private static GatewayException midStream(String type) {
        try {
            return AnthropicErrorDecoder.midStream(Json.read("{\"type\":\"error\",\"error\":{\"type\":\"" + type
                    + "\",\"message\":\"m\"}}"), "anthropic/claude", null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aStreamedErrorIsClassifiedByItsTypeNotAssumedOverloaded() {
        assertThat(midStream("overloaded_error").kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(midStream("api_error").kind()).isEqualTo(ErrorKind.UPSTREAM);
        assertThat(midStream("invalid_request_error").kind()).isEqualTo(ErrorKind.BAD_REQUEST);
        assertThat(midStream("rate_limit_error").kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(midStream("api_error").upstreamType()).isEqualTo("api_error");
    }

    private static GatewayException answered(int status, String type) {
        return AnthropicErrorDecoder.decode(status, io.vertx.core.buffer.Buffer.buffer("{\"type\":\"error\",\"error\":{\"type\":\""
                + type + "\",\"message\":\"boom\"}}"), null, "anthropic/claude", null);
    }

    /**
     * QA routing F2: a 503 overloaded_error (Claude behind a proxy, Vertex, a compatible server) is an overload like
     * Anthropic's 529, but its message and the attempt's records say 503, the status the upstream sent, not a 529.
     */
    @Test
    void anOverloadKeepsTheStatusTheUpstreamSent() {
        GatewayException sent503 = answered(503, "overloaded_error");
        assertThat(sent503.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(sent503.status()).isEqualTo(503);
        assertThat(sent503.attemptStatus()).as("the ledger's attempt row").isEqualTo(503);
        assertThat(sent503.anthropicStatus()).as("Anthropic's clients still get their overload status").isEqualTo(529);
        assertThat(sent503.getMessage()).isEqualTo("Upstream anthropic/claude is overloaded (HTTP 503): boom");
        GatewayException sent529 = answered(529, "overloaded_error");
        assertThat(sent529.attemptStatus()).isEqualTo(529);
        assertThat(sent529.getMessage()).isEqualTo("Upstream anthropic/claude is overloaded (HTTP 529): boom");
        GatewayException sent500 = answered(500, "overloaded_error");
        assertThat(sent500.kind()).as("the type decides: an overload").isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(sent500.attemptStatus()).isEqualTo(500);
        assertThat(sent500.getMessage()).contains("(HTTP 500)");
        GatewayException limit = answered(503, "rate_limit_error");
        assertThat(limit.kind()).as("a rate limit sent as a 5xx").isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(limit.status()).isEqualTo(429);
    }
}
