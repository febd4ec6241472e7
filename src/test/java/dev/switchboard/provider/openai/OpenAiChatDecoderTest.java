package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Role;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenAiChatDecoderTest {
    private final OpenAiChatDecoder decoder = new OpenAiChatDecoder("fallback-model");

    /** Everything OpenAI and compatible servers send in one answer (also in the differential test's corpus). */
    static final String FULL_ANSWER = """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06",
                 "unknown":{"nested":[1,{"x":2}]},
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"annotations":[],
                   "reasoning_content":"thinking...","tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"f","arguments":"{\\"a\\":1}"}},{"id":"call_2","type":"function","function":{"name":"g","arguments":{"b":2}}}]},
                   "logprobs":{"content":[]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,
                   "prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":2}},
                 "system_fingerprint":"fp_1","service_tier":"default"}""";

    @Test
    void aFullAnswerWithEverythingOpenAiAndCompatibleServersSend() throws Exception {
        ChatResponse r = decoder.response(FULL_ANSWER.getBytes(StandardCharsets.UTF_8));
        assertThat(r.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(r.created()).isEqualTo(1700000000L);
        var c = r.choices().get(0);
        assertThat(c.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(c.logprobs().has("content")).isTrue();
        assertThat(c.message().content()).isEmpty();
        assertThat(c.message().reasoning()).isEqualTo("thinking...");
        assertThat(c.message().toolCalls()).extracting("id", "name", "arguments")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("call_1", "f", "{\"a\":1}"),
                        org.assertj.core.groups.Tuple.tuple("call_2", "g", "{\"b\":2}"));
        assertThat(r.usage().promptTokens()).isEqualTo(10);
        assertThat(r.usage().cacheReadTokens()).isEqualTo(4);
        assertThat(r.usage().reasoningTokens()).isEqualTo(2);
        assertThat(r.systemFingerprint()).isEqualTo("fp_1");
    }

    @Test
    void aCustomToolsCallIsTheOneTypedCustomNotAFunctionWithAnEmptyCustomMember() throws Exception {
        ChatResponse r = decoder.response("""
                {"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant",
                 "content":null,"tool_calls":[{"id":"c1","type":"custom","custom":{"name":"apply_patch","input":"*** Begin"}},
                 {"id":"c2","type":"function","function":{"name":"read","arguments":"{}"},"custom":{}},
                 {"id":"c3","type":"function","function":{"name":"ls","arguments":"{}"},"custom":null}]},"finish_reason":"tool_calls"}]}"""
                .getBytes(StandardCharsets.UTF_8));
        assertThat(r.choices().get(0).message().toolCalls()).containsExactly(new ToolCall("c1", "apply_patch", "*** Begin", true),
                new ToolCall("c2", "read", "{}"), new ToolCall("c3", "ls", "{}"));
        // streamed: the head says custom, later pieces carry only the custom member; a function piece with "custom": {}
        // (servers that echo it) stays the function's
        ChatChunk head = decoder.chunk("""
                {"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","type":"custom",
                 "custom":{"name":"apply_patch","input":""}}]}}]}""".getBytes(StandardCharsets.UTF_8));
        ChatChunk piece = decoder.chunk("""
                {"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"custom":{"input":"+hi"}}]}}]}""".getBytes(StandardCharsets.UTF_8));
        ChatChunk fn = decoder.chunk("""
                {"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"c2","type":"function",
                 "function":{"name":"read","arguments":""},"custom":{}}]}}]}""".getBytes(StandardCharsets.UTF_8));
        assertThat(head.choices().get(0).delta().toolCalls()).containsExactly(new ToolCallDelta(0, "c1", "apply_patch", "", true));
        assertThat(piece.choices().get(0).delta().toolCalls()).containsExactly(new ToolCallDelta(0, null, null, "+hi", true));
        assertThat(fn.choices().get(0).delta().toolCalls()).containsExactly(new ToolCallDelta(1, "c2", "read", "", false));
    }

    @Test
    void laxServersContentArraysAndMissingModel() throws Exception {
        ChatResponse r = decoder.response("""
                {"choices":[{"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],
                 "reasoning":"r"},"finish_reason":"stop"}]}""".getBytes(StandardCharsets.UTF_8));
        assertThat(r.model()).isEqualTo("fallback-model");
        assertThat(r.choices().get(0).message().textContent()).isEqualTo("ab");
        assertThat(r.choices().get(0).message().reasoning()).isEqualTo("r");
        assertThat(r.usage()).isNull();
    }

    @Test
    void chunksDeltasToolPiecesUsageAndErrors() throws Exception {
        ChatChunk c = decoder.chunk("""
                {"id":"x","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"",
                 "tool_calls":[{"index":1,"id":"call_9","type":"function","function":{"name":"f","arguments":""}}]},
                 "logprobs":null,"finish_reason":null}],"usage":null}""".getBytes(StandardCharsets.UTF_8));
        assertThat(c.choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
        assertThat(c.choices().get(0).delta().toolCalls().get(0).index()).isEqualTo(1);
        assertThat(c.usage()).isNull();
        ChatChunk u = decoder.chunk("{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}".getBytes(StandardCharsets.UTF_8));
        assertThat(u.choices()).isEmpty();
        assertThat(u.usage().totalTokens()).isEqualTo(7);
        assertThatThrownBy(() -> decoder.chunk("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(OpenAiChatDecoder.ErrorEvent.class, e -> assertThat(e.error.get("message").asText()).isEqualTo("boom"));
        assertThatThrownBy(() -> decoder.chunk("not json".getBytes(StandardCharsets.UTF_8))).isInstanceOf(java.io.IOException.class);
    }
}
