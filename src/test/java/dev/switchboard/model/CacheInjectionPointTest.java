package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheInjectionPointTest {
    private static ChatRequest request(Message... messages) {
        return new ChatRequest("claude", List.of(messages), null, null, null, null, null, null, null, null, null,
                null, null, null, false, false, Map.of());
    }

    private static List<Integer> marked(ChatRequest r) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < r.messages().size(); i++) {
            for (ContentPart p : r.messages().get(i).content()) {
                if (p instanceof ContentPart.Text t && t.cacheControl() != null) out.add(i);
            }
        }
        return out;
    }

    private static final Message SYSTEM = Message.text(Role.SYSTEM, "rules");

    @Test
    void roleAndNegativeIndexMarkTheirMessages() {
        ChatRequest r = request(SYSTEM, Message.text(Role.USER, "a"), Message.text(Role.ASSISTANT, "b"), Message.text(Role.USER, "c"));
        ChatRequest out = CacheInjectionPoint.apply(List.of(new CacheInjectionPoint("system", null), new CacheInjectionPoint(null, -1)), r);
        assertThat(marked(out)).containsExactly(0, 3);
        ContentPart.Text t = (ContentPart.Text) out.messages().get(3).content().get(0);
        assertThat(t.cacheControl().get("type").textValue()).isEqualTo("ephemeral");
    }

    @Test
    void indexesCountSystemMessagesAsLiteLlmDoes() {
        ChatRequest r = request(SYSTEM, Message.text(Role.USER, "a"), Message.text(Role.ASSISTANT, "b"));
        assertThat(marked(CacheInjectionPoint.apply(List.of(new CacheInjectionPoint(null, 1)), r))).containsExactly(1);
        assertThat(marked(CacheInjectionPoint.apply(List.of(new CacheInjectionPoint(null, 9)), r))).isEmpty();
    }

    @Test
    void aMarkedMessageIsLeftAloneAndTheTotalStaysAtFour() {
        Message own = new Message(Role.USER, List.of(new ContentPart.Text("mine",
                JsonNodeFactory.instance.objectNode().put("type", "ephemeral").put("ttl", "1h"))), null, null, null, null, null);
        List<Message> ms = new ArrayList<>(List.of(own));
        for (int i = 0; i < 6; i++) ms.add(Message.text(i % 2 == 0 ? Role.ASSISTANT : Role.USER, "turn " + i));
        ChatRequest r = request(ms.toArray(Message[]::new));
        ChatRequest out = CacheInjectionPoint.apply(List.of(new CacheInjectionPoint("user", null), new CacheInjectionPoint("assistant", null)), r);
        assertThat(marked(out)).as("the client's own plus three injected").hasSize(4).contains(0);
        ContentPart.Text first = (ContentPart.Text) out.messages().get(0).content().get(0);
        assertThat(first.cacheControl().get("ttl").textValue()).as("not overwritten").isEqualTo("1h");
    }

    @Test
    void nothingToAddKeepsTheSameRequest() {
        ChatRequest r = request(Message.text(Role.USER, "a"));
        assertThat(CacheInjectionPoint.apply(List.of(), r)).isSameAs(r);
        assertThat(CacheInjectionPoint.apply(List.of(new CacheInjectionPoint("system", null)), r)).isSameAs(r);
    }
}
