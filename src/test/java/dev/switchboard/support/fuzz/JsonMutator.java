package dev.switchboard.support.fuzz;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Request bodies for the fuzz test, all drawn from one {@link Random} so a run is repeated exactly by its seed:
 * a valid seed body with a few structural mutations (a value replaced by one of another type or an extreme one, a
 * field removed or added under a name the APIs use, an element duplicated, a value wrapped or nested very deep),
 * sometimes followed by byte-level damage (truncation, an inserted or replaced byte), or a wholly random JSON value.
 */
public final class JsonMutator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Without Jackson's depth limits (the fuzzer nests past them on purpose); 1e400 kept as written, not Infinity. */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build()).build())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Field names of both dialects, so an added field is often one the gateway reads. */
    private static final String[] NAMES = {"model", "messages", "stream", "tools", "tool_choice", "max_tokens",
            "max_completion_tokens", "output_config", "output_format", "format", "schema", "response_format", "json_schema",
            "encoding_format", "dimensions", "input", "system", "content", "role", "type", "thinking", "budget_tokens", "stop",
            "stop_sequences", "n", "temperature", "top_p", "top_k", "seed", "cache_control", "stream_options",
            "include_usage", "models", "fallbacks", "num_retries", "timeout", "metadata", "user_id", "image_url", "url",
            "source", "data", "media_type", "text", "tool_use", "tool_result", "tool_use_id", "id", "name", "input_schema",
            "parameters", "function", "arguments", "tool_calls", "tool_call_id", "file", "file_data", "input_audio",
            "cache", "user", "logprobs", "parallel_tool_calls", "disable_parallel_tool_use", "reasoning_effort", "__proto__"};
    private static final String[] STRINGS = {"", " ", "user", "assistant", "system", "tool", "developer", "text",
            "image", "document", "tool_use", "tool_result", "json_schema", "json_object", "base64", "float", "auto",
            "any", "none", "required", "function", "enabled", "adaptive", "ephemeral", "gpt", "claude", "gemini", "mock",
            "embedder", "data:image/png;base64,iVBORw0KGgo=", "data:application/pdf;base64,JVBERi0=", "http://127.0.0.1:1/x",
            "\u0000", "\r\n\r\nX-Injected: 1", "\ud83d\ude00", "\ud800", "%zz", "{", "null", "NaN", "Infinity", "-0",
            "1e400", "\u202e", "😀".repeat(3)};
    private static final String[] NUMBERS = {"0", "-1", "1", "1.5", "-0.0", "1e400", "-1e400", "1e-400", "2147483647",
            "2147483648", "9223372036854775807", "9223372036854775808", "99999999999999999999999999999", "4096", "65537",
            "1023", "1024", "0.0000001", "3.0"};

    private final Random random;

    public JsonMutator(Random random) { this.random = random; }

    /** One fuzz body derived from {@code seed} (a valid request body). */
    public byte[] mutate(String seed) {
        int kind = random.nextInt(20);
        if (kind == 0) return randomValue(3).toString().getBytes(StandardCharsets.UTF_8);
        JsonNode tree = parse(seed);
        if (kind == 1 && tree instanceof ObjectNode o) {
            // an otherwise valid body with one field nested right below the depth limits: it must be refused or served,
            // never read and then fail on its way out (the writer's limit, wrappers such as the cache key)
            int depth = random.nextBoolean() ? 505 + random.nextInt(15) : 990 + random.nextInt(15);
            JsonNode v = F.textNode("deep");
            for (int i = 0; i < depth; i++) v = F.arrayNode().add(v);
            o.set(random.nextBoolean() ? "x_extra" : pick(NAMES), v);
            return write(o);
        }
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) tree = edit(tree);
        byte[] bytes = write(tree);
        if (kind <= 4) bytes = damage(bytes);
        return bytes;
    }

    private JsonNode edit(JsonNode root) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            int op = random.nextInt(5);
            if (names.isEmpty() || op == 0) o.set(pick(NAMES), value());
            else {
                String name = names.get(random.nextInt(names.size()));
                switch (op) {
                    case 1 -> o.remove(name);
                    case 2 -> o.set(name, wrap(o.get(name)));
                    default -> o.set(name, value());
                }
            }
        } else if (target instanceof ArrayNode a) {
            int op = random.nextInt(4);
            if (a.isEmpty() || op == 0) a.add(value());
            else {
                int i = random.nextInt(a.size());
                switch (op) {
                    case 1 -> a.remove(i);
                    case 2 -> a.add(a.get(i).deepCopy());
                    default -> a.set(i, value());
                }
            }
        }
        return root;
    }

    private JsonNode wrap(JsonNode v) {
        return switch (random.nextInt(3)) {
            case 0 -> F.arrayNode().add(v);
            case 1 -> F.objectNode().set(pick(NAMES), v);
            default -> deep(v);
        };
    }

    /**
     * A value nested hundreds or thousands of levels deep, often near the depths where limits sit (the gateway's 512,
     * Jackson's default of 1000 for reading and for writing), where a body that reads may not write back.
     */
    private JsonNode deep(JsonNode inner) {
        int depth = switch (random.nextInt(3)) {
            case 0 -> 500 + random.nextInt(30);
            case 1 -> 985 + random.nextInt(25);
            default -> 200 + random.nextInt(2500);
        };
        JsonNode v = inner;
        for (int i = 0; i < depth; i++) v = random.nextBoolean() ? F.arrayNode().add(v) : F.objectNode().set("a", v);
        return v;
    }

    private JsonNode value() {
        return switch (random.nextInt(8)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(random.nextBoolean());
            case 2 -> parse(pick(NUMBERS));
            case 3 -> F.textNode(pick(STRINGS));
            case 4 -> F.textNode("x".repeat(random.nextInt(200_000)));
            case 5 -> deep(F.textNode("deep"));
            default -> randomValue(2);
        };
    }

    /** Any JSON value, at most {@code depth} levels of containers. */
    public JsonNode randomValue(int depth) {
        int k = random.nextInt(depth > 0 ? 7 : 4);
        return switch (k) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(random.nextBoolean());
            case 2 -> parse(pick(NUMBERS));
            case 3 -> F.textNode(pick(STRINGS));
            case 4, 5 -> {
                ObjectNode o = F.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) o.set(pick(NAMES), randomValue(depth - 1));
                yield o;
            }
            default -> {
                ArrayNode a = F.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) a.add(randomValue(depth - 1));
                yield a;
            }
        };
    }

    private byte[] damage(byte[] b) {
        if (b.length == 0) return b;
        int at = random.nextInt(b.length);
        return switch (random.nextInt(4)) {
            case 0 -> java.util.Arrays.copyOf(b, at);
            case 1 -> {
                byte[] out = b.clone();
                out[at] = (byte) random.nextInt(256);
                yield out;
            }
            case 2 -> {
                byte[] out = new byte[b.length + 1];
                System.arraycopy(b, 0, out, 0, at);
                String structural = "{}[]\",:\\\u0000 ";
                out[at] = (byte) structural.charAt(random.nextInt(structural.length()));
                System.arraycopy(b, at, out, at + 1, b.length - at);
                yield out;
            }
            default -> {
                byte[] tail = " {\"extra\":1}".getBytes(StandardCharsets.UTF_8);
                byte[] out = java.util.Arrays.copyOf(b, b.length + tail.length);
                System.arraycopy(tail, 0, out, b.length, tail.length);
                yield out;
            }
        };
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (!n.isContainerNode()) return;
        out.add(n);
        for (JsonNode c : n) collect(c, out);
    }

    private String pick(String[] from) { return from[random.nextInt(from.length)]; }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static byte[] write(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
