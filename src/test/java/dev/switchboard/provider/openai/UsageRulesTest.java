package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each service's usage convention as its decoder reads it, and OpenAI's unchanged for every other service. */
class UsageRulesTest {
    private static ChatResponse answer(String prefix, String usage) throws Exception {
        String json = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":" + usage + "}";
        return new OpenAiChatDecoder("m", UsageRules.of(prefix)).response(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void xaiReasoningOutsideTheCompletionIsAddedToIt() throws Exception {
        String outside = "{\"prompt_tokens\":23,\"completion_tokens\":7,\"total_tokens\":41,\"completion_tokens_details\":{\"reasoning_tokens\":11}}";
        assertThat(answer("xai", outside).usage().completionTokens()).isEqualTo(18);
        assertThat(answer("xai", outside).usage().reasoningTokens()).isEqualTo(11);
        // no total: xAI's documented convention
        assertThat(answer("xai", "{\"prompt_tokens\":23,\"completion_tokens\":7,\"completion_tokens_details\":{\"reasoning_tokens\":11}}")
                .usage().completionTokens()).isEqualTo(18);
        // total = prompt + completion: the reasoning is inside already
        assertThat(answer("xai", "{\"prompt_tokens\":23,\"completion_tokens\":18,\"total_tokens\":41,\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":11}}").usage().completionTokens()).isEqualTo(18);
        // OpenAI's reading for everyone else, on its byte scan (the answer is relayed as sent)
        ChatResponse openai = answer("deepseek", outside);
        assertThat(openai.usage().completionTokens()).isEqualTo(7);
        assertThat(openai.relayed()).isNotNull();
    }

    @Test
    void openRouterCostIsTheBillAndByokAddsTheUpstreamCharge() throws Exception {
        Usage u = answer("openrouter", "{\"prompt_tokens\":2,\"completion_tokens\":1,\"cost\":0.0042,\"is_byok\":false,"
                + "\"cost_details\":{\"upstream_inference_cost\":0.0042}}").usage();
        assertThat(u.billedUsd()).isEqualTo(0.0042);
        assertThat(u.fields().get("is_byok").asBoolean()).isFalse();
        assertThat(u.fields().has("cost_details")).isTrue();
        Usage byok = answer("openrouter", "{\"prompt_tokens\":2,\"completion_tokens\":1,\"cost\":0.0002,\"is_byok\":true,"
                + "\"cost_details\":{\"upstream_inference_cost\":0.004}}").usage();
        assertThat(byok.billedUsd()).isEqualTo(0.0042, org.assertj.core.data.Offset.offset(1e-12));
        // no cost (a request that did not ask for usage accounting): priced by the catalog as before
        assertThat(answer("openrouter", "{\"prompt_tokens\":2,\"completion_tokens\":1}").usage().billedUsd()).isNull();
    }

    @Test
    void perplexityTotalCostIsTheBillAndItsMembersAreKept() throws Exception {
        Usage u = answer("perplexity", "{\"prompt_tokens\":23,\"completion_tokens\":7,\"total_tokens\":30,\"search_context_size\":\"low\","
                + "\"citation_tokens\":120,\"num_search_queries\":1,\"cost\":{\"input_tokens_cost\":0.00002,\"output_tokens_cost\":0.00001,"
                + "\"request_cost\":0.005,\"total_cost\":0.00503}}").usage();
        assertThat(u.billedUsd()).isEqualTo(0.00503);
        assertThat(u.fields().get("search_context_size").asText()).isEqualTo("low");
        assertThat(u.fields().get("cost").get("request_cost").asDouble()).isEqualTo(0.005);
        // another service's cost member is not a bill the gateway trusts
        assertThat(answer("together_ai", "{\"prompt_tokens\":2,\"completion_tokens\":1,\"cost\":9.0}").usage().billedUsd()).isNull();
        assertThat(new UsageRules(false, true, false).billed(null)).isNull();
    }

    @Test
    void groqStreamUsageInXGroqCountsUnlessATopLevelOneCame() throws Exception {
        OpenAiChatDecoder groq = new OpenAiChatDecoder("m", UsageRules.of("groq"));
        String finish = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"prompt_tokens\":23,"
                + "\"completion_tokens\":7,\"total_tokens\":30,\"queue_time\":0.01}}}";
        ChatChunk c = groq.chunk(finish.getBytes(StandardCharsets.UTF_8));
        assertThat(c.usage().promptTokens()).isEqualTo(23);
        assertThat(c.usage().completionTokens()).isEqualTo(7);
        assertThat(c.extra().get("x_groq").get("id").asText()).isEqualTo("req_1"); // Groq's field still reaches the client
        String both = finish.replace("\"x_groq\"", "\"usage\":{\"prompt_tokens\":23,\"completion_tokens\":9},\"x_groq\"");
        assertThat(groq.chunk(both.getBytes(StandardCharsets.UTF_8)).usage().completionTokens()).isEqualTo(9);
        // not Groq: x_groq is only a field
        assertThat(new OpenAiChatDecoder("m").chunk(finish.getBytes(StandardCharsets.UTF_8)).usage()).isNull();
    }

    @Test
    void onlyTheNamedServicesDepartFromOpenAi() {
        for (String p : new String[] {"openai", "deepseek", "mistral", "together_ai", "ollama", "hosted_vllm"}) {
            assertThat(UsageRules.of(p).plain()).as(p).isTrue();
        }
        for (String p : new String[] {"xai", "openrouter", "perplexity", "groq"}) assertThat(UsageRules.of(p).plain()).as(p).isFalse();
    }
}
