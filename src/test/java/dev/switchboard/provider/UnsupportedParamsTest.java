package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnsupportedParamsTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ChatRequest with(Long seed, String extraJson) throws Exception {
        Map<String, JsonNode> extra = new java.util.LinkedHashMap<>();
        M.readTree(extraJson).fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue()));
        return new ChatRequest("m", List.of(Message.text(dev.switchboard.model.Role.USER, "hi")), null, null, null, null, 0.5, null, null, 100, null, seed, null,
                null, false, false, extra);
    }

    @Test
    void openAisDefaultsDoNotMatterAndAnythingElseDoes() throws Exception {
        ChatRequest quiet = with(null, "{\"n\":1,\"logprobs\":false,\"top_logprobs\":0,\"presence_penalty\":0,"
                + "\"frequency_penalty\":0.0,\"logit_bias\":{},\"modalities\":[\"text\"],\"audio\":null}");
        for (String f : UnsupportedParams.ANTHROPIC) assertThat(UnsupportedParams.matters(quiet, f)).as(f).isFalse();
        assertThat(UnsupportedParams.setIn(quiet, UnsupportedParams.ANTHROPIC))
                .containsExactly("audio", "frequency_penalty", "logit_bias", "logprobs", "modalities", "n", "presence_penalty", "top_logprobs");

        ChatRequest loud = with(7L, "{\"n\":2,\"logprobs\":true,\"presence_penalty\":0.1,\"logit_bias\":{\"50256\":-100},"
                + "\"modalities\":[\"text\",\"audio\"],\"verbosity\":\"low\"}");
        for (String f : List.of("seed", "n", "logprobs", "presence_penalty", "logit_bias", "modalities", "verbosity")) {
            assertThat(UnsupportedParams.matters(loud, f)).as(f).isTrue();
        }
        assertThat(UnsupportedParams.matters(loud, "frequency_penalty")).as("absent").isFalse();
    }

    @Test
    void withoutClearsModelledFieldsAndExtrasAndNeverRelays() throws Exception {
        ChatRequest r = with(7L, "{\"n\":2,\"top_k\":5}");
        ChatRequest out = r.without(List.of("seed", "n", "temperature"));
        assertThat(out.seed()).isNull();
        assertThat(out.temperature()).isNull();
        assertThat(out.extra()).containsOnlyKeys("top_k");
        assertThat(out.maxCompletionTokens()).isEqualTo(100);
        assertThat(out.relay()).isNull();
        assertThat(r.without(List.of())).isSameAs(r);
    }
}
