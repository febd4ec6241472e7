package dev.switchboard.edge.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A body's top-level key taken as the decoder's own String for a modelled field, else as a new String as before. */
class RequestRelayShapeKeysTest {
    private static String known(String key) {
        byte[] b = ("\"" + key + "\"").getBytes(StandardCharsets.ISO_8859_1);
        return RequestRelayShape.known(b, 1, b.length - 1);
    }

    @Test
    void everyModelledFieldIsItsOwnStringAndNothingElseIs() {
        for (String field : OpenAiRequestDecoder.chatFields()) {
            assertThat(known(new String(field))).as(field).isSameAs(field);
            assertThat(known(field + "s")).as(field + "s").isNull();
            assertThat(known(field.substring(0, field.length() - 1))).as("a prefix of " + field).isNull();
            assertThat(known(field.toUpperCase(java.util.Locale.ROOT))).as("case matters").isNull();
        }
        assertThat(known("")).isNull();
        assertThat(known("modal")).isNull();
        assertThat(known("store")).as("a field we relay but do not model").isNull();
    }
}
