package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.edge.openai.OpenAiResponseEncoder;
import dev.switchboard.model.ChatResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The non-stream relay (an OpenAI-style answer's own bytes to an OpenAI-dialect client) must send what the canonical
 * path sends: for every answer the decoder marks relayable, the relayed JSON equals the canonical encoding of the
 * same (priced) answer; an answer the canonical path would change is not relayed at all.
 */
class OpenAiAnswerRelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenAiChatDecoder decoder = new OpenAiChatDecoder("fallback-model");
    private final OpenAiResponseEncoder encoder = new OpenAiResponseEncoder();

    private static final String USAGE = """
            "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4}}""";

    /** What the simulator and OpenAI send (with annotations, fingerprint, tier), and a tool call, and n = 2. */
    @ParameterizedTest
    @ValueSource(strings = {
            """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi \\u00e9\\/ \\"x\\"","refusal":null,"annotations":[]},
               "logprobs":null,"finish_reason":"stop"}],%s,"service_tier":"default","system_fingerprint":"fp_1"}  \n""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant",
             "content":null,"refusal":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
             "logprobs":{"content":[]},"finish_reason":"tool_calls"}],%s}""",
            """
            {%s,"id":"c","object":"chat.completion","created":1,"model":"m","choices":[
             {"index":0,"message":{"role":"assistant","content":"a","refusal":null,"reasoning_content":"r"},"logprobs":null,"finish_reason":"length"},
             {"index":1,"message":{"content":"b","role":"assistant","refusal":"no"},"finish_reason":"content_filter","logprobs":null}]}""",
    })
    void aRelayedAnswerIsWhatTheCanonicalPathSends(String template) throws Exception {
        ChatResponse r = decoder.response(template.formatted(USAGE).getBytes(StandardCharsets.UTF_8));
        assertThat(r.relayed()).as("relayable").isNotNull();
        ChatResponse priced = r.withUsage(r.usage().withCost(0.00000825));
        JsonNode relayed = JSON.readTree(encoder.response(priced).getBytes());
        assertThat(relayed).isEqualTo(JSON.readTree(encoder.response(priced.withoutRelay()).getBytes()));
        assertThat(relayed.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.00000825");
        assertThat(relayed.path("usage").path("completion_tokens_details").has("reasoning_tokens")).isTrue();
    }

    /** Each differs from what the encoder writes (a field dropped, added, renamed or normalised): not relayed. */
    @ParameterizedTest
    @ValueSource(strings = {
            // no usage (the edge writes none), an unknown top-level field, an "error": null, a field twice
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}]}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","x":1,"choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","error":null,"choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","id":"d","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            // a missing id, model or object; a float created; a null fingerprint
            """
            {"object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1.5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","system_fingerprint":null,"choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            // choices: no logprobs, no finish reason, an unknown one, no index, an extra field
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"eos"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"x":1,"message":{"role":"assistant","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            // messages: no refusal, content as parts, "reasoning", a null extra, a null tool_calls, a loose tool call
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a"},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"a"}],"refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null,"reasoning":"r"},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null,"audio":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null,"tool_calls":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_1","function":{"name":"f","arguments":{"a":1}}}]},"logprobs":null,"finish_reason":"tool_calls"}],%s}""",
            """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"user","content":"a","refusal":null},"logprobs":null,"finish_reason":"stop"}],%s}""",
    })
    void anAnswerTheCanonicalPathWouldChangeIsNotRelayed(String template) throws Exception {
        ChatResponse r = decoder.response(template.formatted(USAGE).getBytes(StandardCharsets.UTF_8));
        assertThat(r.relayed()).isNull();
    }
}
