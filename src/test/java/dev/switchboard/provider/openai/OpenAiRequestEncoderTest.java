package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiRequestEncoderTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static Deployment deployment(String provider) {
        return new Deployment("a", provider, "model-x", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
    }

    /**
     * OpenAI's reasoning models (o-series, gpt-5) refuse max_tokens ("Unsupported parameter: 'max_tokens' is not supported
     * with this model. Use 'max_completion_tokens' instead."): on openai/ and azure/ (the openai flavor) the limit goes as
     * max_completion_tokens whichever name the client used, as LiteLLM renames it; gpt-4o keeps the client's name, and
     * other OpenAI-compatible servers (vLLM, Ollama, Groq, OpenRouter) are sent what they were before.
     */
    @Test
    void openAisReasoningModelsGetTheOutputLimitAsMaxCompletionTokens() throws Exception {
        ChatRequest maxTokens = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null,
                100, null, null, null, null, null, false, false, null);
        for (String model : List.of("o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5.1")) {
            for (String provider : List.of("openai", "azure")) {
                Deployment d = new Deployment("a", provider, model, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
                JsonNode sent = M.readTree(new OpenAiRequestEncoder(d, OpenAiFlavor.CORE.get("openai")).chat(maxTokens, false).getBytes());
                assertThat(sent.get("max_completion_tokens").asInt()).as(provider + "/" + model).isEqualTo(100);
                assertThat(sent.has("max_tokens")).as(provider + "/" + model).isFalse();
                // the deployment's own limit when the client sets none: the same name
                Deployment limited = new Deployment("a", provider, model, null, null, null, null, 300, Map.of(), Map.of(), Map.of(), 1);
                JsonNode dflt = M.readTree(new OpenAiRequestEncoder(limited, OpenAiFlavor.CORE.get("openai"))
                        .chat(request(List.of(Message.text(Role.USER, "hi")), null, null), true).getBytes());
                assertThat(dflt.get("max_completion_tokens").asInt()).isEqualTo(300);
            }
        }
        Deployment gpt4o = new Deployment("a", "openai", "gpt-4o", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        assertThat(M.readTree(new OpenAiRequestEncoder(gpt4o, OpenAiFlavor.CORE.get("openai")).chat(maxTokens, false).getBytes())
                .get("max_tokens").asInt()).as("gpt-4o takes max_tokens").isEqualTo(100);
        for (String provider : List.of("openrouter", "groq", "ollama", "hosted_vllm")) {
            Deployment d = new Deployment("a", provider, "o3-mini", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
            JsonNode sent = M.readTree(new OpenAiRequestEncoder(d, OpenAiFlavor.CORE.get(provider)).chat(maxTokens, false).getBytes());
            assertThat(sent.get("max_tokens").asInt()).as(provider + " is sent what it was before").isEqualTo(100);
        }
    }

    /**
     * An Azure api-version older than 2024-09-01-preview (OpenAiWire#beforeStreamOptions) knows neither stream_options
     * nor max_completion_tokens and refuses both with a 400: a stream is asked without stream_options, the output limit
     * (the client's, either name, or the deployment's) goes as max_tokens; a reasoning model still gets
     * max_completion_tokens, the only field it takes (cloud QA F1, F2).
     */
    @Test
    void anOldAzureContractGetsNoStreamOptionsAndMaxTokens() throws Exception {
        OpenAiFlavor old = OpenAiFlavor.CORE.get("openai").withoutStreamOptions().withMaxTokensOnly();
        Deployment limited = new Deployment("a", "azure", "chatgpt-v-2", null, null, null, null, 300, Map.of(), Map.of(), Map.of(), 1);
        JsonNode dflt = M.readTree(new OpenAiRequestEncoder(limited, old).chat(request(List.of(Message.text(Role.USER, "hi")), null, null),
                true).getBytes());
        assertThat(dflt.has("stream_options")).isFalse();
        assertThat(dflt.get("stream").asBoolean()).isTrue();
        assertThat(dflt.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(dflt.has("max_completion_tokens")).isFalse();
        ChatRequest completion = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null,
                null, 70, null, null, null, null, false, false, null);
        JsonNode renamed = M.readTree(new OpenAiRequestEncoder(limited, old).chat(completion, false).getBytes());
        assertThat(renamed.get("max_tokens").asInt()).isEqualTo(70);
        assertThat(renamed.has("max_completion_tokens")).isFalse();
        Deployment o3 = new Deployment("a", "azure", "my-o3", null, null, null, null, null, Map.of(), Map.of(),
                Map.of("base_model", "azure/o3-mini"), 1);
        ChatRequest maxTokens = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null,
                100, null, null, null, null, null, false, false, null);
        JsonNode reasoning = M.readTree(new OpenAiRequestEncoder(o3, old).chat(maxTokens, false).getBytes());
        assertThat(reasoning.get("max_completion_tokens").asInt()).isEqualTo(100);
        assertThat(reasoning.has("max_tokens")).isFalse();
        // the current contract: both as before
        JsonNode current = M.readTree(new OpenAiRequestEncoder(limited, OpenAiFlavor.CORE.get("openai"))
                .chat(request(List.of(Message.text(Role.USER, "hi")), null, null), true).getBytes());
        assertThat(current.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(current.get("max_completion_tokens").asInt()).isEqualTo(300);
    }

    /**
     * An azure/ deployment is named by its user (azure/my-o3, azure/prod-reasoning): model_info.base_model (the model it
     * runs, which pricing reads too) decides whether it is a reasoning model, and LiteLLM's azure/o_series/&lt;name&gt;
     * marks one explicitly, the marker stripped from the name Azure is sent (review finding 4: such deployments were sent
     * the client's max_tokens, Azure's 400 "Use 'max_completion_tokens' instead").
     */
    @Test
    void anAzureDeploymentIsAReasoningModelByItsBaseModelOrLiteLlmsOSeriesMarker() throws Exception {
        ChatRequest maxTokens = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, 0.2, null,
                100, null, null, null, null, null, false, false, null);
        for (String base : List.of("azure/o3-mini", "o3-mini", "openai/gpt-5", "azure/GPT-5-mini")) {
            Deployment d = new Deployment("a", "azure", "my-deploy", null, null, null, null, null, Map.of(), Map.of(),
                    Map.of("base_model", base), 1);
            JsonNode sent = M.readTree(new OpenAiRequestEncoder(d, OpenAiFlavor.CORE.get("openai")).chat(maxTokens, false).getBytes());
            assertThat(sent.get("max_completion_tokens").asInt()).as(base).isEqualTo(100);
            assertThat(sent.has("max_tokens")).as(base).isFalse();
            assertThat(sent.get("model").asText()).isEqualTo("my-deploy");
        }
        Deployment marked = new Deployment("a", "azure", "o_series/my-deployment", null, null, null, null, null, Map.of(), Map.of(),
                Map.of(), 1);
        JsonNode sent = M.readTree(new OpenAiRequestEncoder(marked, OpenAiFlavor.CORE.get("openai")).chat(maxTokens, false).getBytes());
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(100);
        assertThat(sent.get("model").asText()).as("LiteLLM's marker is not the deployment's name").isEqualTo("my-deployment");
        // a base_model that is not a reasoning model wins over a name that looks like one; a deployment with neither
        // keeps the client's max_tokens, as before
        Deployment gpt4o = new Deployment("a", "azure", "o3-lookalike", null, null, null, null, null, Map.of(), Map.of(),
                Map.of("base_model", "azure/gpt-4o"), 1);
        Deployment plain = new Deployment("a", "azure", "my-deploy", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        for (Deployment d : List.of(gpt4o, plain)) {
            JsonNode out = M.readTree(new OpenAiRequestEncoder(d, OpenAiFlavor.CORE.get("openai")).chat(maxTokens, false).getBytes());
            assertThat(out.get("max_tokens").asInt()).as(d.model()).isEqualTo(100);
        }
        // o_series/ is LiteLLM's Azure marker only: another provider's model of that name is sent as written
        Deployment other = new Deployment("a", "openai", "o_series/x", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        assertThat(M.readTree(new OpenAiRequestEncoder(other, OpenAiFlavor.CORE.get("openai")).chat(maxTokens, false).getBytes())
                .get("model").asText()).isEqualTo("o_series/x");
    }

    private static JsonNode encode(String provider, ChatRequest r, boolean stream) throws Exception {
        return M.readTree(new OpenAiRequestEncoder(deployment(provider), OpenAiFlavor.CORE.get(provider)).chat(r, stream).getBytes());
    }

    private static ChatRequest request(List<Message> messages, Map<String, String> metadata, Map<String, JsonNode> extra) {
        return new ChatRequest("alias", messages, null, null, null, null, null, null, null, null, null, null, null,
                metadata, false, false, extra);
    }

    @Test
    void cacheControlIsKeptOnlyWhereTheServiceHonoursIt() throws Exception {
        var cc = JsonNodeFactory.instance.objectNode().put("type", "ephemeral");
        var msg = new Message(Role.USER, List.of(new ContentPart.Text("long prefix", cc)), null, null, null, null, null);
        JsonNode openai = encode("openai", request(List.of(msg), null, null), false);
        assertThat(openai.at("/messages/0/content").asText()).isEqualTo("long prefix");
        JsonNode openrouter = encode("openrouter", request(List.of(msg), null, null), false);
        assertThat(openrouter.at("/messages/0/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(openrouter.at("/model").asText()).isEqualTo("model-x");
    }

    @Test
    void metadataOnlyWithStoreAndExtraFieldsPassThrough() throws Exception {
        var msgs = List.of(Message.text(Role.USER, "hi"));
        JsonNode plain = encode("openai", request(msgs, Map.of("app", "x"), Map.of("n", JsonNodeFactory.instance.numberNode(2))), false);
        assertThat(plain.has("metadata")).isFalse();
        assertThat(plain.get("n").asInt()).isEqualTo(2);
        JsonNode stored = encode("openai", request(msgs, Map.of("app", "x"), Map.of("store", JsonNodeFactory.instance.booleanNode(true))), false);
        assertThat(stored.at("/metadata/app").asText()).isEqualTo("x");
    }

    @Test
    void streamsAlwaysAskForUsage() throws Exception {
        JsonNode s = encode("groq", request(List.of(Message.text(Role.USER, "hi")), null, null), true);
        assertThat(s.get("stream").asBoolean()).isTrue();
        assertThat(s.at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    /**
     * Claude Code's metadata.user_id (a JSON object of ids, 150-190 characters) is over OpenAI's 64 for {@code user}:
     * an Anthropic client's goes as its SHA-256 in hex (64 characters, the same for the same id); one that fits, and an
     * OpenAI client's own {@code user}, go as sent.
     */
    @Test
    void anAnthropicClientsLongUserIdGoesAsItsHash() throws Exception {
        String claudeCode = "{\"device_id\":\"" + "d".repeat(64) + "\",\"account_uuid\":\"3fa85f64-5717-4562-b3fc-2c963f66afa6\","
                + "\"session_id\":\"9b2c7d1e-0000-4000-8000-000000000000\"}";
        JsonNode sent = encode("openai", fromAnthropic(claudeCode), false);
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(claudeCode.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(sent.get("user").asText()).hasSize(64).isEqualTo(hex);
        assertThat(encode("openai", fromAnthropic("u".repeat(64)), false).get("user").asText()).isEqualTo("u".repeat(64));
        ChatRequest own = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null,
                null, null, null, null, claudeCode, null, false, false, null);
        assertThat(encode("openai", own, false).get("user").asText()).as("an OpenAI client's own user").isEqualTo(claudeCode);
    }

    /**
     * An Anthropic client's adaptive thinking (Claude's {@code thinking: {type: adaptive}}, no budget) is thinking on, as
     * enabled is: an effort for OpenAI's reasoning models (its output_config.effort, else medium) and Mistral's high on
     * its adjustable models; disabled is none.
     */
    @Test
    void adaptiveThinkingIsThinkingOnForAnEffort() throws Exception {
        record Case(String provider, String model, String thinking, String outputConfig, String sent) {}
        for (Case c : List.of(new Case("openai", "o4-mini", "{\"type\":\"adaptive\"}", null, "medium"),
                new Case("openai", "gpt-5", "{\"type\":\"adaptive\"}", "{\"effort\":\"low\"}", "low"),
                new Case("openai", "gpt-5", "{\"type\":\"adaptive\"}", "{\"effort\":\"max\"}", "high"),
                new Case("openai", "gpt-5", "{\"type\":\"adaptive\"}", "{\"effort\":\"xhigh\"}", "high"),
                new Case("openai", "gpt-5", "{\"type\":\"enabled\",\"budget_tokens\":4096}", null, "medium"),
                new Case("openai", "gpt-5", "{\"type\":\"disabled\"}", null, null),
                new Case("openai", "gpt-4o", "{\"type\":\"adaptive\"}", null, null),
                new Case("mistral", "mistral-small-latest", "{\"type\":\"adaptive\"}", null, "high"))) {
            var raw = JsonNodeFactory.instance.objectNode();
            raw.set("thinking", M.readTree(c.thinking()));
            if (c.outputConfig() != null) raw.set("output_config", M.readTree(c.outputConfig()));
            ChatRequest r = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null, 100,
                    null, null, null, null, false, false, null, new dev.switchboard.model.RawJson(dev.switchboard.model.RawJson.ANTHROPIC, raw, Map.of()));
            OpenAiFlavor flavor = c.provider().equals("mistral") ? LongTailFlavors.ALL.get("mistral") : OpenAiFlavor.CORE.get("openai");
            Deployment d = new Deployment("a", c.provider(), c.model(), null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
            JsonNode sent = M.readTree(new OpenAiRequestEncoder(d, flavor).chat(r, false).getBytes());
            assertThat(sent.path("reasoning_effort").textValue()).as(c.toString()).isEqualTo(c.sent());
        }
    }

    /**
     * OpenRouter takes an effort as the top-level reasoning_effort or in its reasoning object, not both when they
     * differ (its 400): an Anthropic client's thinking on an OpenRouter deployment of an OpenAI reasoning model
     * (model_info.base_model gpt-5) goes as the reasoning object alone, its budget, which OpenRouter maps to an effort;
     * a client's own reasoning object gets no effort beside it either.
     */
    @Test
    void openRouterGetsAnAnthropicClientsThinkingAsOneReasoningField() throws Exception {
        Deployment gpt5 = new Deployment("a", "openrouter", "openai/gpt-5", null, null, null, null, null, Map.of(), Map.of(),
                Map.of("base_model", "openai/gpt-5"), 1);
        for (String thinking : List.of("{\"type\":\"enabled\",\"budget_tokens\":1024}", "{\"type\":\"adaptive\"}")) {
            var raw = JsonNodeFactory.instance.objectNode();
            raw.set("thinking", M.readTree(thinking));
            ChatRequest r = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null, 100,
                    null, null, null, null, false, false, null, new dev.switchboard.model.RawJson(dev.switchboard.model.RawJson.ANTHROPIC, raw, Map.of()));
            JsonNode sent = M.readTree(new OpenAiRequestEncoder(gpt5, OpenAiFlavor.CORE.get("openrouter")).chat(r, false).getBytes());
            assertThat(sent.has("reasoning")).as(thinking + ": " + sent).isTrue();
            assertThat(sent.has("reasoning_effort")).as(thinking + ": " + sent).isFalse();

            ChatRequest own = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null, 100,
                    null, null, null, null, false, false, Map.of("reasoning", M.readTree("{\"effort\":\"high\"}")),
                    new dev.switchboard.model.RawJson(dev.switchboard.model.RawJson.ANTHROPIC, raw, Map.of()));
            JsonNode ownSent = M.readTree(new OpenAiRequestEncoder(gpt5, OpenAiFlavor.CORE.get("openrouter")).chat(own, false).getBytes());
            assertThat(ownSent.at("/reasoning/effort").asText()).as(ownSent.toString()).isEqualTo("high");
            assertThat(ownSent.has("reasoning_effort")).as(thinking + ": " + ownSent).isFalse();
        }
    }

    private static ChatRequest fromAnthropic(String userId) {
        var raw = JsonNodeFactory.instance.objectNode();
        raw.putObject("metadata").put("user_id", userId);
        return new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null, 100,
                null, null, userId, null, false, false, null, new dev.switchboard.model.RawJson(dev.switchboard.model.RawJson.ANTHROPIC, raw, Map.of()));
    }

    /**
     * DeepSeek's thinking mode: the reasoning of every turn between two user messages in which the model called tools
     * goes back as reasoning_content (a tool call without any as an empty one), the rest is left out (DeepSeek ignores it).
     */
    @Test
    void deepSeekGetsTheReasoningOfTheTurnsThatCalledTools() throws Exception {
        var call = List.of(new dev.switchboard.model.ToolCall("call_1", "f", "{}"));
        var call2 = List.of(new dev.switchboard.model.ToolCall("call_2", "f", "{}"));
        List<Message> ms = List.of(
                Message.text(Role.USER, "hi"),
                new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("hello")), null, null, null, "a greeting", null),
                Message.text(Role.USER, "weather?"),
                new Message(Role.ASSISTANT, List.of(), null, call, null, "call the tool", null),
                new Message(Role.TOOL, List.of(ContentPart.Text.of("sunny")), null, null, "call_1", null, null),
                new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Sunny.")), null, null, null, "now answer", null),
                Message.text(Role.USER, "and tomorrow?"),
                new Message(Role.ASSISTANT, List.of(), null, call2, null, null, null),
                new Message(Role.TOOL, List.of(ContentPart.Text.of("rain")), null, null, "call_2", null, null));
        JsonNode sent = encode("deepseek", request(ms, null, null), false).get("messages");
        assertThat(sent.get(1).has("reasoning_content")).isFalse();
        assertThat(sent.get(3).get("reasoning_content").asText()).isEqualTo("call the tool");
        assertThat(sent.get(5).get("reasoning_content").asText()).isEqualTo("now answer");
        assertThat(sent.get(7).get("reasoning_content").asText()).isEmpty();
        JsonNode openai = encode("openai", request(ms, null, null), false).get("messages");
        assertThat(openai.get(3).has("reasoning_content")).as("OpenAI has no such field").isFalse();
    }

    /**
     * Mistral's reasoning_effort (MistralEffort): its two values to the models with adjustable reasoning (any other
     * effort is high), none to Magistral (whatever its model_info says) or to a model without reasoning, and
     * model_info.supports_reasoning_effort (not LiteLLM's supports_reasoning, "a reasoning model") for a model the list
     * does not know.
     */
    @Test
    void mistralGetsItsTwoEffortsOnItsAdjustableModelsOnly() throws Exception {
        OpenAiFlavor mistral = LongTailFlavors.ALL.get("mistral");
        record Case(String model, Map<String, Object> info, String given, String sent) {}
        for (Case c : List.of(new Case("mistral-small-latest", Map.of(), "medium", "high"),
                new Case("mistral-small-2603", Map.of(), "xhigh", "high"),
                new Case("mistral-medium-3-5", Map.of(), "none", "none"),
                new Case("magistral-medium-latest", Map.of(), "high", null),
                new Case("mistral-large-latest", Map.of(), "low", null),
                new Case("mistral-large-latest", Map.of(), "default", null),
                new Case("mistral-next-2612", Map.of("supports_reasoning_effort", true), "low", "high"),
                new Case("mistral-small-latest", Map.of("supports_reasoning_effort", false), "high", null),
                // LiteLLM's supports_reasoning says "a reasoning model" (its cost map sets it for Magistral): no effort
                new Case("magistral-medium-latest", Map.of("supports_reasoning", true), "high", null),
                new Case("magistral-small-2509", Map.of("supports_reasoning_effort", true), "high", null),
                new Case("mistral-next-2612", Map.of("supports_reasoning", true), "low", null))) {
            Deployment d = new Deployment("a", "mistral", c.model(), null, null, null, null, null, Map.of(), Map.of(), c.info(), 1);
            JsonNode sent = M.readTree(new OpenAiRequestEncoder(d, mistral).chat(request(List.of(Message.text(Role.USER, "hi")), null,
                    Map.of("reasoning_effort", M.getNodeFactory().textNode(c.given()))), false).getBytes());
            assertThat(sent.path("reasoning_effort").textValue()).as(c.toString()).isEqualTo(c.sent());
        }
    }

    /**
     * Mistral's effort left off is a thinking dropped (Provider#dropsThinking, counted by the router on a fallback): an
     * effort asking for reasoning to a Mistral model without adjustable reasoning; not to an adjustable one (sent), not
     * none or default (nothing asked), not to Magistral (reasons always). An Anthropic client's thinking: dropped on
     * mistral-large, not on Magistral.
     */
    @Test
    void mistralsEffortLeftOffIsAThinkingDropped() throws Exception {
        OpenAiFlavor mistral = LongTailFlavors.ALL.get("mistral");
        record Case(String model, String given, boolean dropped) {}
        for (Case c : List.of(new Case("mistral-large-latest", "low", true), new Case("mistral-large-latest", "high", true),
                new Case("mistral-large-latest", "none", false), new Case("mistral-large-latest", "default", false),
                new Case("mistral-small-latest", "medium", false), new Case("magistral-medium-latest", "high", false))) {
            Deployment d = new Deployment("a", "mistral", c.model(), null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
            ChatRequest r = request(List.of(Message.text(Role.USER, "hi")), null, Map.of("reasoning_effort", M.getNodeFactory().textNode(c.given())));
            OpenAiRequestEncoder e = new OpenAiRequestEncoder(d, mistral);
            assertThat(e.dropsThinking(r)).as(c.toString()).isEqualTo(c.dropped());
            if (c.dropped()) assertThat(M.readTree(e.chat(r, false).getBytes()).has("reasoning_effort")).isFalse();
        }
        var raw = M.createObjectNode();
        raw.putObject("thinking").put("type", "enabled").put("budget_tokens", 2000);
        ChatRequest thinking = new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null,
                4000, null, null, null, null, null, false, false, null, new dev.switchboard.model.RawJson(dev.switchboard.model.RawJson.ANTHROPIC, raw));
        Deployment large = new Deployment("a", "mistral", "mistral-large-latest", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        Deployment magistral = new Deployment("a", "mistral", "magistral-medium-latest", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        assertThat(new OpenAiRequestEncoder(large, mistral).dropsThinking(thinking)).isTrue();
        assertThat(new OpenAiRequestEncoder(magistral, mistral).dropsThinking(thinking)).as("Magistral reasons always").isFalse();
        // other services: an OpenAI client's own effort is sent as it is, no drop
        assertThat(new OpenAiRequestEncoder(deployment("openai"), OpenAiFlavor.CORE.get("openai")).dropsThinking(request(
                List.of(Message.text(Role.USER, "hi")), null, Map.of("reasoning_effort", M.getNodeFactory().textNode("high"))))).isFalse();
    }

    /**
     * A system message after the first turn, from an Anthropic client (Claude Code's notes): in place for OpenAI's own
     * endpoint, folded into the user turn before it for an {@code openai/} entry whose base is another server (a vLLM or
     * a proxy named by {@code api_base} or {@code OPENAI_API_BASE}), which often refuses a system message not first.
     */
    @Test
    void aMidConversationSystemMessageStaysInPlaceOnlyForOpenAisOwnHost() throws Exception {
        ChatRequest r = new ChatRequest("alias", List.of(Message.text(Role.SYSTEM, "terse"), Message.text(Role.USER, "say hi"),
                Message.text(Role.SYSTEM, "notes")), null, null, null, null, null, null, 100, null, null, null, null, null,
                false, false, null, new dev.switchboard.model.RawJson(dev.switchboard.model.RawJson.ANTHROPIC, M.createObjectNode()));
        OpenAiFlavor openai = OpenAiFlavor.CORE.get("openai");
        JsonNode inPlace = M.readTree(new OpenAiRequestEncoder(deployment("openai"), openai, true).chat(r, false).getBytes());
        assertThat(inPlace.get("messages")).hasSize(3);
        assertThat(inPlace.get("messages").get(2).get("role").asText()).isEqualTo("system");
        JsonNode folded = M.readTree(new OpenAiRequestEncoder(deployment("openai"), openai, false).chat(r, false).getBytes());
        assertThat(folded.get("messages")).hasSize(2);
        assertThat(folded.get("messages").get(1).toString()).contains("say hi").contains("<system-reminder>");
        assertThat(OpenAiCompatibleProvider.openAiHost("api.openai.com")).isTrue();
        assertThat(OpenAiCompatibleProvider.openAiHost("eu.api.openai.com")).isTrue();
        assertThat(OpenAiCompatibleProvider.openAiHost("vllm.internal")).isFalse();
        assertThat(OpenAiCompatibleProvider.openAiHost("api.openai.com.evil.example")).isFalse();
        assertThat(OpenAiCompatibleProvider.openAiHost("127.0.0.1")).isFalse();
    }
}
