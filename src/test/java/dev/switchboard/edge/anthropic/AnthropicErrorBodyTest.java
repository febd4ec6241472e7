package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import org.junit.jupiter.api.Test;

class AnthropicErrorBodyTest {
    @Test
    void anAnthropicUpstreamsOwnTypeIsKeptOthersGetTheirKinds() {
        GatewayException billing = new GatewayException(ErrorKind.BAD_REQUEST, 402, "Your credit balance is too low", null, null, "billing_error", null);
        assertThat(AnthropicResponseEncoder.errorBody(billing).path("error").path("type").asText()).isEqualTo("billing_error");
        GatewayException openAi = new GatewayException(ErrorKind.RATE_LIMIT, 429, "quota", null, null, "insufficient_quota", null);
        assertThat(AnthropicResponseEncoder.errorBody(openAi).path("error").path("type").asText()).isEqualTo("rate_limit_error");
    }
}
