package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * What Gemini refuses in a JSON Schema given as {@code parametersJsonSchema} or {@code responseJsonSchema}: a
 * {@code $ref} beside keywords other than {@code description} and {@code default}, and a local reference that names
 * nothing (its 400s, in its words, as reported against the live API with MCP, pydantic and zod schemas). Other
 * keywords outside its documented subset are accepted there (the field is JSON, not the OpenAPI-subset proto of
 * {@code parameters}) and ignored.
 */
final class GeminiSimSchema {
    private static final Set<String> BESIDE_REF = Set.of("$ref", "description", "default");
    private static final Set<String> DATA = Set.of("default", "enum", "const", "examples", "example");
    private static final Set<String> NAMED = Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");

    private GeminiSimSchema() {}

    /** Gemini's message for the first schema node it refuses, or null. */
    static String problem(Object schema) { return problem(schema, schema, "", 0); }

    private static String problem(Object root, Object node, String at, int depth) {
        if (depth > 64) return null;
        if (node instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                String p = problem(root, a.getValue(i), join(at, String.valueOf(i)), depth + 1);
                if (p != null) return p;
            }
            return null;
        }
        if (!(node instanceof JsonObject o)) return null;
        if (o.getValue("$ref") instanceof String ref) {
            for (String k : o.fieldNames()) {
                if (!BESIDE_REF.contains(k)) {
                    return "$ref '" + ref + "' was set alongside unsupported fields. If a schema node has $ref set, then only "
                            + "description and default can be set alongside it; other fields they would be replaced by the expanded reference.";
                }
            }
            if (ref.startsWith("#") && target(root, ref) == null) return "reference to undefined schema at " + at;
            return null;
        }
        for (String k : o.fieldNames()) {
            if (DATA.contains(k)) continue;
            Object v = o.getValue(k);
            if (NAMED.contains(k) && v instanceof JsonObject named) {
                for (String name : named.fieldNames()) {
                    String p = problem(root, named.getValue(name), join(join(at, k), name), depth + 1);
                    if (p != null) return p;
                }
            } else {
                String p = problem(root, v, join(at, k), depth + 1);
                if (p != null) return p;
            }
        }
        return null;
    }

    private static Object target(Object root, String ref) {
        Object node = root;
        if (ref.equals("#")) return node;
        if (!ref.startsWith("#/")) return null;
        for (String raw : ref.substring(2).split("/", -1)) {
            String seg = raw.replace("~1", "/").replace("~0", "~");
            if (node instanceof JsonObject o) node = o.getValue(seg);
            else if (node instanceof JsonArray a && seg.matches("\\d+") && Integer.parseInt(seg) < a.size()) node = a.getValue(Integer.parseInt(seg));
            else return null;
            if (node == null) return null;
        }
        return node;
    }

    private static String join(String at, String k) { return at.isEmpty() ? k : at + "." + k; }
}
