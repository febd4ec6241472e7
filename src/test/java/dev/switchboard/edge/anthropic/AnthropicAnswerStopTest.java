package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a translated answer ends in Anthropic's shape: {@code stop_sequence} when the provider said which sequence stopped
 * it, and a tool call's input when its arguments are not whole JSON.
 */
class AnthropicAnswerStopTest {

    private static JsonObject answer(Choice c) {
        return new JsonObject(new AnthropicResponseEncoder().response(new ChatResponse("chatcmpl-1", 1, "m", List.of(c), Usage.ZERO,
                null, null)));
    }

    private static Message text(String t) { return Message.text(Role.ASSISTANT, t); }

    private static Message call(String arguments) {
        return new Message(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("call_1", "get_weather", arguments)), null, null, null);
    }

    @Test
    void aStopSequenceTheProviderNamedIsAnthropicsStopSequence() {
        JsonObject m = answer(new Choice(0, text("one two"), FinishReason.STOP, null, "THREE"));
        assertThat(m.getString("stop_reason")).isEqualTo("stop_sequence");
        assertThat(m.getString("stop_sequence")).isEqualTo("THREE");

        JsonObject plain = answer(new Choice(0, text("one two"), FinishReason.STOP, null));
        assertThat(plain.getString("stop_reason")).isEqualTo("end_turn");
        assertThat(plain.containsKey("stop_sequence")).isTrue();
        assertThat(plain.getValue("stop_sequence")).isNull();

        // a sequence never outranks what else ended the answer
        assertThat(answer(new Choice(0, text("one"), FinishReason.LENGTH, null, "THREE")).getString("stop_reason")).isEqualTo("max_tokens");
        assertThat(answer(new Choice(0, text("one"), FinishReason.LENGTH, null, "THREE")).getValue("stop_sequence")).isNull();
    }

    @Test
    void aStreamsMessageDeltaCarriesTheStopSequence() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        enc.chunk(new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, new Delta(null, "one two", null, null, List.of()), null, null)),
                null, null, null));
        enc.chunk(new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.STOP, null, "THREE")),
                null, null, null));
        String events = enc.end().toString();
        String md = events.substring(events.indexOf("data: ", events.indexOf("event: message_delta")) + 6);
        JsonObject delta = new JsonObject(md.substring(0, md.indexOf('\n'))).getJsonObject("delta");
        assertThat(delta.getString("stop_reason")).isEqualTo("stop_sequence");
        assertThat(delta.getString("stop_sequence")).isEqualTo("THREE");
    }

    @Test
    void wholeArgumentsAreTheInput() {
        JsonObject use = answer(new Choice(0, call("{\"location\":\"Paris\",\"days\":[1,2]}"), FinishReason.TOOL_CALLS, null))
                .getJsonArray("content").getJsonObject(0);
        assertThat(use.getJsonObject("input")).isEqualTo(new JsonObject("{\"location\":\"Paris\",\"days\":[1,2]}"));
    }

    @Test
    void argumentsCutShortGiveTheMembersWrittenWhole() {
        assertThat(ToolInput.of("{\"location\":\"Paris\",\"unit\":\"cel").toString()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(ToolInput.of("{\"location\":\"Paris\",").toString()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(ToolInput.of("{\"location\":\"Paris\"").toString()).isEqualTo("{}"); // a string could not go on, but "}" is not there: Anthropic holds it
        assertThat(ToolInput.of("{\"n\": 12").toString()).isEqualTo("{}"); // 12 might have been 123
        assertThat(ToolInput.of("{\"n\": 12 , \"o\": {\"p\": [1, {\"q\"").toString()).isEqualTo("{\"n\":12}");
        assertThat(ToolInput.of("{\"a\": {\"b\": 1}, \"c\": tr").toString()).isEqualTo("{\"a\":{\"b\":1}}");
        assertThat(ToolInput.of("{").toString()).isEqualTo("{}");
        // not an object at all: nothing to give
        assertThat(ToolInput.of("get_weather(city=Paris)").toString()).isEqualTo("{}");
        assertThat(ToolInput.of("[1, 2]").toString()).isEqualTo("{}");
        assertThat(ToolInput.of("").toString()).isEqualTo("{}");
        assertThat(ToolInput.of(null).toString()).isEqualTo("{}");

        JsonObject m = answer(new Choice(0, call("{\"location\":\"Paris\",\"unit\":\"cel"), FinishReason.LENGTH, null));
        assertThat(m.getString("stop_reason")).isEqualTo("max_tokens");
        assertThat(m.getJsonArray("content").getJsonObject(0).getJsonObject("input")).isEqualTo(new JsonObject().put("location", "Paris"));
    }
}
