package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.OpenAiBuiltInTools;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAI's built-in tool fees (and Claude's searches) as charged and reserved, at LiteLLM's figures or model_info's. */
class ToolPricesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Deployment d(String provider, String model, Map<String, Object> info) {
        return new Deployment("a", provider, model, null, null, null, null, null, Map.of(), Map.of(), info, 1);
    }

    private static ChatRequest responses(String body) throws Exception {
        JsonNode b = JSON.readTree(body);
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null, null, null,
                null, null, null, false, false, Map.of(), new RawJson(RawJson.OPENAI_RESPONSES, b));
    }

    private static ChatRequest chat(Map<String, JsonNode> extra) {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null, null, null,
                null, null, null, false, false, extra);
    }

    private static Usage.Details used(int web, int file, int code) { return Usage.Details.NONE.withTools(web, file, code); }

    @Test
    void openAisDefaultsAreLiteLlmsFiguresByModelAndContextSize() {
        ToolPrices gpt4o = ToolPrices.of(d("openai", "gpt-4o", Map.of()));
        assertThat(gpt4o.searchNanos("low")).isEqualTo(30_000_000L);
        assertThat(gpt4o.searchNanos(null)).isEqualTo(35_000_000L);
        assertThat(gpt4o.searchNanos("high")).isEqualTo(50_000_000L);
        ToolPrices mini = ToolPrices.of(d("openai", "gpt-4o-mini-search-preview", Map.of()));
        assertThat(mini.searchNanos("medium")).isEqualTo(27_500_000L);
        assertThat(mini.searchModel()).isTrue();
        ToolPrices gpt5 = ToolPrices.of(d("openai", "gpt-5", Map.of()));
        assertThat(gpt5.searchNanos("high")).isEqualTo(10_000_000L);
        assertThat(gpt5.fileSearchCall()).isEqualTo(2_500_000L);
        assertThat(gpt5.codeSession()).isEqualTo(30_000_000L);
        assertThat(ToolPrices.of(d("hosted_vllm", "llama", Map.of()))).isEqualTo(ToolPrices.NONE);
        assertThat(ToolPrices.of(d("anthropic", "claude-sonnet-4-5", Map.of())).searchNanos(null)).isEqualTo(10_000_000L);
    }

    @Test
    void modelInfoWinsWithLiteLlmsKeys() {
        ToolPrices p = ToolPrices.of(d("openai", "gpt-4o", Map.of("search_context_cost_per_query",
                Map.of("search_context_size_low", 0.001, "search_context_size_medium", 0.002),
                "file_search_cost_per_1k_calls", 5.0, "code_interpreter_cost_per_session", 0.12)));
        assertThat(p.searchNanos("low")).isEqualTo(1_000_000L);
        assertThat(p.searchNanos("medium")).isEqualTo(2_000_000L);
        assertThat(p.searchNanos("high")).as("a size left out costs the medium one").isEqualTo(2_000_000L);
        assertThat(p.fileSearchCall()).as("$5 a thousand calls").isEqualTo(5_000_000L);
        assertThat(p.codeSession()).isEqualTo(120_000_000L);
        assertThat(ToolPrices.of(d("openai", "gpt-5", Map.of("search_context_cost_per_query", 0.004))).searchNanos("high"))
                .isEqualTo(4_000_000L);
    }

    @Test
    void aResponsesAnswersCallsAreChargedAtTheToolsContextSize() throws Exception {
        ToolPrices gpt4o = ToolPrices.of(d("openai", "gpt-4o", Map.of()));
        OpenAiBuiltInTools.Offered offered = OpenAiBuiltInTools.offered(responses(
                "{\"tools\":[{\"type\":\"web_search\",\"search_context_size\":\"low\"},{\"type\":\"file_search\"},{\"type\":\"code_interpreter\"}]}"));
        // two searches at low, three file searches, one container
        assertThat(gpt4o.feesNanos(used(2, 3, 1), offered)).isEqualTo(2 * 30_000_000L + 3 * 2_500_000L + 30_000_000L);
        assertThat(gpt4o.feesNanos(Usage.Details.NONE, offered)).as("no call made, no fee").isZero();
    }

    @Test
    void aRequestOfferingToolsReservesMaxToolCallsOrTen() throws Exception {
        ToolPrices gpt5 = ToolPrices.of(d("openai", "gpt-5", Map.of()));
        OpenAiBuiltInTools.Offered ten = OpenAiBuiltInTools.offered(responses("{\"tools\":[{\"type\":\"web_search_preview\"}]}"));
        assertThat(gpt5.worstNanos(0, ten)).isEqualTo(10 * 10_000_000L);
        OpenAiBuiltInTools.Offered two = OpenAiBuiltInTools.offered(responses(
                "{\"max_tool_calls\":2,\"tools\":[{\"type\":\"web_search\"},{\"type\":\"file_search\"},{\"type\":\"code_interpreter\"}]}"));
        assertThat(gpt5.worstNanos(0, two)).isEqualTo(2 * 10_000_000L + 2 * 2_500_000L + 30_000_000L);
        OpenAiBuiltInTools.Offered none = OpenAiBuiltInTools.offered(responses("{\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}"));
        assertThat(gpt5.worstNanos(0, none)).isZero();
        // another provider runs none of them (the request is refused there): nothing reserved for them
        assertThat(ToolPrices.of(d("anthropic", "claude-sonnet-4-5", Map.of())).worstNanos(0, ten)).isZero();
    }

    @Test
    void aSearchModelsChatCompletionIsOneSearchChargedAndReserved() {
        ToolPrices search = ToolPrices.of(d("openai", "gpt-4o-search-preview", Map.of()));
        OpenAiBuiltInTools.Offered high = OpenAiBuiltInTools.offered(chat(Map.of("web_search_options",
                JSON.createObjectNode().put("search_context_size", "high"))));
        assertThat(search.feesNanos(Usage.Details.NONE, high)).isEqualTo(50_000_000L);
        assertThat(search.worstNanos(0, high)).isEqualTo(50_000_000L);
        assertThat(search.feesNanos(Usage.Details.NONE, OpenAiBuiltInTools.Offered.NONE)).as("a search model searches anyway")
                .isEqualTo(35_000_000L);
        assertThat(ToolPrices.of(d("openai", "gpt-4o", Map.of())).feesNanos(Usage.Details.NONE, OpenAiBuiltInTools.Offered.NONE))
                .as("a plain chat completion").isZero();
    }
}
