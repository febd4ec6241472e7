package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployment defaults a Responses body passed through to OpenAI takes, in that API's names (ResponsesBudgetAndCostIT end to end). */
class ResponsesDefaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Deployment deployment(Integer maxTokens, Map<String, Object> params) {
        return new Deployment("a", "openai", "gpt-4o", null, null, null, null, maxTokens, Map.of(), params, Map.of(), 1);
    }

    private static ObjectNode body(String json) throws Exception { return (ObjectNode) JSON.readTree(json); }

    @Test
    void theChatNamesBecomeTheResponsesApisAndChatOnlyFieldsStayOut() throws Exception {
        Deployment d = deployment(123, Map.of("response_format", Map.of("type", "json_schema", "json_schema",
                        Map.of("name", "person", "schema", Map.of("type", "object"), "strict", true)),
                "logprobs", true, "top_logprobs", 3, "seed", 7, "stop", List.of("x"), "presence_penalty", 0.5,
                "extra_body", Map.of("service_tier", "flex")));
        ObjectNode out = ResponsesDefaults.apply(body("{\"model\":\"a\",\"input\":\"hi\"}"), d);
        assertThat(out.get("max_output_tokens").asInt()).isEqualTo(123);
        assertThat(out.get("text").get("format")).isEqualTo(body(
                "{\"type\":\"json_schema\",\"name\":\"person\",\"schema\":{\"type\":\"object\"},\"strict\":true}"));
        assertThat(out.get("include")).isEqualTo(JSON.readTree("[\"message.output_text.logprobs\"]"));
        assertThat(out.get("top_logprobs").asInt()).isEqualTo(3);
        assertThat(out.get("service_tier").asText()).isEqualTo("flex");
        assertThat(out.has("seed") || out.has("stop") || out.has("presence_penalty")).isFalse();
    }

    @Test
    void theClientsOwnValuesWinAndMaxCompletionTokensWinsOverMaxTokens() throws Exception {
        Deployment d = deployment(123, Map.of("max_completion_tokens", 456, "response_format", Map.of("type", "json_object"),
                "logprobs", true, "extra_body", Map.of("service_tier", "flex")));
        assertThat(ResponsesDefaults.apply(body("{\"input\":\"hi\"}"), d).get("max_output_tokens").asInt()).isEqualTo(456);
        ObjectNode out = ResponsesDefaults.apply(body("""
                {"input":"hi","max_output_tokens":50,"text":{"format":{"type":"text"}},"service_tier":"auto",
                 "include":["message.output_text.logprobs"]}"""), d);
        assertThat(out.get("max_output_tokens").asInt()).isEqualTo(50);
        assertThat(out.get("text").get("format").get("type").asText()).isEqualTo("text");
        assertThat(out.get("service_tier").asText()).isEqualTo("auto");
        assertThat(out.get("include")).hasSize(1);
    }

    @Test
    void aChatModelsSmallLimitIsSentAsTheLeastTheResponsesApiTakes() throws Exception {
        assertThat(ResponsesDefaults.apply(body("{\"input\":\"hi\"}"), deployment(10, Map.of())).get("max_output_tokens").asInt())
                .isEqualTo(16);
        assertThat(ResponsesDefaults.apply(body("{\"input\":\"hi\"}"), deployment(16, Map.of())).get("max_output_tokens").asInt())
                .isEqualTo(16);
        assertThat(ResponsesDefaults.apply(body("{\"input\":\"hi\"}"), deployment(17, Map.of())).get("max_output_tokens").asInt())
                .isEqualTo(17);
    }

    @Test
    void aDeploymentWithNoDefaultLeavesTheBodyAlone() {
        assertThat(ResponsesDefaults.any(deployment(null, Map.of("rpm", 10)))).isFalse();
        assertThat(ResponsesDefaults.any(deployment(20, Map.of()))).isTrue();
        assertThat(ResponsesDefaults.any(deployment(null, Map.of("user", "u")))).isTrue();
    }
}
