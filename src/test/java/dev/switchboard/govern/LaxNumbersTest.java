package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LaxNumbersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Long whole(String json) throws Exception { return LaxNumbers.whole(JSON.readTree(json)); }

    @Test
    void aWholeNumberIsReadAsPydanticsLaxIntReadsIt() throws Exception {
        assertThat(whole("60")).isEqualTo(60);
        assertThat(whole("60.0")).as("json.dumps of a computed limit").isEqualTo(60);
        assertThat(whole("1e2")).isEqualTo(100);
        assertThat(whole("\"60\"")).isEqualTo(60);
        assertThat(whole("\" 60.00 \"")).isEqualTo(60);
        assertThat(whole("\"60.\"")).isEqualTo(60);
        assertThat(whole("-3.0")).as("the caller says what a negative is").isEqualTo(-3);
        assertThat(whole("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aFractionAnExponentInATextAndWhatIsNoNumberAreNone() throws Exception {
        for (String none : new String[] {"60.5", "\"60.5\"", "\"1e2\"", "1e30", "1e400", "-1e400", "\"\"", "\".\"", "\"6 0\"", "true", "null", "[1]", "\"sixty\""}) {
            assertThat(whole(none)).as(none).isNull();
        }
    }
}
