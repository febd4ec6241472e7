package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bedrock's exceptions: the client's status is the README's table, while the message and the attempt's records (the
 * ledger row, the attempt metric and span) keep the status Bedrock sent; an exception frame inside a 200 stream is
 * worded as an event in that stream, never as an HTTP status Bedrock did not send (QA cloud findings 1 and 2).
 */
class BedrockErrorDecoderTest {
    private static final String DEPLOYMENT = "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0";

    private static GatewayException answer(int status, String type, String message) {
        return BedrockErrorDecoder.decode(status, type + ":http://internal.amazon.com/coral/com.amazon.bedrock/",
                Buffer.buffer("{\"message\":\"" + message + "\"}"), null, DEPLOYMENT, null);
    }

    @ParameterizedTest(name = "{1} (HTTP {0}) → {2}")
    @CsvSource({
            "500, InternalServerException, 502, failed",
            "424, ModelErrorException, 502, failed",
            "429, ModelNotReadyException, 503, is overloaded",
            "408, ModelTimeoutException, 504, timed out",
            "503, ServiceUnavailableException, 503, is overloaded",
    })
    void aMappedStatusKeepsBedrocksOwnForTheAttemptAndTheMessage(int sent, String type, int answered, String what) {
        GatewayException e = answer(sent, type, "it broke");
        assertThat(e.status()).as("the client's status, as the README's table says").isEqualTo(answered);
        assertThat(e.attemptStatus()).as("the ledger's attempt row, metric and span: Bedrock's own").isEqualTo(sent);
        assertThat(e.getMessage()).isEqualTo("Upstream " + DEPLOYMENT + " " + what + " (HTTP " + sent + "): " + type + ": it broke");
        assertThat(e.upstreamType()).isEqualTo(type);
    }

    @Test
    void aClientErrorIsUnchanged() {
        GatewayException throttled = answer(429, "ThrottlingException", "Too many requests");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.attemptStatus()).isEqualTo(429);
        assertThat(throttled.code()).isEqualTo("rate_limit_exceeded");
        GatewayException badKey = answer(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        assertThat(badKey.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(badKey.status()).isEqualTo(401);
        assertThat(answer(400, "ValidationException", "Input is too long for requested model.").code())
                .isEqualTo("context_length_exceeded");
    }

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
