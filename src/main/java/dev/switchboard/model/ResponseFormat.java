package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON mode: {@code type} is text, json_object or json_schema; {@code jsonSchema} is OpenAI's
 * {@code json_schema} object ({name, schema, strict, description}) when the type is json_schema.
 */
public record ResponseFormat(String type, JsonNode jsonSchema) {}
