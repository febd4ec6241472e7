package dev.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Tool definitions in the simulator's prompt_tokens, by the OpenAI cookbook's formula ({@code num_tokens_for_tools}) with
 * the simulator's four characters a token. It counted 20 tokens a tool, whatever its schema, and only when it called one.
 */
class SimToolTokensTest {

    /** The cookbook's example tool ("How to count tokens with tiktoken", section on tools). */
    static JsonArray weatherTool() {
        return new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
                .put("name", "get_current_weather").put("description", "Get the current weather in a given location")
                .put("parameters", new JsonObject().put("type", "object").put("properties", new JsonObject()
                        .put("location", new JsonObject().put("type", "string").put("description", "The city and state, e.g. San Francisco, CA"))
                        .put("unit", new JsonObject().put("type", "string").put("description", "The unit of temperature to return")
                                .put("enum", new JsonArray().add("celsius").add("fahrenheit"))))
                        .put("required", new JsonArray().add("location")))));
    }

    @Test
    void theCookbooksWeatherToolCountsItsNameDescriptionParametersAndEnum() {
        // 7 + "get_current_weather:Get the current weather in a given location" (63 chars, 16)
        // + 3 properties + [3 + "location:string:The city and state, e.g. San Francisco, CA" (58, 15)]
        // + [3 + enum (-3 + 3 + "celsius" 2 + 3 + "fahrenheit" 3) + "unit:string:The unit of temperature to return" (45, 12)]
        // + 12 for the list
        assertThat(SimToolTokens.of(weatherTool())).isEqualTo(7 + 16 + 3 + 3 + 15 + 3 + (-3 + 3 + 2 + 3 + 3) + 12 + 12).isEqualTo(79);
    }

    @Test
    void aLongerSchemaCostsMore() {
        JsonArray bare = new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
                .put("name", "get_current_weather").put("description", "Get the current weather in a given location.")));
        assertThat(SimToolTokens.of(bare)).as("no parameters; the trailing period dropped").isEqualTo(7 + 16 + 12);
        JsonArray nested = weatherTool().copy();
        nested.getJsonObject(0).getJsonObject("function").getJsonObject("parameters").getJsonObject("properties")
                .put("days", new JsonObject().put("type", "array").put("items", new JsonObject().put("type", "object")
                        .put("properties", new JsonObject().put("date", new JsonObject().put("type", "string")))));
        assertThat(SimToolTokens.of(nested)).as("a nested schema counts its JSON as the type").isGreaterThan(79 + 3 + 15);
        assertThat(SimToolTokens.of(null)).isZero();
        assertThat(SimToolTokens.of(new JsonArray())).isZero();
    }

    @Test
    void thePromptCountsTheToolsWhetherOrNotTheModelCallsOne() {
        JsonObject req = new JsonObject().put("model", "gpt-4o-mini").put("tools", weatherTool())
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "What's the weather like in San Francisco?")));
        int withoutTools = SimReply.to(req.copy().put("tools", (JsonArray) null), 1).promptTokens();
        SimReply called = SimReply.to(req, 1);
        assertThat(called.toolName()).isEqualTo("get_current_weather");
        assertThat(called.promptTokens()).isEqualTo(withoutTools + 79);
        SimReply notCalled = SimReply.to(req.copy().put("tool_choice", "none"), 1);
        assertThat(notCalled.toolName()).isNull();
        assertThat(notCalled.promptTokens()).isEqualTo(withoutTools + 79);
    }
}
