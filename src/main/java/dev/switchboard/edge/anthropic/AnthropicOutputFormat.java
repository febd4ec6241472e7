package dev.switchboard.edge.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.ResponseFormat;

/**
 * Anthropic's structured outputs → the canonical response format. The current API takes
 * {@code output_config: {format: {type: "json_schema", schema: {…}}}}; the beta before it took the same object as
 * the top-level {@code output_format}, and app frameworks still send that. Without this the decoder passed no
 * response format, so an alias served by an OpenAI-style or Gemini provider returned free text to an app that
 * asked for JSON. Checked in Anthropic's wording, as Anthropic checks it, since an Anthropic deployment gets the
 * raw body and the answer must not depend on which provider serves the alias.
 */
final class AnthropicOutputFormat {
    /** OpenAI requires a name for a json_schema format; Anthropic's has none. */
    static final String SCHEMA_NAME = "response";

    private AnthropicOutputFormat() {}

    /** @return the canonical format, or null when the request asks for none */
    static ResponseFormat from(ObjectNode n) {
        JsonNode config = n.get("output_config");
        JsonNode format = null;
        String at = null;
        if (config != null && !config.isNull()) {
            if (!config.isObject()) throw bad("output_config: Input should be a valid dictionary", "output_config");
            format = config.get("format");
            at = "output_config.format";
        }
        if ((format == null || format.isNull()) && n.get("output_format") != null && !n.get("output_format").isNull()) {
            format = n.get("output_format");
            at = "output_format";
        }
        if (format == null || format.isNull()) return null;
        if (!format.isObject()) throw bad(at + ": Input should be a valid dictionary or object to extract fields from", at);
        JsonNode type = format.get("type");
        if (type == null || type.isNull()) throw bad(at + ".type: Field required", at + ".type");
        if (!"json_schema".equals(type.asText()) || !type.isTextual()) {
            throw bad(at + ": Input tag '" + type.asText() + "' found using 'type' does not match any of the expected tags: 'json_schema'", at + ".type");
        }
        JsonNode schema = format.get("schema");
        if (schema == null || schema.isNull()) throw bad(at + ".json_schema.schema: Field required", at + ".schema");
        if (!schema.isObject()) throw bad(at + ".json_schema.schema: Input should be a valid dictionary", at + ".schema");
        // No "strict": Anthropic lets a property be optional, which OpenAI's strict mode refuses with a 400; the
        // schema still reaches the provider, which is asked for JSON that follows it.
        ObjectNode jsonSchema = JsonNodeFactory.instance.objectNode().put("name", SCHEMA_NAME);
        jsonSchema.set("schema", schema);
        return new ResponseFormat("json_schema", jsonSchema);
    }

    private static GatewayException bad(String message, String param) {
        return GatewayException.badRequest(message, param);
    }
}
