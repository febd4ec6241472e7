package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelIdsTest {
    private static Deployment d(String provider, String model) {
        return new Deployment("alias", provider, model, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 7);
    }

    @Test
    void plainIdsOfEachProviderPass() {
        for (String m : List.of("gemini-2.5-flash", "gemini-1.5-flash-001", "text-embedding-005", "gemma-3-27b-it", "learnlm-2.0-flash-experimental",
                "gemini_exp_1206")) {
            assertThat(ModelIds.problem(m, ModelIds.GOOGLE)).as(m).isNull();
        }
        assertThat(ModelIds.problem("claude-sonnet-4-5@20250929", ModelIds.VERTEX_CLAUDE)).isNull();
        for (String m : List.of("anthropic.claude-3-5-sonnet-20240620-v1:0", "us.amazon.nova-pro-v1:0",
                "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123",
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0")) {
            assertThat(ModelIds.problem(m, ModelIds.BEDROCK)).as(m).isNull();
        }
        for (String m : List.of("gpt-4o", "my-gpt4o-v1", "chatgpt-v-2", "my_reasoner")) assertThat(ModelIds.problem(m, ModelIds.AZURE_DEPLOYMENT)).as(m).isNull();
    }

    @Test
    void namesThatWouldChangeTheUrlAreRefusedWithTheReason() {
        assertThat(ModelIds.problem("./gemini-2.5-pro", ModelIds.GOOGLE)).contains("'.' or '..' path segment");
        assertThat(ModelIds.problem("x/../gemini-2.5-pro", ModelIds.GOOGLE)).contains("'.' or '..' path segment");
        assertThat(ModelIds.problem("..", ModelIds.BEDROCK)).contains("'.' or '..' path segment");
        assertThat(ModelIds.problem("a/./b", ModelIds.BEDROCK)).contains("'.' or '..' path segment");
        assertThat(ModelIds.problem("a//b", ModelIds.BEDROCK)).contains("empty path segment");
        assertThat(ModelIds.problem("gemini-2.5-pro?key=x", ModelIds.GOOGLE)).contains("'?'");
        assertThat(ModelIds.problem("gemini-2.5-pro#", ModelIds.GOOGLE)).contains("'#'");
        assertThat(ModelIds.problem("%2e%2e", ModelIds.GOOGLE)).contains("'%'");
        assertThat(ModelIds.problem("a\\..\\b", ModelIds.BEDROCK)).contains("backslash");
        assertThat(ModelIds.problem("gemini\n", ModelIds.GOOGLE)).contains("control character");
        assertThat(ModelIds.problem("gemini\u200b", ModelIds.GOOGLE)).contains("control character");
        assertThat(ModelIds.problem("gemini 2", ModelIds.GOOGLE)).contains("white space");
        assertThat(ModelIds.problem("gemini\u00a02", ModelIds.GOOGLE)).contains("white space");
        assertThat(ModelIds.problem("", ModelIds.GOOGLE)).contains("empty");
        assertThat(ModelIds.problem("models/gemini-2.5-pro", ModelIds.GOOGLE)).contains("'/'");
        assertThat(ModelIds.problem("gemini:generateContent", ModelIds.GOOGLE)).contains("not of the form");
        assertThat(ModelIds.problem("gemini@1", ModelIds.GOOGLE)).contains("not of the form");
        assertThat(ModelIds.problem(".hidden", ModelIds.AZURE_DEPLOYMENT)).contains("not of the form");
        assertThat(ModelIds.problem("gеmini", ModelIds.GOOGLE)).as("a Cyrillic e").contains("not of the form");
    }

    @Test
    void theConfigErrorNamesTheLineAndTheRouterGetsTheReason() {
        assertThatThrownBy(() -> ModelIds.pathSegment(d("gemini", "x/../y"), "x/../y", ModelIds.GOOGLE))
                .isInstanceOf(ModelIds.Invalid.class).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 7: model_list entry 'alias': model 'x/../y' is not a valid Google model id")
                .satisfies(e -> assertThat(((ModelIds.Invalid) e).reason()).isEqualTo("Google model id: a '.' or '..' path segment"));
        assertThatThrownBy(() -> ModelIds.require(d("gemini", "a\nb"), "a\nb", ModelIds.GOOGLE)).hasMessageContaining("'a\\u000ab'");
    }

    @Test
    void whatPassesIsEncodedAsOneSegment() {
        assertThat(ModelIds.segment("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(ModelIds.segment("claude-sonnet-4-5@20250929")).isEqualTo("claude-sonnet-4-5@20250929");
        assertThat(ModelIds.segment("a/b?c#d%e:f")).isEqualTo("a%2Fb%3Fc%23d%25e%3Af");
        assertThat(ModelIds.segment("x y\n")).isEqualTo("x%20y%0A");
        assertThat(ModelIds.segment("é")).isEqualTo("%C3%A9");
        assertThatThrownBy(() -> ModelIds.segment("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelIds.segment(".")).isInstanceOf(IllegalArgumentException.class);
    }
}
