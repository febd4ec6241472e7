package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The schema check the wire tests rely on really rejects what OpenAI's schema forbids. */
class OpenAiSchemasTest {
    private static final String VALID = """
            {"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
             "message":{"role":"assistant","content":"hi","refusal":null},"logprobs":null,"finish_reason":"stop"}]}""";

    @Test
    void acceptsAValidAnswer() {
        assertThat(OpenAiSchemas.errors("CreateChatCompletionResponse", VALID)).isEmpty();
    }

    @Test
    void rejectsWhatTheSchemaForbids() {
        assertThat(OpenAiSchemas.errors("CreateChatCompletionResponse", VALID.replace("\"stop\"", "\"end_turn\""))).isNotEmpty();
        assertThat(OpenAiSchemas.errors("CreateChatCompletionResponse", VALID.replace(",\"refusal\":null", ""))).isNotEmpty();
        assertThat(OpenAiSchemas.errors("CreateChatCompletionResponse", VALID.replace("\"created\":1,", ""))).isNotEmpty();
        assertThat(OpenAiSchemas.errors("CreateChatCompletionStreamResponse", """
                {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{}}]}""")).isNotEmpty();
        assertThat(OpenAiSchemas.errors("ErrorResponse", "{\"error\":{\"message\":\"m\",\"type\":\"t\"}}")).isNotEmpty();
    }
}
