package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.*;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the long-tail quirks table ({@code provider/openai/LongTailFlavors}) through the conformance suite, against
 * the simulator playing that service ({@code /quirks/<prefix>/v1}: Mistral's 422 on stream_options and
 * max_completion_tokens, Perplexity without tools, Zhipu's tool_choice "auto" only, Cohere's unsupported parameters).
 * The key comes from the variable LiteLLM reads, not from the config, so each row's variable is checked too.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("rows")
class LongTailConformanceIT extends ProviderConformanceIT {
    /** A user's price for services the bundled catalog does not price (self-hosted, or no public source). */
    private static final String[] OWN_PRICE = {"input_cost_per_token: 0.0000002", "output_cost_per_token: 0.0000006"};

    record Row(String model, String keyEnv, boolean catalogPriced, Set<Capability> caps) {
        @Override
        public String toString() { return model; }
    }

    @Parameter
    Row row;

    static List<Row> rows() {
        Set<Capability> all = EnumSet.of(STREAMING, TOOLS, FORCED_TOOL_CHOICE, IMAGES, UPSTREAM_ERRORS);
        Set<Capability> noForcedTools = EnumSet.of(STREAMING, TOOLS, IMAGES, UPSTREAM_ERRORS);
        Set<Capability> noTools = EnumSet.of(STREAMING, IMAGES, UPSTREAM_ERRORS);
        return List.of(
                new Row("huggingface/meta-llama/Llama-3.3-70B-Instruct", "HF_TOKEN", false, all),
                new Row("mistral/mistral-small-latest", "MISTRAL_API_KEY", true, all),
                new Row("mistralai/mistral-large-latest", "MISTRAL_API_KEY", true, all),
                new Row("codestral/codestral-latest", "CODESTRAL_API_KEY", true, all),
                new Row("cohere/command-a-03-2025", "COHERE_API_KEY", true, all),
                new Row("xinference/qwen2.5-instruct", "XINFERENCE_API_KEY", false, all),
                new Row("siliconflow/deepseek-ai/DeepSeek-V3", "SILICONFLOW_API_KEY", false, all),
                new Row("zhipu/glm-4-plus", "ZHIPUAI_API_KEY", true, noForcedTools),
                new Row("fireworks_ai/accounts/fireworks/models/deepseek-v3p2", "FIREWORKS_AI_API_KEY", true, all),
                new Row("perplexity/sonar-pro", "PERPLEXITYAI_API_KEY", true, noTools),
                new Row("xai/grok-3-mini", "XAI_API_KEY", true, all),
                new Row("cerebras/llama-3.3-70b", "CEREBRAS_API_KEY", true, all),
                new Row("nvidia_nim/meta/llama-3.1-8b-instruct", "NVIDIA_NIM_API_KEY", false, all),
                new Row("lm_studio/qwen2.5-7b-instruct", "LM_STUDIO_API_KEY", false, all));
    }

    @Override
    protected ConformanceSubject subject() {
        String prefix = row.model().substring(0, row.model().indexOf('/'));
        // no word of the prompts or model names in it: the key scrubber masks any 8-character run of a key
        String key = "sk-" + Integer.toHexString(prefix.hashCode()) + "f0e1d2c3b4a59687";
        ConformanceSubject s = ConformanceSubject.of(row.model(), "api_base: ${SIM_ROOT}/quirks/" + prefix + "/v1")
                .key(key).env(Map.of(row.keyEnv(), key)).can(row.caps().toArray(Capability[]::new));
        return row.catalogPriced() ? s : s.modelInfo(OWN_PRICE);
    }

    @AfterParameterizedClassInvocation
    void closeThisRow() { closeGateway(); }
}
