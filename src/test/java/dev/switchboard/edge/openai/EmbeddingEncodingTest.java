package dev.switchboard.edge.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EmbeddingEncodingTest {
    static final ObjectMapper M = new ObjectMapper();

    static JsonNode json(String s) throws Exception { return M.readTree(s); }

    @Test
    void floatsBecomeLittleEndianFloat32Base64AndBack() throws Exception {
        // 1.0f = 00 00 80 3F, -2.0f = 00 00 00 C0 (little-endian), as OpenAI encodes them
        JsonNode b64 = EmbeddingEncoding.as(json("[1.0,-2.0]"), true);
        assertThat(b64.textValue()).isEqualTo(java.util.Base64.getEncoder().encodeToString(
                new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0}));
        assertThat(EmbeddingEncoding.as(b64, false).toString()).isEqualTo("[1.0,-2.0]");
    }

    @Test
    void whatAlreadyFitsOrIsNeitherFormIsLeftAlone() throws Exception {
        assertThat(EmbeddingEncoding.as(json("[0.5]"), false)).isEqualTo(json("[0.5]"));
        assertThat(EmbeddingEncoding.as(json("\"AACAPw==\""), true)).isEqualTo(json("\"AACAPw==\""));
        assertThat(EmbeddingEncoding.as(json("[\"a\"]"), true)).isEqualTo(json("[\"a\"]"));
        assertThat(EmbeddingEncoding.as(json("\"not base64!\""), false)).isEqualTo(json("\"not base64!\""));
        assertThat(EmbeddingEncoding.as(json("\"AAA=\""), false)).as("not a whole number of floats").isEqualTo(json("\"AAA=\""));
        assertThat(EmbeddingEncoding.as(null, true)).isNull();
    }
}
