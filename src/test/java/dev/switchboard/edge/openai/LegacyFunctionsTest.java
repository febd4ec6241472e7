package dev.switchboard.edge.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolChoice;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class LegacyFunctionsTest {
    private final OpenAiRequestDecoder decoder = new OpenAiRequestDecoder();

    @Test
    void eachFunctionTurnAnswersTheLatestEarlierCallOfItsName() {
        OpenAiRequestDecoder.Chat c = decoder.chatCall(Buffer.buffer("""
                {"model":"m","messages":[{"role":"user","content":"a"},
                 {"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{\\"x\\":1}"}},
                 {"role":"function","name":"f","content":"one"},
                 {"role":"assistant","content":"then","function_call":{"name":"f","arguments":{"x":2}}},
                 {"role":"function","name":"f","content":null}]}"""));
        assertThat(c.legacyFunctions()).isFalse(); // a history alone: the client asked with tools, or none
        ChatRequest r = c.request();
        assertThat(r.relay()).isNull(); // the body was rewritten: not the client's bytes
        assertThat(r.messages().get(1).toolCalls().get(0).id()).isEqualTo("call_fn_1");
        assertThat(r.messages().get(1).toolCalls().get(0).arguments()).isEqualTo("{\"x\":1}");
        assertThat(r.messages().get(2).role()).isEqualTo(Role.TOOL);
        assertThat(r.messages().get(2).toolCallId()).isEqualTo("call_fn_1");
        assertThat(r.messages().get(3).toolCalls().get(0).arguments()).isEqualTo("{\"x\":2}"); // an object, as text
        assertThat(r.messages().get(3).textContent()).isEqualTo("then");
        assertThat(r.messages().get(4).toolCallId()).isEqualTo("call_fn_3");
        assertThat(r.messages().get(4).textContent()).isEmpty();
    }

    @Test
    void functionsAreToolsWithOneCallAnAnswerAndFunctionCallTheChoice() {
        OpenAiRequestDecoder.Chat c = decoder.chatCall(Buffer.buffer("""
                {"model":"m","messages":[{"role":"user","content":"a"}],"functions":[{"name":"f","parameters":{"type":"object"}}],
                 "function_call":"auto"}"""));
        assertThat(c.legacyFunctions()).isTrue();
        assertThat(c.request().tools()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("f"));
        assertThat(c.request().toolChoice().mode()).isEqualTo(ToolChoice.Mode.AUTO);
        assertThat(c.request().parallelToolCalls()).isFalse();
        assertThat(c.request().extra()).doesNotContainKeys("functions", "function_call");
    }

    @Test
    void aModernRequestIsUntouchedAndStillRelayable() {
        OpenAiRequestDecoder.Chat c = decoder.chatCall(Buffer.buffer("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}"));
        assertThat(c.legacyFunctions()).isFalse();
        assertThat(c.request().relay()).isNotNull();
    }
}
