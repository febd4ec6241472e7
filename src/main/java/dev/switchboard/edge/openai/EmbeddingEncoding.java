package dev.switchboard.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * An embedding in the encoding the client asked for, whatever the upstream sent. Many OpenAI-compatible servers
 * ignore {@code encoding_format} and always answer float arrays; OpenAI's Node SDK asks for base64 by default and
 * decodes the answer as base64 without looking, so a float array reached it as garbage. The reverse (base64 sent to
 * a client that asked for floats, or asked nothing) is turned back into floats. Base64 is OpenAI's form: the vector's
 * float32 values, little-endian, in standard base64.
 */
final class EmbeddingEncoding {
    private EmbeddingEncoding() {}

    /**
     * @param base64 the client asked for {@code encoding_format: "base64"}
     * @return the embedding as the client expects it; a value of neither form (not an array of numbers, not valid
     *     base64) is returned unchanged, so an odd upstream answer is not made worse
     */
    static JsonNode as(JsonNode embedding, boolean base64) {
        if (embedding == null) return null;
        if (base64 && embedding.isArray()) return toBase64((ArrayNode) embedding);
        if (!base64 && embedding.isTextual()) return toFloats(embedding);
        return embedding;
    }

    private static JsonNode toBase64(ArrayNode floats) {
        ByteBuffer bytes = ByteBuffer.allocate(floats.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : floats) {
            if (!v.isNumber()) return floats;
            bytes.putFloat(v.floatValue());
        }
        return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes.array()));
    }

    private static JsonNode toFloats(JsonNode text) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text.textValue());
        } catch (IllegalArgumentException e) {
            return text;
        }
        if (raw.length % Float.BYTES != 0) return text;
        ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        ArrayNode out = JsonNodeFactory.instance.arrayNode(raw.length / Float.BYTES);
        while (bytes.hasRemaining()) out.add(bytes.getFloat());
        return out;
    }
}
