package dev.switchboard.provider;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Small JSON helpers for the provider codecs: writing with Jackson's streaming generator (no intermediate
 * tree on the hot path) and null-safe reads from a parsed tree.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonRecyclers.factory());
    /** A prebuilt reader: readTree through ObjectMapper re-derives its configuration on every call. */
    private static final com.fasterxml.jackson.databind.ObjectReader TREE = MAPPER.readerFor(JsonNode.class);

    private Json() {}

    /** Writes one JSON document with {@code body} and returns it as a Vert.x buffer. */
    public static Buffer write(IOConsumer<JsonGenerator> body) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            body.accept(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return wrap(out.toByteArray());
    }

    /**
     * Bytes as a Buffer without a copy ({@code Buffer.buffer(byte[])} copies them into a new heap buffer): an unpooled
     * heap wrapper, which needs no release (Vert.x writes it through an unreleasable slice). The caller gives the array
     * up: it must not change it afterwards.
     */
    public static Buffer wrap(byte[] bytes) {
        return io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(bytes));
    }

    public interface IOConsumer<T> {
        void accept(T t) throws IOException;
    }

    public static JsonNode read(Buffer buffer) throws IOException {
        return TREE.readTree(buffer.getBytes());
    }

    public static JsonNode read(byte[] json) throws IOException {
        return TREE.readTree(json);
    }

    /** {@code json} parsed, or null when it is not JSON (what to make of that is the caller's). */
    public static JsonNode readOrNull(byte[] json) {
        try {
            return TREE.readTree(json);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** Parses one JSON text (a stream event's data). */
    public static JsonNode read(String json) throws IOException {
        return TREE.readTree(json);
    }

    /**
     * The error object of an answer: Vertex's streaming methods ({@code :streamGenerateContent}, {@code :streamRawPredict})
     * may send a failure before their stream inside a one-element JSON list, {@code [{"error":{…}}]} (genkit#4688,
     * cline#651; their non-SSE answers are lists of responses), and sometimes as the plain object (claude-code#1440).
     * Read as an object, the list had no message, no status name, no retryDelay and no context-window wording. The one
     * home of this unwrapping, so every reader of an error body (the decoders, the wrong-address check) sees the same
     * object. Anything else is returned as it is.
     */
    public static JsonNode unlisted(JsonNode n) {
        return n.isArray() && n.size() == 1 && n.get(0).has("error") ? n.get(0) : n;
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
    }

    public static int integer(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isNumber() ? 0 : v.intValue();
    }

    public static void writeIfNotNull(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) g.writeStringField(field, value);
    }

    public static void writeIfNotNull(JsonGenerator g, String field, Number value) throws IOException {
        if (value == null) return;
        g.writeFieldName(field);
        if (value instanceof Double d) g.writeNumber(d);
        else if (value instanceof Long l) g.writeNumber(l);
        else g.writeNumber(value.intValue());
    }

    public static void writeIfNotNull(JsonGenerator g, String field, JsonNode value) throws IOException {
        if (value == null) return;
        g.writeFieldName(field);
        g.writeTree(value);
    }
}
