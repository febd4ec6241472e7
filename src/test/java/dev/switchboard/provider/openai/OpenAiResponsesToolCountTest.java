package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.Usage;
import org.junit.jupiter.api.Test;

/** A Responses answer's built-in tool calls reach its usage, which prices them: searches per call, code per container. */
class OpenAiResponsesToolCountTest {
    @Test
    void theOutputsBuiltInToolCallsAreCounted() throws Exception {
        var body = new ObjectMapper().readTree("""
                {"id":"resp_1","object":"response","status":"completed","model":"gpt-5","output":[
                 {"id":"ws_1","type":"web_search_call","status":"completed"},
                 {"id":"ws_2","type":"web_search_call","status":"completed"},
                 {"id":"fs_1","type":"file_search_call","status":"completed","queries":["q"]},
                 {"id":"ci_1","type":"code_interpreter_call","container_id":"cntr_a","code":"1"},
                 {"id":"ci_2","type":"code_interpreter_call","container_id":"cntr_a","code":"2"},
                 {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]}],
                 "usage":{"input_tokens":10,"output_tokens":5}}""");
        Usage u = OpenAiResponsesDecoder.response(body, "gpt-5").usage();
        assertThat(u.promptTokens()).isEqualTo(10);
        assertThat(u.details().webSearchRequests()).isEqualTo(2);
        assertThat(u.details().fileSearchCalls()).isEqualTo(1);
        assertThat(u.details().codeInterpreterSessions()).as("two calls in one container: one session").isEqualTo(1);
    }

    @Test
    void anAnswerWithoutToolCallsKeepsItsUsage() throws Exception {
        var body = new ObjectMapper().readTree("""
                {"id":"resp_2","object":"response","status":"completed","model":"gpt-5","output":[
                 {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]}],
                 "usage":{"input_tokens":10,"output_tokens":5}}""");
        assertThat(OpenAiResponsesDecoder.response(body, "gpt-5").usage().details().billedTools()).isFalse();
    }
}
