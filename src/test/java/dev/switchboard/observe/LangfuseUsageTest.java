package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The cache-read key Langfuse's own prices use for each model family (its default-model-prices.json). */
class LangfuseUsageTest {
    @Test
    void claudeKeepsAnthropicsNamesWhoeverServesIt() {
        for (String[] m : new String[][] {{"claude-sonnet-4-5", "anthropic/claude-sonnet-4-5"},
                {"anthropic.claude-3-5-haiku-20241022-v1:0", "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0"},
                {"anthropic/claude-opus-4", "openrouter/anthropic/claude-opus-4"}}) {
            JsonObject u = new JsonObject(LangfuseUsage.json(m[0], m[1], 3000, 20, 2048, 500));
            assertThat(u.getLong("cache_read_input_tokens")).as(m[0]).isEqualTo(2048);
            assertThat(u.getLong("cache_creation_input_tokens")).isEqualTo(500);
            assertThat(u.containsKey("input_cached_tokens")).isFalse();
            assertThat(u.getLong("input")).isEqualTo(3000 - 2048 - 500);
            assertThat(u.getLong("total")).isEqualTo(3020);
        }
    }

    /** Langfuse prices o1, o3-mini and every Gemini's cached input only under input_cached_tokens. */
    @Test
    void openAiStyleAndGeminiModelsUseInputCachedTokens() {
        for (String[] m : new String[][] {{"gpt-4o-2024-08-06", "openai/gpt-4o"}, {"o3-mini", "azure/o3-mini"},
                {"gemini-2.5-flash", "gemini/gemini-2.5-flash"}, {"deepseek-chat", "deepseek/deepseek-chat"}}) {
            JsonObject u = new JsonObject(LangfuseUsage.json(m[0], m[1], 2000, 10, 1536, 0));
            assertThat(u.getLong("input_cached_tokens")).as(m[0]).isEqualTo(1536);
            assertThat(u.containsKey("cache_read_input_tokens")).as(m[0]).isFalse();
            assertThat(u.containsKey("cache_creation_input_tokens")).as("no write: no key").isFalse();
            assertThat(u.getLong("input")).isEqualTo(464);
        }
    }
}
