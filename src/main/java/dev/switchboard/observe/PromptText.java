package dev.switchboard.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.ToolCall;
import java.io.IOException;
import java.io.StringWriter;

/**
 * A request's messages and an answer's message as the text the request log and a trace keep: the messages as a JSON
 * array of {@code {role, content[, tool_calls]}} (text parts joined; an image, file or audio part as a placeholder, never
 * its bytes), an answer as its text (tool calls as JSON after it). Rendering stops soon after {@code limit} characters,
 * so a policy of {@code truncated:N} never renders a whole long prompt.
 */
final class PromptText {
    private static final JsonFactory JSON = new JsonFactory();

    private PromptText() {}

    static String prompt(ChatRequest r, int limit) { return prompt(r.messages(), limit); }

    static String prompt(java.util.List<Message> messages, int limit) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Message m : messages) {
                // what was written, without a flush per message (the flush's copy was half of this method's time)
                if (out.getBuffer().length() + g.getOutputBuffered() > limit) break;
                g.writeStartObject();
                g.writeStringField("role", m.role().wire());
                g.writeStringField("content", text(m));
                if (!m.toolCalls().isEmpty()) {
                    g.writeArrayFieldStart("tool_calls");
                    for (ToolCall t : m.toolCalls()) {
                        g.writeStartObject();
                        g.writeStringField("name", t.name());
                        g.writeStringField("arguments", t.arguments());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    static String completion(ChatResponse r) {
        if (r == null || r.choices().isEmpty()) return "";
        if (r.choices().size() == 1) { // the usual answer: its one text as it is, without a builder's two copies
            Message only = r.choices().get(0).message();
            if (only == null) return "";
            if (only.toolCalls().isEmpty()) return text(only);
        }
        StringBuilder b = new StringBuilder();
        for (Choice c : r.choices()) {
            Message m = c.message();
            if (m == null) continue;
            b.append(text(m));
            for (ToolCall t : m.toolCalls()) b.append(b.isEmpty() ? "" : "\n").append(toolCall(t.name(), t.arguments()));
        }
        return b.toString();
    }

    static String toolCall(String name, String arguments) {
        return "{\"tool_call\":\"" + (name == null ? "" : name.replace("\"", "\\\"")) + "\",\"arguments\":"
                + (arguments == null || arguments.isBlank() ? "{}" : arguments) + "}";
    }

    private static String text(Message m) {
        if (m.content().size() == 1 && m.content().get(0) instanceof ContentPart.Text t) return t.text();
        StringBuilder b = new StringBuilder();
        for (ContentPart p : m.content()) {
            if (!b.isEmpty()) b.append('\n');
            switch (p) {
                case ContentPart.Text t -> b.append(t.text());
                case ContentPart.Image i -> b.append("[image]");
                case ContentPart.File f -> b.append("[file]");
                case ContentPart.Audio a -> b.append("[audio]");
                default -> b.append("[part]");
            }
        }
        if (m.refusal() != null) b.append(m.refusal());
        return b.toString();
    }
}
