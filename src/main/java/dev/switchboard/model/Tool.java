package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool the model may call. A function tool's {@code parameters} is a JSON Schema object, passed on unchanged.
 * {@code customFormat} is null for a function tool; for OpenAI's custom (free-form) tool it is the tool's {@code format}
 * as the client sent it ({@code {"type":"text"}} or a grammar), or {@code {"type":"text"}} when it sent none: the model
 * answers such a tool with plain text, not JSON arguments ({@link ToolCall#custom}).
 */
public record Tool(String name, String description, JsonNode parameters, Boolean strict, JsonNode cacheControl,
                   JsonNode customFormat) {

    /** A function tool. */
    public Tool(String name, String description, JsonNode parameters, Boolean strict, JsonNode cacheControl) {
        this(name, description, parameters, strict, cacheControl, null);
    }

    /** Whether this is a custom (free-form) tool rather than a function. */
    public boolean custom() { return customFormat != null; }

    public Tool withName(String newName) {
        return new Tool(newName, description, parameters, strict, cacheControl, customFormat);
    }
}
