package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.RawJson;

/**
 * The built-in tools of a Responses-API request (web search, file search, code interpreter, …) run only inside
 * OpenAI's own Responses API. A request that carries one reaches an OpenAI deployment as written; every other
 * provider's encoder calls {@link #refuse} and answers a 400 naming the tool, rather than dropping it silently.
 */
public final class ResponsesBuiltInTools {
    private ResponsesBuiltInTools() {}

    /** @throws GatewayException 400 when the request is a Responses-API one with a tool that is neither a function nor custom */
    public static void refuse(ChatRequest request, String deploymentId) {
        if (request.raw() == null || !request.raw().is(RawJson.OPENAI_RESPONSES)) return;
        JsonNode tools = request.raw().body().path("tools");
        for (int i = 0; i < tools.size(); i++) {
            String type = tools.get(i).path("type").asText("");
            if (type.equals("namespace")) {
                // function tools grouped by name: translated (the edge flattens them); anything else inside is built-in
                JsonNode inner = tools.get(i).path("tools");
                for (int j = 0; j < inner.size(); j++) {
                    String t = inner.get(j).path("type").asText("");
                    if (!t.equals("function")) {
                        throw GatewayException.badRequest("The tool '" + t + "' (tools[" + i + "].tools[" + j + "]) cannot run on "
                                + deploymentId + ": only OpenAI's own Responses API runs it. Use an alias served by OpenAI, or "
                                + "function tools.", "tools[" + i + "].tools[" + j + "].type");
                    }
                }
                continue;
            }
            // a custom tool is translated too (the router offers it as a function where it is not taken as it is)
            if (!type.equals("function") && !type.equals("custom")) {
                throw GatewayException.badRequest("The built-in tool '" + type + "' (tools[" + i + "]) cannot run on " + deploymentId
                        + ": only OpenAI's own Responses API runs built-in tools. Use an alias served by OpenAI, or function tools.",
                        "tools[" + i + "].type");
            }
        }
        JsonNode choice = request.raw().body().path("tool_choice");
        // a function, or allowed_tools among function tools (the decoder sent one naming a built-in tool here as built-in)
        if (choice.isObject() && !choice.path("type").asText("").equals("function") && !choice.path("type").asText("").equals("custom")
                && !(choice.path("type").asText("").equals("allowed_tools") && request.toolChoice() != null)) {
            throw GatewayException.badRequest("The tool_choice '" + choice.path("type").asText() + "' cannot run on " + deploymentId
                    + ": only OpenAI's own Responses API runs built-in tools.", "tool_choice.type");
        }
    }
}
