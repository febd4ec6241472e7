package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulator answers a wrongly typed request field with its API's 400 rather than throwing inside its
 * handler and never answering (which the gateway saw as a timeout). Sent straight to the simulator, since the
 * gateway now refuses most of these itself.
 */
class SimulatorBadInputIT {
    static TestGateway gw;

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    private static final String ANTHROPIC = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],";
    private static final String OPENAI = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "/v1/messages|\"thinking\":\"x\"}|\"type\":\"invalid_request_error\"|thinking: Input should be a valid dictionary",
            "/v1/messages|\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":\"x\"}}|\"type\":\"invalid_request_error\"|budget_tokens: Input should be a valid integer",
            "/v1/messages|\"stop_sequences\":[5]}|\"type\":\"invalid_request_error\"|stop_sequences.0: Input should be a valid string",
            "/v1/messages|\"metadata\":5}|\"type\":\"invalid_request_error\"|metadata: Input should be a valid dictionary",
            "/v1/messages|\"top_k\":\"x\"}|\"type\":\"invalid_request_error\"|top_k: Input should be a valid integer",
            "/v1/messages|\"stream\":\"yes\"}|\"type\":\"invalid_request_error\"|stream: Input should be a valid boolean",
            "/v1/messages|\"tool_choice\":\"auto\"}|\"type\":\"invalid_request_error\"|tool_choice: Input should be a valid dictionary",
            "/v1/messages|\"tools\":[\"f\"]}|\"type\":\"invalid_request_error\"|tools.0: Input should be a valid dictionary",
            "/v1/messages|\"tools\":[{\"name\":\"f\",\"input_schema\":{}}],\"tool_choice\":{\"type\":\"tool\",\"name\":5}}|\"type\":\"invalid_request_error\"|tool_choice.tool.name: Input should be a valid string",
            "/v1/messages|\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":5}]}]}|\"type\":\"invalid_request_error\"|wrong type",
            "/v1/chat/completions|\"stream\":\"yes\"}|\"invalid_request_error\"|'stream'",
            "/v1/chat/completions|\"stream_options\":5,\"stream\":true}|\"invalid_request_error\"|'stream_options'",
            "/v1/chat/completions|\"tools\":[5]}|\"invalid_request_error\"|tools[0]",
            "/v1/embeddings|\"input\":5}|\"invalid_request_error\"|'$.input' is invalid",
            "/v1/embeddings|\"input\":[null]}|\"invalid_request_error\"|'$.input' is invalid",
            "/v1/embeddings|\"input\":\"a\",\"dimensions\":\"x\"}|\"invalid_request_error\"|'dimensions'",
            "/v1beta/models/gemini-2.5-flash:generateContent|\"contents\":[\"x\"]}|INVALID_ARGUMENT|contents[0]",
            "/v1beta/models/gemini-2.5-flash:generateContent|\"contents\":[{\"parts\":[5]}]}|INVALID_ARGUMENT|contents[0].parts[0]",
            "/v1beta/models/gemini-2.5-flash:generateContent|\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"tools\":[5]}|INVALID_ARGUMENT|wrong type",
    })
    void aWronglyTypedFieldIsAnswered400(String path, String fields, String errorType, String says) {
        String body = (path.startsWith("/v1/messages") ? ANTHROPIC : path.startsWith("/v1beta") ? "{" : OPENAI) + fields;
        HttpResponse<String> r = Http.post(gw.simulator.rootUrl() + path, "sk-any", body,
                "x-api-key", "sk-any", "anthropic-version", "2023-06-01", "x-goog-api-key", "any");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(errorType).contains(says);
    }
}
