package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code isId} answers as {@code id().equals} does, without making the id. */
class DeploymentIdTest {
    private static Deployment of(String provider, String model) {
        return new Deployment("a", provider, model, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
    }

    @Test
    void isIdIsIdEquals() {
        Deployment d = of("azure", "my-gpt4o");
        for (String s : new String[] {"azure/my-gpt4o", "azure/my-gpt4", "azure-my-gpt4o", "azur/emy-gpt4o", "my-gpt4o", "", null,
                "azure/my-gpt4o/", "openai/my-gpt4o"}) {
            assertThat(d.isId(s)).as(s).isEqualTo(d.id().equals(s));
        }
        Deployment bare = of("", "model-x");
        assertThat(bare.isId("model-x")).isTrue();
        assertThat(bare.isId("/model-x")).isFalse();
    }
}
