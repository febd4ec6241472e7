package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
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
 * hermes-agent do. A reference is kept, and the definitions with it, where inlining cannot or should not happen: a
 * recursive one (a definition inside itself; Google unrolls those a few levels itself), one whose copy would pass the
 * node budget (inlined copies add at most max(4 × the schema's nodes, 20,000) nodes: a definition referenced a
 * thousand times, or a diamond of references, must not make a body of megabytes on the event loop), and one whose
 * copy would nest the schema deeper than {@value #MAX_OUTPUT_DEPTH} levels. A kept reference stands alone with its
 * {@code description} and {@code default}; other siblings go beside {@code "anyOf":[{"$ref":…}]}. A reference that
 * resolves nowhere (another document's URL, a pointer to nothing) is left as written, its definitions kept: Google's
 * 400 names what it cannot follow. Pointers are percent-decoded.
 *
 * <p>References by identifier are resolved as JSON Schema 2020-12 does within one document ({@link SchemaIds}): an
 * {@code $id} starts a schema resource whose URI is resolved against the base around it (the document's own
 * {@code $id}, else a base of ours), a {@code $ref} is resolved against the base where it stands, so TypeBox's
 * {@code {"$ref":"T"}} names the subschema with {@code "$id":"T"}, {@code "#name"} the one with {@code "$anchor":"name"}
 * (or {@code $dynamicAnchor}, or a draft-07 {@code "$id":"#name"}) in the same resource, and {@code "T#/properties/a"}
 * a pointer inside resource {@code T}. In a schema that declares identifiers, the output has none ({@code $id},
 * {@code $anchor} and {@code $dynamicAnchor} are dropped: inlined copies would otherwise declare the same id twice),
 * and a reference kept as a reference is rewritten as the JSON pointer of its target from the document's root (escaped
 * with ~0 and ~1 only; a {@code "#/…"} written from the root stays as written), which the output keeps at the same
 * place. A {@code $dynamicRef} is followed as a {@code $ref} (no outer dynamic scope: its anchor is dropped too).
 * A schema without {@code $ref} is returned as it is (the common case costs one walk of the tree, no copy).
 */
public final class GeminiJsonSchema {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Keywords whose values are data, not schemas: a "$ref" key in them is not a reference. */
    static final Set<String> DATA = Set.of("default", "enum", "const", "examples", "example");
    /** Keywords whose values map names to schemas: a property called "$ref" or "default" is a schema there. */
    static final Set<String> NAMED = Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");
    private static final Set<String> DEFINITIONS = Set.of("$defs", "definitions");
    /** Inlined copies add at most max(this many times the schema's own nodes, MIN_BUDGET) nodes (a diamond of references grows with each level). */
    static final int BUDGET_FACTOR = 4;
    static final int MIN_BUDGET = 20_000;
    /** References followed inside each other at most this deep. */
    private static final int MAX_CHAIN = 32;
    /** Nothing is inlined where it would nest the schema deeper than this (JsonBody.MAX_DEPTH is 512, Jackson writes 1,000). */
    static final int MAX_OUTPUT_DEPTH = 200;
    private static final int MAX_WALK = 600;

    private final long budget;
    private long added;
    private boolean kept;
    /** Node count and depth of each reference's target (by identity), as written. */
    private final Map<JsonNode, long[]> sizes = new IdentityHashMap<>();
    /** The document's schema resources, anchors and bases. */
    private final SchemaIds ids;

    private GeminiJsonSchema(JsonNode root) {
        this.budget = Math.max((long) BUDGET_FACTOR * measure(root, 0)[0], MIN_BUDGET);
        this.ids = SchemaIds.of(root);
    }

    public static JsonNode forGemini(JsonNode schema) {
        if (schema == null || !hasRef(schema, 0)) return schema;
        GeminiJsonSchema s = new GeminiJsonSchema(schema);
        if (!schema.isObject() || refKey(schema) != null) {
            JsonNode out = s.resolve(schema, new ArrayDeque<>(), 0);
            if (!s.kept && out instanceof ObjectNode o) {
                o.remove("$defs");
                o.remove("definitions");
            }
            return out;
        }
        // the definitions last, and only when a reference left as a reference still needs them
        ObjectNode out = F.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!DEFINITIONS.contains(e.getKey()) && !s.dropped(e.getKey())) {
                out.set(e.getKey(), s.field(e.getKey(), e.getValue(), new ArrayDeque<>(), 1));
            }
        }
        if (s.kept) {
            for (String d : DEFINITIONS) {
                if (!schema.has(d)) continue;
                if (!(schema.get(d) instanceof ObjectNode defs)) {
                    out.set(d, schema.get(d).deepCopy());
                    continue;
                }
                ObjectNode kept = out.putObject(d);
                for (Iterator<Map.Entry<String, JsonNode>> it = defs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    // a definition's references to itself stay references
                    Deque<JsonNode> stack = new ArrayDeque<>();
                    stack.push(e.getValue());
                    kept.set(e.getKey(), s.resolve(e.getValue(), stack, 2));
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
                if ((e.getKey().equals("$ref") || e.getKey().equals("$dynamicRef")) && e.getValue().isTextual()) return true;
                if (hasRef(e.getValue(), depth + 1)) return true;
            }
        } else if (n.isArray()) {
            for (JsonNode x : n) if (hasRef(x, depth + 1)) return true;
        }
        return false;
    }

    /** {nodes, depth} of a tree as written (a scalar is one node of depth 0). */
    private static long[] measure(JsonNode n, int depth) {
        if (!n.isContainerNode()) return new long[] {1, 0};
        if (depth > MAX_WALK) return new long[] {1, 1};
        long nodes = 1, deepest = 0;
        for (JsonNode x : n) {
            long[] m = measure(x, depth + 1);
            nodes += m[0];
            deepest = Math.max(deepest, m[1]);
        }
        return new long[] {nodes, deepest + 1};
    }

    /** The node n at output depth {@code depth} (containers around it), copied with its references inlined where they fit. */
    private JsonNode resolve(JsonNode n, Deque<JsonNode> stack, int depth) {
        if (n.isArray()) {
            ArrayNode a = F.arrayNode();
            for (JsonNode x : n) a.add(resolve(x, stack, depth + 1));
            return a;
        }
        if (!n.isObject()) return n;
        String refKey = refKey(n);
        if (refKey != null) {
            JsonNode ref = n.get(refKey);
            String written = ref.asText();
            JsonNode target = ids.target(written, n);
            if (target == null) { // another document's, or undefined: left as written (Google's 400 names it), its definitions kept
                kept = true;
                if (!ids.declared()) return n.deepCopy();
                ObjectNode copy = F.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!dropped(e.getKey())) copy.set(e.getKey(), e.getValue().deepCopy());
                }
                return copy;
            }
            long[] size = sizes.computeIfAbsent(target, k -> measure(target, 0));
            if (!onStack(stack, target) && stack.size() < MAX_CHAIN && added + size[0] <= budget && depth + size[1] <= MAX_OUTPUT_DEPTH) {
                added += size[0];
                stack.push(target);
                JsonNode expanded = resolve(target, stack, depth);
                stack.pop();
                ObjectNode merged = expanded.isObject() ? (ObjectNode) expanded : F.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getKey().equals(refKey) && !dropped(e.getKey())) merged.set(e.getKey(), field(e.getKey(), e.getValue(), stack, depth + 1));
                }
                return merged;
            }
            // recursive, too deep or over the budget: a reference, alone as Google wants it, its siblings beside an anyOf;
            // by its target's pointer where identifiers are dropped (the target stays at that place in the output)
            kept = true;
            String r = ids.declared() && !ids.fromRoot(written, target) ? ids.pointerOf(target) : written;
            if (r == null) r = written;
            ObjectNode alone = F.objectNode().put("$ref", r);
            boolean others = false;
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals(refKey) && !k.equals("description") && !k.equals("default") && !dropped(k)) others = true;
            }
            if (!others) {
                if (n.has("description")) alone.set("description", n.get("description"));
                if (n.has("default")) alone.set("default", n.get("default"));
                return alone;
            }
            ObjectNode wrapped = F.objectNode();
            wrapped.putArray("anyOf").add(alone);
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals(refKey) && !e.getKey().equals("anyOf") && !dropped(e.getKey())) {
                    wrapped.set(e.getKey(), field(e.getKey(), e.getValue(), stack, depth + 1));
                }
            }
            if (n.get("anyOf") instanceof ArrayNode more) { // both must hold: allOf of the two
                wrapped.remove("anyOf");
                ArrayNode all = wrapped.get("allOf") instanceof ArrayNode given ? given : wrapped.putArray("allOf"); // appended to the node's own
                all.addObject().putArray("anyOf").add(alone);
                all.addObject().set("anyOf", resolve(more, stack, depth + 3));
            }
            return wrapped;
        }
        ObjectNode o = F.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!dropped(e.getKey())) o.set(e.getKey(), field(e.getKey(), e.getValue(), stack, depth + 1));
        }
        return o;
    }

    /**
     * The keyword of the node's reference: {@code $ref}, else a {@code $dynamicRef}, resolved as a {@code $ref} is (JSON
     * Schema 2020-12's reading without an outer dynamic scope: its anchor is dropped with the other identifiers), or null.
     */
    private static String refKey(JsonNode n) {
        if (n.get("$ref") instanceof JsonNode r && r.isTextual()) return "$ref";
        if (n.get("$dynamicRef") instanceof JsonNode r && r.isTextual()) return "$dynamicRef";
        return null;
    }

    /** Whether a schema keyword is left out of the output: the identifiers, in a schema that declares some. */
    private boolean dropped(String keyword) { return ids.declared() && SchemaIds.IDENTIFIERS.contains(keyword); }

    /** Whether {@code target} is being inlined around this place (by identity: equal definitions are not the same one). */
    private static boolean onStack(Deque<JsonNode> stack, JsonNode target) {
        for (JsonNode n : stack) if (n == target) return true;
        return false;
    }

    private JsonNode field(String key, JsonNode value, Deque<JsonNode> stack, int depth) {
        if (DATA.contains(key)) return value.deepCopy();
        if (NAMED.contains(key) && value.isObject()) {
            ObjectNode named = F.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                named.set(e.getKey(), resolve(e.getValue(), stack, depth + 1));
            }
            return named;
        }
        return resolve(value, stack, depth);
    }

    /** A URI fragment's %XX escapes decoded as UTF-8 (RFC 3986; '+' is not a space there), or null when malformed. */
    static String percentDecoded(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) return null;
                int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
