package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolUseIdsTest {
    private static final String PATTERN = "^[a-zA-Z0-9_-]+$";

    @Test
    void anIdAnthropicTakesIsUnchanged() {
        for (String id : new String[] {"toolu_01A09q90qw90lq917835lq9", "call_abc123", "tooluse_x-Y", "call_1__thought__AbC-_9"}) {
            assertThat(ToolUseIds.forAnthropic(id)).isSameAs(id);
        }
        assertThat(ToolUseIds.forAnthropic(null)).isNull();
    }

    @Test
    void otherCharactersBecomeUnderscoresWithAHashSoTwoIdsStayApart() {
        String kimi = ToolUseIds.forAnthropic("functions.get_weather:0");
        assertThat(kimi).matches(PATTERN).startsWith("functions_get_weather_0_").hasSize("functions_get_weather_0_".length() + 8);
        assertThat(ToolUseIds.forAnthropic("functions.get_weather:0")).as("the same every time").isEqualTo(kimi);
        assertThat(ToolUseIds.forAnthropic("functions:get_weather.0")).as("maps alike, stays apart").isNotEqualTo(kimi)
                .startsWith("functions_get_weather_0_");
        assertThat(ToolUseIds.forAnthropic("call é/1")).matches(PATTERN);
    }

    /** Mistral takes nine letters and digits: others' ids map to such an id, the same every time; Mistral's own stay. */
    @Test
    void mistralGetsNineLettersAndDigits() {
        String claude = ToolUseIds.forMistral("toolu_01A09q90qw90lq917835lq9");
        assertThat(claude).matches("[a-zA-Z0-9]{9}");
        assertThat(ToolUseIds.forMistral("toolu_01A09q90qw90lq917835lq9")).isEqualTo(claude);
        assertThat(ToolUseIds.forMistral("toolu_01A09q90qw90lq917835lq8")).isNotEqualTo(claude);
        assertThat(ToolUseIds.forMistral("call_1")).matches("[a-zA-Z0-9]{9}");
        assertThat(ToolUseIds.forMistral("abcDEF123")).isSameAs("abcDEF123");
        assertThat(ToolUseIds.forMistral("abcDEF12_")).isNotEqualTo("abcDEF12_").matches("[a-zA-Z0-9]{9}");
        assertThat(ToolUseIds.forMistral(null)).isNull();
    }
}
