package dev.switchboard.observe;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.ToolCall;
import java.util.List;

/**
 * A request's messages and an answer's message as the text the request log and a trace keep: the messages as a JSON
 * array of {@code {role, content[, tool_calls]}} (text parts joined; an image, file or audio part as a placeholder, never
 * its bytes), an answer as its text (tool calls as JSON after it). Rendering stops soon after {@code limit} characters,
 * so a policy of {@code truncated:N} never renders a whole long prompt.
 */
final class PromptText {
    private static final JsonStringEncoder ESCAPES = JsonStringEncoder.getInstance();

    private PromptText() {}

    static String prompt(ChatRequest r, int limit) { return prompt(r.messages(), limit); }

    static String prompt(List<Message> messages, int limit) {
        // The JSON Jackson's generator wrote here before, written straight into one builder with Jackson's own string
        // escaping: a generator, its recycled buffers, a StringWriter's synchronized buffer and a copy at close were
        // about 2 % of a traced request's event loop (PromptTextTest holds the text to the generator's).
        StringBuilder b = new StringBuilder(sizeHint(messages, limit));
        b.append('[');
        boolean first = true;
        for (Message m : messages) {
            if (b.length() > limit) break; // what was written so far, before this message's separator
            if (!first) b.append(',');
            first = false;
            b.append("{\"role\":");
            string(b, m.role().wire());
            b.append(",\"content\":");
            string(b, text(m));
            if (!m.toolCalls().isEmpty()) {
                b.append(",\"tool_calls\":[");
                boolean firstCall = true;
                for (ToolCall t : m.toolCalls()) {
                    if (!firstCall) b.append(',');
                    firstCall = false;
                    b.append("{\"name\":");
                    string(b, t.name());
                    b.append(",\"arguments\":");
                    string(b, t.arguments());
                    b.append('}');
                }
                b.append(']');
            }
            b.append('}');
        }
        return b.append(']').toString();
    }

    /** A JSON string (or {@code null}) as Jackson's generator writes it: its escapes, non-ASCII as it is. */
    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        ESCAPES.quoteAsString(s, b);
        b.append('"');
    }

    /** The rendered length for a prompt of plain texts, within what {@code limit} lets be rendered. */
    private static int sizeHint(List<Message> messages, int limit) {
        long n = 2;
        for (Message m : messages) {
            n += 32;
            for (ContentPart p : m.content()) if (p instanceof ContentPart.Text t && t.text() != null) n += t.text().length() + 1;
            if (n > limit) break;
        }
        return (int) Math.min(n + 16, 1 << 16);
    }

    /**
     * An embeddings request's {@code input} as the log and a trace keep a prompt: the JSON the client sent (a string,
     * a list of strings, token arrays), rendering stopped soon after {@code limit} characters (a long string is cut at
     * {@code limit + 1} characters before it is escaped, so the policy still sees that it went on). Null for no input.
     */
    static String input(com.fasterxml.jackson.databind.JsonNode input, int limit) {
        if (input == null || input.isMissingNode()) return null;
        StringBuilder b = new StringBuilder(Math.min(1 << 16, Math.max(16, Math.min(limit, 1 << 20) + 16)));
        input(b, input, limit);
        return b.toString();
    }

    private static void input(StringBuilder b, com.fasterxml.jackson.databind.JsonNode n, int limit) {
        if (n.isTextual()) {
            String t = n.textValue();
            long room = Math.max(0L, (long) limit - b.length()) + 1; // long: a full policy's limit is Integer.MAX_VALUE
            if (t.length() > room) {
                int cut = (int) room;
                if (Character.isHighSurrogate(t.charAt(cut - 1))) cut++; // a character is not cut in two
                t = t.substring(0, Math.min(cut, t.length()));
            }
            string(b, t);
        } else if (n.isArray()) {
            b.append('[');
            boolean first = true;
            for (com.fasterxml.jackson.databind.JsonNode e : n) {
                if (b.length() > limit) break; // what was written so far, as a prompt's messages stop
                if (!first) b.append(',');
                first = false;
                input(b, e, limit);
            }
            b.append(']');
        } else {
            b.append(n); // a token id (a number); anything else the decoder let through, as JSON
        }
    }

    /**
     * What an embeddings answer is in the log and a trace instead of its vectors (kept nowhere: thousands of numbers a
     * call, and nothing a reader of the log can use): how many, of how many dimensions, in which encoding.
     */
    static String embeddings(dev.switchboard.model.EmbeddingResponse r) {
        if (r == null || r.data() == null || r.data().isEmpty()) return "no embeddings";
        int min = Integer.MAX_VALUE, max = 0;
        boolean base64 = false;
        for (dev.switchboard.model.EmbeddingResponse.Item item : r.data()) {
            int d = dimensions(item.embedding());
            base64 |= item.embedding() != null && item.embedding().isTextual();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        int n = r.data().size();
        return n + (n == 1 ? " embedding of " : " embeddings of ") + (min == max ? Integer.toString(max) : min + "-" + max)
                + " dimensions (" + (base64 ? "base64" : "float") + "; the vectors are not kept)";
    }

    /** A vector's dimensions: its length, or for base64 the floats (4 bytes each) its text decodes to. */
    private static int dimensions(com.fasterxml.jackson.databind.JsonNode v) {
        if (v == null) return 0;
        if (v.isArray()) return v.size();
        if (!v.isTextual()) return 0;
        String t = v.textValue();
        int len = t.length(), pad = 0;
        while (pad < 2 && len - pad > 0 && t.charAt(len - pad - 1) == '=') pad++;
        return (len / 4 * 3 - pad) / 4;
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
