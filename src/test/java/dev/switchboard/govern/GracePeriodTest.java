package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.GatewayException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** LiteLLM's grace_period on /key/regenerate, read with the duration parser budget_duration and duration use. */
class GracePeriodTest {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;
    private static final long NOW = Instant.parse("2026-12-06T10:00:00Z").toEpochMilli();

    @Test
    void litellmsDurationStringsGiveTheTimeTheOldSecretStops() {
        assertThat(GracePeriod.until(J.textNode("2s"), NOW)).isEqualTo(NOW + 2_000);
        assertThat(GracePeriod.until(J.textNode("30m"), NOW)).isEqualTo(NOW + 30 * 60_000L);
        assertThat(GracePeriod.until(J.textNode("24h"), NOW)).isEqualTo(NOW + 24 * 3_600_000L);
        assertThat(GracePeriod.until(J.textNode(" 2d "), NOW)).isEqualTo(NOW + 2 * 86_400_000L);
        assertThat(GracePeriod.until(J.textNode("1w"), NOW)).isEqualTo(NOW + 7 * 86_400_000L);
        assertThat(GracePeriod.until(J.textNode("1mo"), NOW)).isEqualTo(Instant.parse("2027-01-06T10:00:00Z").toEpochMilli());
    }

    @Test
    void noneNullEmptyOrZeroIsNoGraceAsInLitellm() {
        assertThat(GracePeriod.until(null, NOW)).isNull();
        assertThat(GracePeriod.until(J.nullNode(), NOW)).isNull();
        assertThat(GracePeriod.until(J.textNode(""), NOW)).isNull();
        assertThat(GracePeriod.until(J.textNode("  "), NOW)).isNull();
        assertThat(GracePeriod.until(J.textNode("0s"), NOW)).isNull();
        assertThat(GracePeriod.until(J.textNode("00h"), NOW)).isNull();
        assertThat(GracePeriod.until(J.textNode("0mo"), NOW)).isNull();
    }

    @Test
    void anythingElseIsA400NamingTheField() {
        for (JsonNode bad : new JsonNode[] {J.textNode("24 hours"), J.textNode("24"), J.textNode("-1h"), J.textNode("1y"),
                J.textNode("h"), J.numberNode(86400), J.booleanNode(true), J.arrayNode().add("1h")}) {
            assertThatThrownBy(() -> GracePeriod.until(bad, NOW)).as(bad.toString())
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.param()).isEqualTo("grace_period");
                        assertThat(e.getMessage()).contains("30s, 30m, 30h, 1d, 7d, 2w or 1mo");
                    });
        }
    }

    /** LiteLLM's {@code grace_period or LITELLM_KEY_ROTATION_GRACE_PERIOD}: none, null or "" takes the default; "0s" not. */
    @Test
    void noneSentTakesTheDefaultAndAZeroSentDoesNot() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        long now = 1_000_000L;
        assertThat(GracePeriod.until(null, "2h", now)).isEqualTo(now + 7_200_000L);
        assertThat(GracePeriod.until(f.nullNode(), "2h", now)).isEqualTo(now + 7_200_000L);
        assertThat(GracePeriod.until(f.textNode(" "), "2h", now)).isEqualTo(now + 7_200_000L);
        assertThat(GracePeriod.until(f.textNode("0s"), "2h", now)).isNull();
        assertThat(GracePeriod.until(f.textNode("30s"), "2h", now)).isEqualTo(now + 30_000L);
        assertThat(GracePeriod.until(null, null, now)).isNull();
        assertThatThrownBy(() -> GracePeriod.until(f.numberNode(5), "2h", now)).isInstanceOf(GatewayException.class);
    }
}
