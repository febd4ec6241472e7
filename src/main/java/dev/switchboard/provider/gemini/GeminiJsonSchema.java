package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A client's JSON Schema as Gemini takes it in {@code parametersJsonSchema} and {@code responseJsonSchema}. Those
 * fields take JSON Schema as written, with one rule Google enforces (its 400: "$ref '…' was set alongside unsupported
 * fields. If a schema node has $ref set, then only description and default can be set alongside it") and references
 * it cannot follow ("reference to undefined schema at …"). Pydantic, zod and MCP servers emit both: a {@code $ref}
 * beside {@code title}, {@code type} or {@code nullable}, {@code $defs} refs from nested places. So every local
 * reference ({@code #/$defs/…}, {@code #/definitions/…}, any {@code #/…} pointer) is inlined, its siblings laid over
 * the definition, and the then unused {@code $defs} / {@code definitions} dropped, as LiteLLM, opencode and
 * hermes-agent do. A recursive reference (a definition inside itself) cannot be inlined: it stays a {@code $ref} with
 * only its {@code description} and {@code default} (Google unrolls such references a few levels itself), and the
 * definitions stay for it. A reference that resolves nowhere or is not local is left as written: Google's 400 names it.
 * A schema without {@code $ref} is returned as it is (the common case costs one walk of the tree, no copy).
 */
public final class GeminiJsonSchema {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Keywords whose values are data, not schemas: a "$ref" key in them is not a reference. */
    private static final Set<String> DATA = Set.of("default", "enum", "const", "examples", "example");
    /** Keywords whose values map names to schemas: a property called "$ref" or "default" is a schema there. */
    private static final Set<String> NAMED = Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");
    private static final Set<String> DEFINITIONS = Set.of("$defs", "definitions");
    /** At most this many references are inlined in one schema (a diamond of references grows with each level). */
    private static final int MAX_INLINED = 1_000;
    private static final int MAX_DEPTH = 32;

    private final JsonNode root;
    private int inlined;
    private boolean kept;

    private GeminiJsonSchema(JsonNode root) { this.root = root; }

    public static JsonNode forGemini(JsonNode schema) {
        if (schema == null || !hasRef(schema, 0)) return schema;
        GeminiJsonSchema s = new GeminiJsonSchema(schema);
        if (!schema.isObject() || schema.has("$ref")) {
            JsonNode out = s.resolve(schema, new ArrayDeque<>());
            if (!s.kept && out instanceof ObjectNode o) {
                o.remove("$defs");
                o.remove("definitions");
            }
            return out;
        }
        // the definitions last, and only when a recursive reference still needs them
        ObjectNode out = F.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!DEFINITIONS.contains(e.getKey())) out.set(e.getKey(), s.field(e.getKey(), e.getValue(), new ArrayDeque<>()));
        }
        if (s.kept) {
            for (String d : DEFINITIONS) {
                if (!(schema.get(d) instanceof ObjectNode defs)) continue;
                ObjectNode kept = out.putObject(d);
                for (Iterator<Map.Entry<String, JsonNode>> it = defs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    // a definition's references to itself stay references
                    Deque<String> stack = new ArrayDeque<>();
                    stack.push("#/" + d + "/" + e.getKey().replace("~", "~0").replace("/", "~1"));
                    kept.set(e.getKey(), s.resolve(e.getValue(), stack));
                }
            }
        }
        return out;
    }

    private static boolean hasRef(JsonNode n, int depth) {
        if (depth > 256) return false;
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) return true;
                if (hasRef(e.getValue(), depth + 1)) return true;
            }
        } else if (n.isArray()) {
            for (JsonNode x : n) if (hasRef(x, depth + 1)) return true;
        }
        return false;
    }

    private JsonNode resolve(JsonNode n, Deque<String> stack) {
        if (n.isArray()) {
            ArrayNode a = F.arrayNode();
            for (JsonNode x : n) a.add(resolve(x, stack));
            return a;
        }
        if (!n.isObject()) return n;
        JsonNode ref = n.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
            JsonNode target = target(ref.asText());
            if (target == null) return n.deepCopy(); // undefined: Google's 400 names it
            if (!stack.contains(ref.asText()) && stack.size() < MAX_DEPTH && inlined < MAX_INLINED) {
                inlined++;
                stack.push(ref.asText());
                JsonNode expanded = resolve(target, stack);
                stack.pop();
                ObjectNode merged = expanded.isObject() ? (ObjectNode) expanded : F.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getKey().equals("$ref")) merged.set(e.getKey(), field(e.getKey(), e.getValue(), stack));
                }
                return merged;
            }
            kept = true;
            ObjectNode alone = F.objectNode().put("$ref", ref.asText());
            if (n.has("description")) alone.set("description", n.get("description"));
            if (n.has("default")) alone.set("default", n.get("default"));
            return alone;
        }
        ObjectNode o = F.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            o.set(e.getKey(), field(e.getKey(), e.getValue(), stack));
        }
        return o;
    }

    private JsonNode field(String key, JsonNode value, Deque<String> stack) {
        if (DATA.contains(key)) return value.deepCopy();
        if (NAMED.contains(key) && value.isObject()) {
            ObjectNode named = F.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                named.set(e.getKey(), resolve(e.getValue(), stack));
            }
            return named;
        }
        return resolve(value, stack);
    }

    /** The node a local reference ({@code #}, {@code #/a/b}) names in the original schema, or null. */
    private JsonNode target(String ref) {
        if (ref.equals("#")) return root;
        try {
            JsonNode t = root.at(JsonPointer.compile(ref.substring(1)));
            return t.isMissingNode() ? null : t;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
