package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@link CacheControls#parse}: how the body's {@code cache} field and the {@code Cache-Control} header combine. */
class CacheControlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Review (2026-12-07): with several age limits the last one read won, so a header's {@code max-age=600} undid the
     * body's {@code s-maxage: 5}. The strictest holds, whatever the order; inside the body {@code s-max-age} still wins
     * over {@code s-maxage}, as in LiteLLM.
     */
    @Test
    void theStrictestAgeLimitHoldsOverBodyAndHeader() throws Exception {
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 5}"), "max-age=600").maxAgeMillis()).isEqualTo(5_000);
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 600}"), "max-age=5").maxAgeMillis()).isEqualTo(5_000);
        assertThat(CacheControls.parse(null, "max-age=5, s-maxage=600").maxAgeMillis()).isEqualTo(5_000);
        assertThat(CacheControls.parse(null, "s-maxage=5, max-age=600").maxAgeMillis()).isEqualTo(5_000);
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 5, \"s-max-age\": 60}"), null).maxAgeMillis())
                .as("LiteLLM: s-max-age wins inside the body").isEqualTo(60_000);
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 5, \"s-max-age\": 60}"), "max-age=30").maxAgeMillis()).isEqualTo(30_000);
    }

    /** Review (2026-12-07): LiteLLM reads s-maxage as float seconds, so {@code 0.5} is half a second (it was a 400). */
    @Test
    void aFractionalSMaxageIsReadAsLiteLlmReadsIt() throws Exception {
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 0.5}"), null).maxAgeMillis()).isEqualTo(500);
        assertThat(CacheControls.parse(JSON.readTree("{\"s-max-age\": 1.25}"), null).maxAgeMillis()).isEqualTo(1_250);
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 1e300}"), null).maxAgeMillis()).isEqualTo(Long.MAX_VALUE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CacheControls.parse(JSON.readTree("{\"s-maxage\": -0.5}"), null))
                .hasMessageContaining("0 or more");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CacheControls.parse(JSON.readTree("{\"s-maxage\": \"5\"}"), null))
                .hasMessageContaining("number of seconds");
    }
}
