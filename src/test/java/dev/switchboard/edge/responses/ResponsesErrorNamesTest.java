package dev.switchboard.edge.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesErrorNamesTest {
    @Test
    void chatNamesBecomeTheResponsesApisInParamAndMessage() {
        GatewayException e = GatewayException.badRequest(
                "max_tokens: 9000 > 8192; reasoning_effort 'low' needs max_completion_tokens above 1024", "max_completion_tokens")
                .withHeaders(Map.of("x-test", "1"));
        GatewayException r = ResponsesErrorNames.of(e);
        assertThat(r.param()).isEqualTo("max_output_tokens");
        assertThat(r.getMessage()).isEqualTo(
                "max_output_tokens: 9000 > 8192; reasoning.effort 'low' needs max_output_tokens above 1024");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.headers()).containsEntry("x-test", "1");
    }

    /** A chat message's place (Claude's refusal of an empty last user message) is the input's: the indexes differ. */
    @Test
    void aChatMessagesPlaceIsTheInput() {
        GatewayException e = GatewayException.badRequest("messages[1].content: Claude does not accept an empty user message",
                "messages[1].content");
        assertThat(ResponsesErrorNames.of(e).param()).isEqualTo("input");
    }

    @Test
    void responsesNamesAndOtherWordsStayAsTheyAre() {
        GatewayException e = new GatewayException(ErrorKind.BAD_REQUEST, 400,
                "reasoning.effort 'low' needs max_output_tokens above 1024 (my_max_tokens_x is not a name)", "max_output_tokens",
                null, null, null);
        assertThat(ResponsesErrorNames.of(e)).isSameAs(e);
        GatewayException none = GatewayException.of(ErrorKind.UNAVAILABLE, null);
        assertThat(ResponsesErrorNames.of(none)).isSameAs(none);
    }
}
