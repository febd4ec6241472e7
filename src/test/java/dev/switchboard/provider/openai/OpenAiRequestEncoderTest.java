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
}
