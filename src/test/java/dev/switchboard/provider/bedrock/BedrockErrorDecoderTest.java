package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bedrock's exceptions: an exception frame inside a 200 stream is worded as an event in that stream, never as an HTTP
 * status Bedrock did not send (QA cloud finding 2).
 */
class BedrockErrorDecoderTest {
    private static final String DEPLOYMENT = "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0";

    private static GatewayException midStream(String exceptionType) {
        return BedrockErrorDecoder.midStream(exceptionType, "{\"message\":\"it broke\"}".getBytes(StandardCharsets.UTF_8),
                DEPLOYMENT, null);
    }

    @Test
    void anExceptionFrameInTheStreamIsWordedAsOneNotAsAnHttpStatus() {
        GatewayException e = midStream("modelStreamErrorException");
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
        assertThat(e.getMessage()).isEqualTo("Upstream " + DEPLOYMENT
                + " failed (an error event in its HTTP 200 stream): ModelStreamErrorException: it broke");
        assertThat(midStream("internalServerException").getMessage()).contains("(an error event in its HTTP 200 stream)")
                .doesNotContain("HTTP 50");
        GatewayException unavailable = midStream("serviceUnavailableException");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.getMessage()).contains("is overloaded (an error event in its HTTP 200 stream)");
        GatewayException throttled = midStream("throttlingException");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.code()).isEqualTo("rate_limit_exceeded");
        assertThat(midStream("validationException").status()).isEqualTo(400);
    }
}
