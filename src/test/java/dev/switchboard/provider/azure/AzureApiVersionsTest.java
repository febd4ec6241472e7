package dev.switchboard.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which Azure OpenAI api-versions take OpenAI's 2024 chat fields (cloud QA F1, F2). */
class AzureApiVersionsTest {
    /** stream_options and max_completion_tokens came with 2024-09-01-preview; v1 and the default version take them. */
    @Test
    void apiVersionsFromSeptember2024TakeStreamOptionsAndMaxCompletionTokens() {
        for (String old : new String[] {"2023-05-15", "2023-07-01-preview", "2024-02-01", "2024-06-01", "2024-07-01-preview",
                "2024-08-01-preview"}) {
            assertThat(AzureApiVersions.takesCurrentFields(old, false)).as(old).isFalse();
        }
        for (String current : new String[] {"2024-09-01-preview", "2024-10-01-preview", "2024-10-21", "2024-12-01-preview",
                "2025-04-01-preview"}) {
            assertThat(AzureApiVersions.takesCurrentFields(current, false)).as(current).isTrue();
        }
        assertThat(AzureApiVersions.takesCurrentFields(null, false)).as("the default, 2024-10-21").isTrue();
        assertThat(AzureApiVersions.takesCurrentFields("2023-05-15", true)).as("an api_base ending in /openai/v1").isTrue();
        assertThat(AzureApiVersions.takesCurrentFields("preview", false)).isTrue();
    }
}
