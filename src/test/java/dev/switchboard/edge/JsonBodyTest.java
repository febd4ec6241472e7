package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonBodyTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void oneValueWithWhitespaceAroundIsRead() throws Exception {
        assertThat(JsonBody.read(b(" {\"a\":1}\n")).get("a").intValue()).isEqualTo(1);
        assertThat(JsonBody.read(b(""))).isNull();
    }

    @Test
    void anythingAfterTheValueIsASyntaxErrorWithItsPlace() {
        String m = JsonSyntax.describe(catchThrowableOfType(JsonProcessingException.class, () -> JsonBody.read(b("{}{}"))));
        assertThat(m).contains("after the JSON value").contains("(line 1, column");
        assertThat(catchThrowableOfType(JsonProcessingException.class, () -> JsonBody.read(b("{} xyz")))).isNotNull();
    }

    @Test
    void findsTheFirstNonFiniteNumberAnywhere() throws Exception {
        assertThat(JsonBody.nonFinitePath(JsonBody.read(b("{\"a\":[1,{\"b\":-1e400}]}")))).isEqualTo(List.of("a", 1, "b"));
        assertThat(JsonBody.nonFinitePath(JsonBody.read(b("{\"a\":1e300,\"b\":123456789012345678901234567890}")))).isNull();
    }

    /** A refused request's model label: only from a body that is one JSON object naming it as a string. */
    @Test
    void aTopLevelStringIsReadOnlyFromAWholeJsonObject() {
        assertThat(JsonBody.topLevelString(b("{\"messages\":[{\"model\":\"inner\"}],\"model\":\"gpt\",\"temperature\":5}"), "model"))
                .isEqualTo("gpt");
        assertThat(JsonBody.topLevelString(b("{\"model\":\"gpt\", oops"), "model")).as("not JSON").isNull();
        assertThat(JsonBody.topLevelString(b("{\"model\":\"gpt\"} {}"), "model")).as("two values").isNull();
        assertThat(JsonBody.topLevelString(b("[1,2,3]"), "model")).isNull();
        assertThat(JsonBody.topLevelString(b("{\"model\":5}"), "model")).isNull();
        assertThat(JsonBody.topLevelString(b(""), "model")).isNull();
    }
}
