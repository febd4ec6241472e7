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
}
