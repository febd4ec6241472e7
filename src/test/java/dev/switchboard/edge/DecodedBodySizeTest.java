package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The estimate the buffer bound counts a decoded body at: its structure outside strings, never what a string holds. */
class DecodedBodySizeTest {
    private static long extra(String json) { return DecodedBodySize.extraBytes(Buffer.buffer(json)); }

    @Test
    void aSmallBodyIsAFlatFactorWithoutAScan() {
        assertThat(extra("{\"a\":[1,2,3]}")).isEqualTo(15L * 13);
    }

    @Test
    void objectsAndValuesCountOutsideStringsOnlyAndAnEscapedQuoteDoesNotEndOne() {
        String text = "x".repeat(DecodedBodySize.SCAN_FROM);
        // the string holds braces, commas and an escaped quote: none of them is structure
        String oneString = "{\"s\":\"" + text + "{,[\\\"{,\"}";
        assertThat(extra(oneString)).isEqualTo(DecodedBodySize.PER_BYTE * oneString.length() + DecodedBodySize.PER_OBJECT);
        String structure = "{\"s\":\"" + text + "\",\"m\":[{},{}]}";
        assertThat(extra(structure)).isEqualTo(DecodedBodySize.PER_BYTE * structure.length()
                + 3 * DecodedBodySize.PER_OBJECT + 3 * DecodedBodySize.PER_VALUE); // 3 objects; 2 commas and 1 array
    }
}
