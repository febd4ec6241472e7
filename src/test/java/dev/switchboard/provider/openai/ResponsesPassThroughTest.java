package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pass-through body's input: which reasoning items are the gateway's, on OpenAI's endpoint and on vLLM's; signed call ids. */
class ResponsesPassThroughTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ObjectNode reasoning(String id, String encrypted) {
        ObjectNode r = M.createObjectNode().put("type", "reasoning");
        if (id != null) r.put("id", id);
        r.putArray("summary");
        if (encrypted != null) r.put("encrypted_content", encrypted);
        return r;
    }

    private static ArrayNode input(JsonNode... items) {
        ArrayNode a = M.createArrayNode();
        a.add(M.createObjectNode().put("role", "user").put("content", "hi"));
        for (JsonNode i : items) a.add(i);
        return a;
    }

    private static List<String> ids(JsonNode input) {
        List<String> ids = new ArrayList<>();
        for (JsonNode i : input) if (i.has("id")) ids.add(i.get("id").asText());
        return ids;
    }

    @Test
    void earlierGatewaysIdsAreLeftOutOnlyOnOpenAisOwnEndpoint() {
        String ours32 = "rs_" + "ab".repeat(16);                 // an earlier gateway's, or vLLM's (uuid4().hex)
        String openAi48 = "rs_" + "0a".repeat(24);
        String openAi50 = "rs_" + "0a".repeat(25);
        ArrayNode in = input(reasoning(ours32, null), reasoning(openAi48, null), reasoning(openAi50, null));

        assertThat(ids(ResponsesPassThrough.withoutOurs(in, true))).containsExactly(openAi48, openAi50);
        JsonNode vllm = ResponsesPassThrough.withoutOurs(in, false);
        assertThat(ids(vllm)).as("vLLM's own reasoning item is handed back to it").containsExactly(ours32, openAi48, openAi50);
        assertThat(vllm).isSameAs(in);
    }

    @Test
    void ourMarkedIdAndOurContentAreLeftOutOnEveryEndpoint() {
        String marked = "rs_sb" + "ab".repeat(16);
        for (boolean openAiItself : new boolean[] {true, false}) {
            ArrayNode in = input(reasoning(marked, null), reasoning("rs_x", "switchboard.thinking_blocks.v1:W10"),
                    reasoning("rs_" + "0a".repeat(25), "gAAAAB"));
            JsonNode out = ResponsesPassThrough.withoutOurs(in, openAiItself);
            assertThat(ids(out)).containsExactly("rs_" + "0a".repeat(25));
            assertThat(out.get(0)).as("the items kept are the client's nodes, not copies").isSameAs(in.get(0));
            assertThat(in).as("the client's input is not changed").hasSize(4);
        }
    }

    @Test
    void aReasoningItemWithNeitherIdNorContentIsLeftOutOnEveryEndpoint() {
        ObjectNode codexGemini = reasoning(null, null).putNull("encrypted_content"); // as Codex CLI hands Gemini's back
        ArrayNode in = input(codexGemini, reasoning("rs_" + "0a".repeat(25), null), reasoning(null, "gAAAAB"));
        // OpenAI's own endpoint, and a proxy in front of it or a vLLM (openAiItself false): none can resolve the item
        for (boolean openAiItself : new boolean[] {true, false}) {
            JsonNode out = ResponsesPassThrough.withoutOurs(in, openAiItself);
            assertThat(out).hasSize(3);
            assertThat(out.get(1)).isSameAs(in.get(2));
            assertThat(out.get(2)).as("OpenAI's encrypted item without its id is OpenAI's to verify").isSameAs(in.get(3));
        }
    }

    @Test
    void anIdLessItemWithTheModelsReasoningTextIsKeptOffOpenAisOwnEndpoint() {
        // as Codex CLI hands back gpt-oss's reasoning from a vLLM: no id, encrypted_content null, the text in content
        ObjectNode codexVllm = reasoning(null, null).putNull("encrypted_content");
        codexVllm.putArray("content").addObject().put("type", "reasoning_text").put("text", "The user wants the weather.");
        ArrayNode in = input(codexVllm, reasoning("rs_" + "ab".repeat(16), null));
        assertThat(ResponsesPassThrough.withoutOurs(in, false)).as("vLLM feeds the reasoning back into the prompt").isSameAs(in);
        assertThat(ResponsesPassThrough.withoutOurs(in, true)).as("OpenAI can resolve neither: only the message is left").hasSize(1);
    }

    @Test
    void nothingToTakeOutIsTheSameInstance() {
        ArrayNode in = input(reasoning("rs_" + "0a".repeat(25), "gAAAAB"),
                M.createObjectNode().put("type", "function_call").put("call_id", "call_1").put("name", "f").put("arguments", "{}"));
        assertThat(ResponsesPassThrough.withoutOurs(in, true)).isSameAs(in);
        ObjectNode client = M.createObjectNode().put("model", "gpt").put("stream", true);
        client.set("input", in);
        ObjectNode body = ResponsesPassThrough.body(client, "gpt-5", false, true);
        assertThat(body.get("input")).isSameAs(in);
        assertThat(body.get("model").asText()).isEqualTo("gpt-5");
        assertThat(body.has("stream")).isFalse();
        assertThat(client.get("model").asText()).as("the client's body is not changed").isEqualTo("gpt");
    }

    @Test
    void geminiSignaturesAreTakenOffCallIds() {
        String signed = "call_abc__thought__" + "Q".repeat(120);
        List<ObjectNode> items = new ArrayList<>();
        for (String type : List.of("function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output")) {
            items.add(M.createObjectNode().put("type", type).put("call_id", signed));
        }
        ArrayNode in = input(items.toArray(JsonNode[]::new));
        JsonNode out = ResponsesPassThrough.withoutOurs(in, false);
        for (int i = 1; i <= 4; i++) {
            assertThat(out.get(i).get("call_id").asText()).as(out.get(i).get("type").asText()).isEqualTo("call_abc");
            assertThat(out.get(i).get("type").asText()).isEqualTo(in.get(i).get("type").asText());
        }
        assertThat(in.get(1).get("call_id").asText()).as("the client's item is not changed").isEqualTo(signed);
    }
}
