package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.GatewayException;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

class ControlHeadersTest {
    @Test
    void aControlIsItsHintInAnyCaseAndAsEitherKindOfName() {
        assertThat(ControlHeaders.hint("x-switchboard-tier")).isEqualTo("tier");
        assertThat(ControlHeaders.hint("X-Switchboard-Num-Retries")).isEqualTo("num-retries");
        assertThat(ControlHeaders.hint(new AsciiString("x-switchboard-stream-timeout"))).isEqualTo("stream-timeout");
        assertThat(ControlHeaders.hint("x-switchboard-fallbacks")).isEqualTo("fallbacks");
        assertThat(ControlHeaders.hint("x-switchboard-tags")).isEqualTo("tags");
    }

    /** Every x-switchboard- response header the gateway writes may come back on a request and sets nothing. */
    @Test
    void ourResponseHeadersSentBackSetNothing() {
        for (String h : new String[] {SwitchboardHeaders.MODEL, SwitchboardHeaders.ROUTE, SwitchboardHeaders.CACHE,
                SwitchboardHeaders.COST, SwitchboardHeaders.REQUEST_ID, "x-switchboard-cache-entry", "x-switchboard-cache-age",
                "x-switchboard-cache-similarity", "x-switchboard-cache-verified", "x-switchboard-cache-lint",
                "x-switchboard-token-count", "X-Switchboard-Trace-Id", "x-switchboard-ui"}) {
            assertThat(ControlHeaders.hint(h)).as(h).isNull();
        }
    }

    @Test
    void anUnknownNameIsA400NamingItTheControlsAndTheNearest() {
        assertThatThrownBy(() -> ControlHeaders.hint("X-Switchboard-Teir"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("x-switchboard-teir");
                    assertThat(e.getMessage()).contains("'X-Switchboard-Teir'", "Did you mean x-switchboard-tier?",
                            "x-switchboard-fallbacks", "x-switchboard-num-retries");
                });
        assertThatThrownBy(() -> ControlHeaders.hint("x-switchboard-fallback"))
                .hasMessageContaining("Did you mean x-switchboard-fallbacks?");
        // nothing near: no suggestion; names that once landed on other stages' hints are refused too
        for (String h : new String[] {"x-switchboard-colour", "x-switchboard-end-user", "x-switchboard-cache-control",
                "x-switchboard-x-litellm-timeout", "x-switchboard-user-agent", "x-switchboard-"}) {
            assertThatThrownBy(() -> ControlHeaders.hint(h)).as(h).isInstanceOf(GatewayException.class)
                    .hasMessageContaining("Unknown request header '" + h + "'");
        }
        assertThatThrownBy(() -> ControlHeaders.hint("x-switchboard-colour")).hasMessageNotContaining("Did you mean");
    }
}
