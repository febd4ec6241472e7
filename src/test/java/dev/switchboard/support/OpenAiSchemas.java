package dev.switchboard.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON against the schemas of OpenAI's published OpenAPI spec ({@code ../shared/specs/openai-openapi.json}).
 * The spec is OpenAPI 3.1 but still uses {@code nullable: true} in places, which JSON Schema does not know;
 * it is rewritten to "or null" before validating, as the spec's README says it means.
 */
public final class OpenAiSchemas {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static volatile ObjectNode components;
    private static final Map<String, Validator> VALIDATORS = new ConcurrentHashMap<>();

    private OpenAiSchemas() {}

    /**
     * The spec: the team's shared copy when the checkout sits next to it, else the same file vendored (gzipped)
     * in the test resources, so a clone anywhere runs the whole suite.
     */
    public static java.io.InputStream openSpec() throws java.io.IOException {
        for (String p : new String[] {"../shared/specs/openai-openapi.json", "../../shared/specs/openai-openapi.json"}) {
            File f = new File(p);
            if (f.isFile()) return new java.io.FileInputStream(f);
        }
        java.io.InputStream vendored = OpenAiSchemas.class.getResourceAsStream("/specs/openai-openapi.json.gz");
        if (vendored == null) {
            throw new IllegalStateException("OpenAI spec not found at ../shared/specs/openai-openapi.json (cwd "
                    + new File(".").getAbsolutePath() + ") nor in the test resources");
        }
        return new java.util.zip.GZIPInputStream(vendored);
    }

    private static synchronized ObjectNode components() {
        if (components == null) {
            try {
                ObjectNode spec;
                try (java.io.InputStream in = openSpec()) {
                    spec = (ObjectNode) MAPPER.readTree(in);
                }
                ObjectNode c = (ObjectNode) spec.get("components").deepCopy();
                c.remove("securitySchemes");
                components = (ObjectNode) rewriteNullable(c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return components;
    }

    /** Returns the validation errors of {@code json} against {@code components.schemas.<schemaName>}; empty when valid. */
    public static List<String> errors(String schemaName, String json) {
        Validator v = VALIDATORS.computeIfAbsent(schemaName, name -> {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.put("$ref", "#/components/schemas/" + name);
            root.set("components", components());
            if (!components().path("schemas").has(name)) throw new IllegalArgumentException("no schema " + name);
            return Validator.create(JsonSchema.of(new JsonObject(root.toString())),
                    new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://openai.local/spec")
                            .setOutputFormat(OutputFormat.Basic));
        });
        Object instance;
        try {
            instance = new io.vertx.core.json.JsonObject(json);
        } catch (RuntimeException e) {
            return List.of("not a JSON object: " + json);
        }
        OutputUnit result = v.validate(instance);
        if (Boolean.TRUE.equals(result.getValid())) return List.of();
        List<String> out = new ArrayList<>();
        if (result.getErrors() != null) {
            for (OutputUnit e : result.getErrors()) out.add(e.getInstanceLocation() + ": " + e.getError());
        }
        if (out.isEmpty()) out.add(String.valueOf(result.getError()));
        return out;
    }

    /** Asserts that {@code json} is valid against the named schema, with the errors in the failure message. */
    public static void assertValid(String schemaName, String json) {
        List<String> errors = errors(schemaName, json);
        if (!errors.isEmpty()) {
            throw new AssertionError(schemaName + " rejects " + json + "\n  " + String.join("\n  ", errors));
        }
    }

    private static JsonNode rewriteNullable(JsonNode n) {
        if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) a.set(i, rewriteNullable(a.get(i)));
            return a;
        }
        if (!(n instanceof ObjectNode o)) return n;
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            e.setValue(rewriteNullable(e.getValue()));
        }
        JsonNode nullable = o.get("nullable");
        if (nullable == null || !nullable.asBoolean()) {
            o.remove("nullable");
            return o;
        }
        o.remove("nullable");
        JsonNode type = o.get("type");
        if (type != null && type.isTextual() && !o.has("$ref") && !o.has("anyOf") && !o.has("oneOf") && !o.has("allOf")) {
            ArrayNode types = JsonNodeFactory.instance.arrayNode().add(type.textValue()).add("null");
            o.set("type", types);
            if (o.get("enum") instanceof ArrayNode en) en.addNull();
            return o;
        }
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
        ArrayNode any = wrapped.putArray("anyOf");
        any.add(o);
        any.addObject().put("type", "null");
        return wrapped;
    }
}
