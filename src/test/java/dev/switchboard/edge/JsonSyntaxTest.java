package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonSyntaxTest {
    private static String describe(String json) {
        return JsonSyntax.describe(catchThrowableOfType(JsonProcessingException.class, () -> new ObjectMapper().readTree(json)));
    }

    @Test
    void saysWhatAndWhereWithoutJacksonsSourceDescription() {
        String m = describe("{\"a\": [1,");
        assertThat(m).startsWith("Unexpected end-of-input").endsWith("(line 1, column 10)").doesNotContain("Source").doesNotContain("marker at");
        assertThat(describe("{\"a\" 1}")).contains("Unexpected character").contains("(line 1, column");
    }
}
