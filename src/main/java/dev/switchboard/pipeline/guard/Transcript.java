package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.ArrayList;
import java.util.List;

/** The texts remote guardrails inspect, taken from the canonical request and answer the way LiteLLM takes them. */
final class Transcript {
    private Transcript() {}

    /** OpenAI-style {@code [{role, content}]} of the messages that have text (LiteLLM's build_inspection_messages). */
    static ArrayNode messages(List<Message> messages, java.util.function.UnaryOperator<String> role) {
        ArrayNode out = Blocks.JSON.createArrayNode();
        for (Message m : messages) {
            String text = m.textContent();
            if (text.isEmpty()) continue;
            out.addObject().put("role", role.apply(m.role().wire())).put("content", text);
        }
        return out;
    }

    static ArrayNode messages(ChatRequest r) { return messages(r.messages(), x -> x); }

    /** The answer's texts, one per choice that has any. */
    static List<String> answerTexts(ChatResponse a) {
        List<String> out = new ArrayList<>();
        for (Choice c : a.choices()) {
            String t = c.message().textContent();
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    /** The text of the latest user message (what LiteLLM's Bedrock guardrail scans as INPUT), or "" when there is none. */
    static String latestUser(ChatRequest r) {
        for (int i = r.messages().size() - 1; i >= 0; i--) {
            Message m = r.messages().get(i);
            if (m.role() == Role.USER) return m.textContent();
        }
        return "";
    }
}
