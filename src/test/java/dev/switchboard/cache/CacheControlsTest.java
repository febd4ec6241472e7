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
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 5}"), "max-age=600").maxAgeSeconds()).isEqualTo(5);
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 600}"), "max-age=5").maxAgeSeconds()).isEqualTo(5);
        assertThat(CacheControls.parse(null, "max-age=5, s-maxage=600").maxAgeSeconds()).isEqualTo(5);
        assertThat(CacheControls.parse(null, "s-maxage=5, max-age=600").maxAgeSeconds()).isEqualTo(5);
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 5, \"s-max-age\": 60}"), null).maxAgeSeconds())
                .as("LiteLLM: s-max-age wins inside the body").isEqualTo(60);
        assertThat(CacheControls.parse(JSON.readTree("{\"s-maxage\": 5, \"s-max-age\": 60}"), "max-age=30").maxAgeSeconds()).isEqualTo(30);
    }
}
