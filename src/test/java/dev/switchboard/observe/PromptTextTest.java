package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The prompt's text is the JSON Jackson's generator wrote before it was written by hand: every character, every shape. */
class PromptTextTest {

    @Test
    void everyCharacterIsEscapedAsJacksonsGeneratorEscapesIt() throws IOException {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) all.append(c);
        all.append("\uD83D\uDE00 \uD800 lone \uDC00 \u2028\u2029 \uFFFF");
        ChatRequest r = request(List.of(Message.text(Role.USER, all.toString())));
        assertThat(PromptText.prompt(r, Integer.MAX_VALUE)).isEqualTo(generator(r, Integer.MAX_VALUE));
    }

    @Test
    void shapesAndTheLimitMatchTheGenerator() throws IOException {
        List<Message> messages = List.of(
                Message.text(Role.SYSTEM, "be \"brief\"\n\tand\\ kind </script>"),
                new Message(Role.USER, List.of(ContentPart.Text.of("look"), new ContentPart.Image("https://x/y.png", null, null),
                        ContentPart.Text.of("and this")), null, null, null, null, null),
                new Message(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("c1", "get_weather", "{\"city\":\"Zürich\"}"),
                        new ToolCall("c2", null, null)), null, null, "no\u0001"),
                new Message(Role.TOOL, List.of(ContentPart.Text.of(null)), null, null, "c1", null, null),
                Message.text(Role.USER, "ümlaut ☃ ".repeat(50)));
        ChatRequest r = request(messages);
        for (int limit : new int[] {0, 1, 5, 40, 60, 100, 200, 2_000, Integer.MAX_VALUE}) {
            assertThat(PromptText.prompt(r, limit)).as("limit %d", limit).isEqualTo(generator(r, limit));
        }
        assertThat(PromptText.prompt(request(List.of()), 10)).isEqualTo(generator(request(List.of()), 10)).isEqualTo("[]");
    }

    @Test
    void randomPromptsMatchTheGenerator() throws IOException {
        Random rnd = new Random(15);
        for (int i = 0; i < 500; i++) {
            List<Message> messages = new ArrayList<>();
            for (int m = rnd.nextInt(6); m > 0; m--) {
                List<ToolCall> calls = new ArrayList<>();
                for (int t = rnd.nextInt(3) == 0 ? rnd.nextInt(3) : 0; t > 0; t--) calls.add(new ToolCall("id", text(rnd), text(rnd)));
                messages.add(new Message(Role.values()[rnd.nextInt(Role.values().length)], List.of(ContentPart.Text.of(text(rnd))),
                        null, calls, null, null, null));
            }
            ChatRequest r = request(messages);
            int limit = rnd.nextInt(400);
            assertThat(PromptText.prompt(r, limit)).isEqualTo(generator(r, limit));
        }
    }

    private static String text(Random rnd) {
        StringBuilder b = new StringBuilder();
        for (int n = rnd.nextInt(80); n > 0; n--) {
            int kind = rnd.nextInt(10);
            b.append(kind == 0 ? (char) rnd.nextInt(0x20) : kind == 1 ? (char) (0x80 + rnd.nextInt(0x2000))
                    : kind == 2 ? "\"\\/".charAt(rnd.nextInt(3)) : (char) (0x20 + rnd.nextInt(0x5f)));
        }
        return b.toString();
    }

    private static ChatRequest request(List<Message> messages) {
        return new ChatRequest("m", messages, null, null, null, null, null, null, null, null, null, null, null, null,
                false, false, null);
    }

    /**
     * An embeddings input is kept as the JSON the client sent, and a policy's limit keeps the same text whether the
     * rendering stopped early or not: a string, strings, token arrays, long and non-ASCII texts, at every limit.
     */
    @Test
    void anEmbeddingsInputKeepsWhatItsWholeJsonWouldKeep() throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> inputs = List.of("\"hello\"", "\"a \\\"quoted\\\" line\\nnext \\u2028 \ud83d\ude00\"",
                "[\"one\",\"two\",\"three\"]", "[[1,2,3],[40,50]]", "[1,2,3]", "[]", "\"\"",
                "\"" + "ümlaut \ud83d\ude00 ".repeat(300) + "\"", "[\"" + "x".repeat(5_000) + "\",\"tail\"]");
        for (String text : inputs) {
            com.fasterxml.jackson.databind.JsonNode n = json.readTree(text);
            assertThat(PromptText.input(n, Integer.MAX_VALUE)).as(text).isEqualTo(n.toString());
            for (int limit : new int[] {1, 2, 5, 10, 11, 40, 2_000}) {
                LogPolicy p = new LogPolicy(LogPolicy.Mode.TRUNCATED, limit, List.of());
                assertThat(p.apply(PromptText.input(n, limit))).as("%s at %d", text, limit).isEqualTo(p.apply(n.toString()));
            }
        }
        String huge = "\"" + "y".repeat(1_000_000) + "\"";
        assertThat(PromptText.input(json.readTree(huge), 2_000)).as("a long input is not rendered whole").hasSizeLessThan(2_100);
        assertThat(PromptText.input(null, 10)).isNull();
    }

    /** The answer's vectors are never kept: how many, of how many dimensions, in which encoding. */
    @Test
    void anEmbeddingsAnswerIsSummarisedNotKept() throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var floats = new dev.switchboard.model.EmbeddingResponse("m", List.of(
                new dev.switchboard.model.EmbeddingResponse.Item(0, json.readTree("[0.1,0.2,0.3]")),
                new dev.switchboard.model.EmbeddingResponse.Item(1, json.readTree("[0.4,0.5,0.6]"))), null);
        assertThat(PromptText.embeddings(floats)).isEqualTo("2 embeddings of 3 dimensions (float; the vectors are not kept)");
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(5 * 4);
        for (int i = 0; i < 5; i++) bb.putFloat(i);
        String b64 = java.util.Base64.getEncoder().encodeToString(bb.array());
        var base64 = new dev.switchboard.model.EmbeddingResponse("m", List.of(
                new dev.switchboard.model.EmbeddingResponse.Item(0, com.fasterxml.jackson.databind.node.TextNode.valueOf(b64))), null);
        assertThat(PromptText.embeddings(base64)).isEqualTo("1 embedding of 5 dimensions (base64; the vectors are not kept)");
        assertThat(PromptText.embeddings(new dev.switchboard.model.EmbeddingResponse("m", List.of(), null))).isEqualTo("no embeddings");
    }

    /** The rendering this class replaced: Jackson's generator into a StringWriter. */
    private static String generator(ChatRequest r, int limit) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartArray();
            for (Message m : r.messages()) {
                g.flush();
                if (out.getBuffer().length() > limit) break;
                g.writeStartObject();
                g.writeStringField("role", m.role().wire());
                g.writeStringField("content", textOf(m));
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
        }
        return out.toString();
    }

    /** PromptText's own joining of a message's parts (unchanged; the escaping is what is compared). */
    private static String textOf(Message m) {
        if (m.content().size() == 1 && m.content().get(0) instanceof ContentPart.Text t) return t.text();
        StringBuilder b = new StringBuilder();
        for (ContentPart p : m.content()) {
            if (!b.isEmpty()) b.append('\n');
            b.append(p instanceof ContentPart.Text t ? t.text() : p instanceof ContentPart.Image ? "[image]" : "[part]");
        }
        if (m.refusal() != null) b.append(m.refusal());
        return b.toString();
    }
}
