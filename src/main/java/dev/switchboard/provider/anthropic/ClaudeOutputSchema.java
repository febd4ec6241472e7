package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI {@code json_schema} response format made into the subset of JSON Schema Anthropic's structured outputs
 * take ({@code output_config.format}): Claude's constrained decoding refuses the keywords it cannot enforce (numeric
 * bounds, string lengths and patterns, array bounds above one item, open objects), where OpenAI's strict mode takes
 * some of them and a schema generator writes them without asking (openai-node's {@code zodTextFormat} gives every
 * integer a {@code minimum}/{@code maximum}). A schema that works against OpenAI should work when its alias moves to
 * Claude, so the gateway does what Anthropic's own SDKs do before sending one (their {@code transformJSONSchema}):
 * it keeps what Claude supports, closes every object ({@code additionalProperties: false}), reads {@code oneOf} as
 * {@code anyOf}, and writes every other keyword into the schema's {@code description} as
 * {@code {minimum: 1, maximum: 10}}, so the model still reads the constraint it cannot be held to.
 */
final class ClaudeOutputSchema {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** The string formats Anthropic's structured outputs enforce; another format goes into the description. */
    private static final Set<String> FORMATS = Set.of("date-time", "time", "date", "duration", "email", "hostname", "uri",
            "ipv4", "ipv6", "uuid");

    private ClaudeOutputSchema() {}

    /** {@code schema} in the subset Claude takes; {@code schema} itself is left as it was (the request is reused per attempt). */
    static JsonNode of(JsonNode schema) {
        return schema instanceof ObjectNode o ? strict(o.deepCopy()) : schema;
    }

    /** {@code rest} (a copy this method empties) as Claude's subset: what it keeps is removed from {@code rest}. */
    private static ObjectNode strict(ObjectNode rest) {
        ObjectNode out = F.objectNode();
        JsonNode ref = rest.remove("$ref");
        if (ref != null) return out.set("$ref", ref); // a reference stands for its definition, transformed there
        // definitions under either name, kept under the name they came with so every $ref still resolves (openai-node's
        // zod helper writes draft-07's "definitions" for a reused sub-schema; Anthropic's SDKs know only "$defs")
        for (String name : new String[] {"$defs", "definitions"}) {
            JsonNode defs = rest.remove(name);
            if (defs instanceof ObjectNode d) {
                ObjectNode strictDefs = out.putObject(name);
                d.properties().forEach(e -> strictDefs.set(e.getKey(), sub(e.getValue())));
            } else if (defs != null) {
                rest.set(name, defs);
            }
        }
        JsonNode type = rest.remove("type");
        JsonNode anyOf = rest.remove("anyOf"), oneOf = rest.remove("oneOf"), allOf = rest.remove("allOf");
        if (anyOf instanceof ArrayNode a) out.set("anyOf", each(a));
        else if (oneOf instanceof ArrayNode a) out.set("anyOf", each(a)); // "exactly one" cannot be enforced; "any" can
        else if (allOf instanceof ArrayNode a) out.set("allOf", each(a));
        if (type != null) out.set("type", type);
        for (String kept : new String[] {"description", "title", "const", "enum"}) {
            JsonNode v = rest.remove(kept);
            if (v != null) out.set(kept, v);
        }
        String t = type == null ? "" : type.asText("");
        if (t.equals("object")) {
            ObjectNode properties = out.putObject("properties");
            if (rest.remove("properties") instanceof ObjectNode p) p.properties().forEach(e -> properties.set(e.getKey(), sub(e.getValue())));
            rest.remove("additionalProperties"); // Claude requires every object closed
            out.put("additionalProperties", false);
            JsonNode required = rest.remove("required");
            if (required != null) out.set("required", required);
        } else if (t.equals("string")) {
            JsonNode format = rest.get("format");
            if (format != null && format.isTextual() && FORMATS.contains(format.textValue())) out.set("format", rest.remove("format"));
        } else if (t.equals("array")) {
            JsonNode items = rest.remove("items");
            if (items != null) out.set("items", sub(items));
            JsonNode minItems = rest.get("minItems");
            if (minItems != null && minItems.isIntegralNumber() && (minItems.asInt() == 0 || minItems.asInt() == 1)) {
                out.set("minItems", rest.remove("minItems"));
            }
        }
        if (!rest.isEmpty()) out.put("description", described(out.path("description").asText(null), rest));
        return out;
    }

    private static JsonNode sub(JsonNode n) {
        return n instanceof ObjectNode o ? strict(o) : n;
    }

    private static ArrayNode each(ArrayNode variants) {
        ArrayNode out = F.arrayNode(variants.size());
        for (JsonNode v : variants) out.add(sub(v));
        return out;
    }

    /** The description with the keywords Claude cannot enforce after it: {@code {minimum: 1, maximum: 10}}. */
    private static String described(String description, ObjectNode rest) {
        StringBuilder b = new StringBuilder();
        if (description != null && !description.isEmpty()) b.append(description).append("\n\n");
        b.append('{');
        Iterator<Map.Entry<String, JsonNode>> it = rest.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(e.getKey()).append(": ").append(e.getValue().toString());
            if (it.hasNext()) b.append(", ");
        }
        return b.append('}').toString();
    }
}
