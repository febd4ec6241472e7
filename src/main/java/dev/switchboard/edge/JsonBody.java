package dev.switchboard.edge;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request body as one JSON tree. Jackson stops reading after the first value, so {@code {…} xyz} or two
 * objects back to back would be taken as the first object alone; a body must be exactly one value, else the
 * client's mistake (a concatenation bug, a truncated second request) is silently half-served.
 */
public final class JsonBody {
    /**
     * How deep a request body may nest. Jackson reads and writes at most 1000 levels, but the gateway writes a body
     * back inside other JSON (the cache key, a provider's wire format), so a body that read at 999 levels failed on its
     * way out with a 500 (found by FuzzIT). No API request needs more than a few dozen levels; 512 leaves the writers
     * room.
     */
    public static final int MAX_DEPTH = 512;
    private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build());
    /** Built once: ObjectMapper.readTree re-derives its configuration on every call (see provider.Json). */
    private static final com.fasterxml.jackson.databind.ObjectReader TREE = MAPPER.readerFor(JsonNode.class);
    /**
     * The management API's reader: a key given twice is refused ({@code "max_budget":1,"max_budget":1000} would set the
     * last silently, and the admin who reads the first believes a budget of 1). Not the chat path's: OpenAI and
     * Anthropic accept a repeated key there (the last wins), clients may rely on it, and the check keeps a set of names
     * per object, which the hot path does not pay for.
     */
    private static final com.fasterxml.jackson.databind.ObjectReader STRICT_TREE = TREE.with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonBody() {}

    /**
     * @return the value, or null for an empty body
     * @throws com.fasterxml.jackson.core.JsonProcessingException for bad syntax or content after the value,
     *     with its location, for {@link JsonSyntax#describe}
     */
    public static JsonNode read(byte[] body) throws IOException {
        return read(TREE, body);
    }

    /**
     * {@link #read}, and a key that appears twice in an object is a syntax error ("Duplicate field 'max_budget'"): for
     * the admin routes, where a budget or an alias must not be set by whichever copy came last.
     */
    public static JsonNode readNoDuplicateKeys(byte[] body) throws IOException {
        return read(STRICT_TREE, body);
    }

    private static JsonNode read(com.fasterxml.jackson.databind.ObjectReader reader, byte[] body) throws IOException {
        try (JsonParser p = reader.createParser(body)) {
            JsonNode n = reader.readTree(p);
            if (n != null && p.nextToken() != null) {
                throw new JsonParseException(p, "Unexpected content after the JSON value: the body must hold exactly one JSON value");
            }
            return n;
        }
    }

    /**
     * The string value of the top-level member {@code field} of a body that is one JSON object; null when the body is not
     * JSON, no object, or has no such string. For a refused request's metric label (its model), on the failure path only:
     * a body that is not JSON names nothing, whatever its first bytes say.
     */
    public static String topLevelString(byte[] body, String field) {
        // a token scan, not a tree: it runs on the event loop, for a body of up to max_request_size_mb; every token is
        // read (so a body that is not one JSON value names nothing) but no member is built
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return null;
            String found = null;
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                boolean wanted = field.equals(p.currentName());
                com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                if (wanted) found = value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? p.getText() : null;
                else p.skipChildren();
            }
            return p.currentToken() == com.fasterxml.jackson.core.JsonToken.END_OBJECT && p.nextToken() == null ? found : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Where the first number too large for a double ({@code 1e400}) sits, as keys and indexes from the root; null
     * when there is none. Jackson reads such a number as Infinity and writes it back as {@code "Infinity"}, so a
     * field we forward without reading it (an unknown field, a tool schema) would reach the provider changed.
     */
    public static List<Object> nonFinitePath(JsonNode root) {
        return nonFinitePath(root, null);
    }

    /**
     * {@link #nonFinitePath(JsonNode)}, and in the same walk the number of object members in the whole tree into
     * {@code fields[0]} (when there is no such number): fewer than the body's keys means a key came twice, and the tree
     * kept only its last value.
     */
    public static List<Object> nonFinitePath(JsonNode root, int[] fields) {
        List<Object> reversed = find(root, fields);
        if (reversed == null) return null;
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    /** The path to the first non-finite number, innermost step first (built on the way out: nothing allocated when there is none). */
    private static List<Object> find(JsonNode n, int[] fields) {
        if (n.isNumber()) return !n.isIntegralNumber() && !Double.isFinite(n.doubleValue()) ? new ArrayList<>() : null;
        if (n.isObject()) {
            if (fields != null) fields[0] += n.size();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                List<Object> p = find(e.getValue(), fields);
                if (p != null) {
                    p.add(e.getKey());
                    return p;
                }
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                List<Object> p = find(n.get(i), fields);
                if (p != null) {
                    p.add(i);
                    return p;
                }
            }
        }
        return null;
    }
}
