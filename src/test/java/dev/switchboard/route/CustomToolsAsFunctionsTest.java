package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CustomToolsAsFunctionsTest {
    private static final String TEXT = "line 1\nsays \"hi\" \\ 🌍 done";
    /** {@code {"input": TEXT}} as a model writes it, with 🌍 as a JSON escape pair. */
    private static final String ARGS = "{\"input\": \"line 1\\nsays \\\"hi\\\" \\\\ \\ud83c\\udf0d done\"}";

    private static Tool custom(String name, ObjectNode format) {
        return new Tool(name, "Apply a patch.", null, null, null, format);
    }

    private static ObjectNode text() { return JsonNodeFactory.instance.objectNode().put("type", "text"); }

    @Test
    void everySplitOfTheArgumentsGivesTheSameText() {
        for (int cut = 0; cut <= ARGS.length(); cut++) {
            for (int cut2 = cut; cut2 <= ARGS.length(); cut2++) {
                InputValueDecoder d = new InputValueDecoder();
                String out = d.feed(ARGS.substring(0, cut)) + d.feed(ARGS.substring(cut, cut2)) + d.feed(ARGS.substring(cut2));
                assertThat(out).as("cut at %d and %d", cut, cut2).isEqualTo(TEXT);
                assertThat(d.failed()).isFalse();
            }
        }
    }

    @Test
    void noPieceEndsInsideACharacter() {
        InputValueDecoder d = new InputValueDecoder();
        String first = d.feed("{\"input\":\"a\\ud83c");
        assertThat(first).isEqualTo("a"); // the high surrogate waits for its other half
        assertThat(d.feed("\\udf0d\"}")).isEqualTo("🌍");
    }

    @Test
    void anotherShapeFailsBeforeAnythingIsGiven() {
        InputValueDecoder other = new InputValueDecoder();
        assertThat(other.feed("{\"patch\":")).isNull();
        assertThat(other.failed()).isTrue();
        InputValueDecoder number = new InputValueDecoder();
        assertThat(number.feed("{\"input\": 4")).isNull();
        InputValueDecoder waiting = new InputValueDecoder();
        assertThat(waiting.feed("{\"inp")).isEmpty(); // could still be the input: no verdict yet
        assertThat(waiting.failed()).isFalse();
        assertThat(waiting.started()).isFalse();
    }

    @Test
    void aBrokenEscapeInsideTheValuePassesTheRestAsWritten() {
        InputValueDecoder d = new InputValueDecoder();
        assertThat(d.feed("{\"input\":\"ab\\qcd")).isEqualTo("ab\\qcd");
        assertThat(d.feed("\"}")).isEqualTo("\"}");
        InputValueDecoder split = new InputValueDecoder(); // an escape begun in one piece and broken in the next
        assertThat(split.feed("{\"input\":\"ab\\u12")).isEqualTo("ab");
        assertThat(split.feed("zz\"}")).isEqualTo("\\u12zz\"}");
    }

    @Test
    void aCallKeptWholeIsGivenBeforeTheNextCallBegins() {
        List<ChatChunk> in = List.of(chunk(new ToolCallDelta(0, "c1", "apply_patch", "{\"path\":\"x\"}")),
                chunk(new ToolCallDelta(1, "c2", "apply_patch", "{\"input\":\"y\"}")),
                new ChatChunk("id", 1, "m", List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.TOOL_CALLS, null)), null, null, null));
        List<ToolCallDelta> pieces = new ArrayList<>();
        for (ChatChunk c : run(in, Set.of("apply_patch"))) for (ChunkChoice ch : c.choices()) pieces.addAll(ch.delta().toolCalls());
        assertThat(pieces).containsExactly(new ToolCallDelta(0, "c1", "apply_patch", "", true),
                new ToolCallDelta(0, null, null, "x", true), // call 0's input, whole, before call 1 begins
                new ToolCallDelta(1, "c2", "apply_patch", "y", true));
    }

    @Test
    void theInputOfArgumentsInAnyShape() {
        assertThat(CustomToolsAsFunctions.input(ARGS)).isEqualTo(TEXT);
        assertThat(CustomToolsAsFunctions.input("{\"patch\":\"x\"}")).isEqualTo("x"); // the one string, renamed
        assertThat(CustomToolsAsFunctions.input("{}")).isEmpty();
        assertThat(CustomToolsAsFunctions.input("")).isEmpty();
        assertThat(CustomToolsAsFunctions.input("not json")).isEqualTo("not json");
        assertThat(CustomToolsAsFunctions.input("{\"a\":1,\"b\":2}")).isEqualTo("{\"a\":1,\"b\":2}"); // nothing lost
    }

    @Test
    void aRequestsCustomToolsAndCallsBecomeFunctions() {
        ObjectNode grammar = JsonNodeFactory.instance.objectNode().put("type", "grammar");
        grammar.putObject("grammar").put("syntax", "regex").put("definition", "^[a-z]+$");
        Message history = new Message(Role.ASSISTANT, List.of(), null,
                List.of(new ToolCall("call_1", "apply_patch", TEXT, true), new ToolCall("call_2", "get_time", "{}")), null, null, null);
        ChatRequest r = new ChatRequest("m", List.of(Message.text(Role.USER, "hi"), history),
                List.of(custom("apply_patch", text()), custom("word", grammar), new Tool("get_time", null, null, null, null)),
                null, null, null, null, null, null, null, null, null, null, null, false, false, Map.of());
        ChatRequest f = CustomToolsAsFunctions.asFunctions(r);
        assertThat(f.tools()).noneMatch(Tool::custom);
        assertThat(f.tools().get(0).parameters().path("properties").path("input").path("type").asText()).isEqualTo("string");
        assertThat(f.tools().get(1).description()).isEqualTo("Apply a patch.\n\nThe input must match this regular expression:\n^[a-z]+$");
        assertThat(f.tools().get(2)).isSameAs(r.tools().get(2));
        ToolCall sent = f.messages().get(1).toolCalls().get(0);
        assertThat(sent.custom()).isFalse();
        assertThat(CustomToolsAsFunctions.input(sent.arguments())).isEqualTo(TEXT);
        assertThat(f.messages().get(1).toolCalls().get(1)).isSameAs(history.toolCalls().get(1));
        assertThat(CustomToolsAsFunctions.customNames(r)).containsExactlyInAnyOrder("apply_patch", "word");
        ChatRequest plain = r.withToolsAndMessages(List.of(r.tools().get(2)), List.of(r.messages().get(0)));
        assertThat(CustomToolsAsFunctions.asFunctions(plain)).isSameAs(plain);
    }

    @Test
    void anAnswersCallsOfCustomToolsBecomeCustomCalls() {
        Message m = new Message(Role.ASSISTANT, List.of(), null,
                List.of(new ToolCall("c1", "apply_patch", ARGS), new ToolCall("c2", "get_time", "{}")), null, null, null);
        ChatResponse a = new ChatResponse("id", 1, "m", List.of(new Choice(0, m, FinishReason.TOOL_CALLS, null)), null, null, null);
        ChatResponse r = CustomToolsAsFunctions.restore(a, Set.of("apply_patch"));
        List<ToolCall> calls = r.choices().get(0).message().toolCalls();
        assertThat(calls.get(0)).isEqualTo(new ToolCall("c1", "apply_patch", TEXT, true));
        assertThat(calls.get(1)).isEqualTo(new ToolCall("c2", "get_time", "{}", false));
        assertThat(CustomToolsAsFunctions.restore(a, Set.of("other"))).isSameAs(a);
    }

    @Test
    void aStreamGivesTheInputPieceByPiece() {
        List<ChatChunk> in = new ArrayList<>();
        in.add(chunk(new ToolCallDelta(0, "c1", "apply_patch", "")));
        for (int i = 0; i < ARGS.length(); i += 5) in.add(chunk(new ToolCallDelta(0, null, null, ARGS.substring(i, Math.min(ARGS.length(), i + 5)))));
        in.add(new ChatChunk("id", 1, "m", List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.TOOL_CALLS, null)), null, null, null));
        List<ChatChunk> out = run(in, Set.of("apply_patch"));
        StringBuilder text = new StringBuilder();
        List<ToolCallDelta> pieces = new ArrayList<>();
        for (ChatChunk c : out) for (ChunkChoice ch : c.choices()) pieces.addAll(ch.delta().toolCalls());
        for (ToolCallDelta t : pieces) {
            assertThat(t.custom()).isTrue();
            text.append(t.argumentsFragment());
        }
        assertThat(pieces.get(0).id()).isEqualTo("c1");
        assertThat(text.toString()).isEqualTo(TEXT);
        assertThat(pieces.size()).as("given as it comes, not at the end").isGreaterThan(3);
        assertThat(out.get(out.size() - 1).choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void argumentsInAnotherShapeAreGivenWholeBeforeTheFinish() {
        List<ChatChunk> in = List.of(chunk(new ToolCallDelta(0, "c1", "apply_patch", "{\"pat")), chunk(new ToolCallDelta(0, null, null, "ch\":\"x\"}")),
                new ChatChunk("id", 1, "m", List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.TOOL_CALLS, null)), null, null, null));
        List<ChatChunk> out = run(in, Set.of("apply_patch"));
        ChunkChoice last = out.get(out.size() - 1).choices().get(0);
        assertThat(last.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(last.delta().toolCalls()).containsExactly(new ToolCallDelta(0, null, null, "x", true));
        assertThat(out.get(0).choices().get(0).delta().toolCalls().get(0)).isEqualTo(new ToolCallDelta(0, "c1", "apply_patch", "", true));
    }

    @Test
    void otherCallsAndTextPassUnchanged() {
        ChatChunk fn = chunk(new ToolCallDelta(0, "c2", "get_time", "{}"));
        ChatChunk text = new ChatChunk("id", 1, "m", List.of(new ChunkChoice(0, new Delta(null, "hi", null, null, List.of()), null, null)), null, null, null);
        assertThat(run(List.of(fn, text), Set.of("apply_patch"))).containsExactly(fn, text);
    }

    private static ChatChunk chunk(ToolCallDelta t) {
        return new ChatChunk("id", 1, "m", List.of(new ChunkChoice(0, new Delta(null, null, null, null, List.of(t)), null, null)), null, null, null);
    }

    private static List<ChatChunk> run(List<ChatChunk> in, Set<String> custom) {
        List<ChatChunk> out = new ArrayList<>();
        ChatStream upstream = new ChatStream() {
            @Override
            public void start(ChunkSink sink) {
                in.forEach(sink::chunk);
                sink.end();
            }

            @Override
            public void cancel() { }
        };
        CustomToolInputSink.restoring(upstream, custom).start(new ChunkSink() {
            @Override public void chunk(ChatChunk chunk) { out.add(chunk); }
            @Override public void flush() { }
            @Override public void end() { }
            @Override public void fail(GatewayException error) { throw error; }
            @Override public boolean writeQueueFull() { return false; }
            @Override public void drainHandler(Runnable onDrain) { }
        });
        return out;
    }
}
