package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.GatewayException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-request overrides from headers and body fields, and what is stripped before going upstream. */
class RequestControlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, JsonNode> body(String json) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        JSON.readTree(json).properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @Test
    void bodyFieldsAreReadAndStripped() throws Exception {
        Map<String, JsonNode> b = body("{\"models\":[\"b\",\"c\"],\"num_retries\":1,\"timeout\":2.5,\"stream_timeout\":9,"
                + "\"fallbacks\":[\"d\"],\"logit_bias\":{}}");
        RequestControls c = RequestControls.from(Map.of(), b);
        assertThat(c.models()).containsExactly("b", "c");
        assertThat(c.numRetries()).isEqualTo(1);
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.streamTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(c.fallbacks()).containsExactly("d");
        assertThat(c.fallbacksOff()).isFalse();
        assertThat(RequestControls.strip(b)).containsOnlyKeys("logit_bias");
    }

    @Test
    void headersWinOverTheBody() throws Exception {
        RequestControls c = RequestControls.from(Map.of("timeout", "0.5", "num-retries", "0", "fallbacks", "off",
                "tier", "SMART"), body("{\"timeout\":30,\"num_retries\":3}"));
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.numRetries()).isZero();
        assertThat(c.fallbacksOff()).isTrue();
        assertThat(c.tier()).isEqualTo("smart");
    }

    /** LiteLLM's object form: a fallback that names only its model is that name; one with its own prompt is refused. */
    @Test
    void aFallbackObjectThatNamesOnlyItsModelIsThatModel() throws Exception {
        assertThat(RequestControls.from(Map.of(), body("{\"fallbacks\":[{\"model\":\"b\"},\"c\"]}")).fallbacks())
                .containsExactly("b", "c");
        assertThatThrownBy(() -> RequestControls.from(Map.of(), body(
                "{\"fallbacks\":[\"a\",{\"model\":\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}]}")))
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("'fallbacks[1]' sets messages for its fallback; only the model")
                .hasMessageContaining("Fix: \"fallbacks\": [\"b\"]")
                .extracting(e -> ((GatewayException) e).param()).isEqualTo("fallbacks[1]");
        assertThatThrownBy(() -> RequestControls.from(Map.of(), body("{\"fallbacks\":[{\"name\":\"b\"}]}")))
                .hasMessageStartingWith("'fallbacks[0]' must name its model");
        assertThatThrownBy(() -> RequestControls.from(Map.of(), body("{\"models\":[{\"model\":\"b\"}]}")))
                .as("OpenRouter's models array is names only").hasMessage("'models' must be a list of model names.");
    }

    @Test
    void anEmptyOrFalseFallbacksFieldTurnsFallbacksOff() throws Exception {
        assertThat(RequestControls.from(Map.of(), body("{\"fallbacks\":[]}")).fallbacksOff()).isTrue();
        assertThat(RequestControls.from(Map.of(), body("{\"fallbacks\":false}")).fallbacksOff()).isTrue();
        assertThat(RequestControls.from(Map.of(), Map.of())).isSameAs(RequestControls.NONE);
    }

    /** QA routing F4: 0 is refused, and the message says so: it read "between 0 and 86400", 0 included. */
    @Test
    void aZeroTimeoutIsRefusedWithAMessageThatExcludesIt() throws Exception {
        for (var c : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                () -> RequestControls.from(Map.of(), body("{\"timeout\":0}")),
                () -> RequestControls.from(Map.of(), body("{\"stream_timeout\":0}")),
                () -> RequestControls.from(Map.of("timeout", "0"), Map.of()),
                () -> RequestControls.from(Map.of("stream-timeout", "0"), Map.of()),
                () -> RequestControls.from(Map.of("timeout", "86400.5"), Map.of()))) {
            assertThatThrownBy(c).isInstanceOf(GatewayException.class)
                    .hasMessageEndingWith(" must be greater than 0 and at most 86400 seconds.");
        }
        assertThat(RequestControls.from(Map.of("timeout", "86400"), Map.of()).timeout()).isEqualTo(Duration.ofDays(1));
        assertThat(RequestControls.from(Map.of(), body("{\"timeout\":0.0001}")).timeout()).as("the least: 1 ms")
                .isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void badValuesAre400sNamingTheField() throws Exception {
        assertThatThrownBy(() -> RequestControls.from(Map.of("timeout", "soon"), Map.of()))
                .isInstanceOf(GatewayException.class).hasFieldOrPropertyWithValue("param", "x-switchboard-timeout");
        assertThatThrownBy(() -> RequestControls.from(Map.of(), body("{\"num_retries\":99}")))
                .hasFieldOrPropertyWithValue("param", "num_retries");
        assertThatThrownBy(() -> RequestControls.from(Map.of(), body("{\"models\":\"gpt\"}")))
                .hasFieldOrPropertyWithValue("param", "models");
        assertThatThrownBy(() -> RequestControls.from(Map.of("tier", "medium"), Map.of()))
                .hasFieldOrPropertyWithValue("param", "x-switchboard-tier");
        assertThatThrownBy(() -> RequestControls.from(Map.of("fallbacks", "maybe"), Map.of()))
                .hasFieldOrPropertyWithValue("param", "x-switchboard-fallbacks");
        assertThat(RequestControls.from(Map.of(), body("{\"models\":[]}")).models()).isEqualTo(List.of());
    }
}
