package dev.switchboard.provider.openai;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The long tail of OpenAI-compatible services LiteLLM configs name, one row each (issue #14): default base URL, the
 * key variables LiteLLM reads (in its order), and what the service refuses. Every row sends the output limit as
 * {@code max_tokens} (none of them takes OpenAI's newer {@code max_completion_tokens}; Mistral answers it with a 422),
 * which {@link OpenAiFlavor#keepsOutputFieldName} false already does. The README's provider table mirrors this one.
 */
public final class LongTailFlavors {
    private LongTailFlavors() {}

    static final Map<String, OpenAiFlavor> ALL = Stream.of(
            // Hugging Face's router (inference providers); model ids as "org/model" or "org/model:provider"
            OpenAiFlavor.of("huggingface", "https://router.huggingface.co/v1", "HF_TOKEN", "HUGGINGFACE_API_KEY"),
            // Mistral forbids extra fields (pydantic extra_forbidden, 422): stream_options among them (usage comes in
            // the last chunk unasked), seed (its name is random_seed) and user; its tool-call ids are 9 characters. LiteLLM's
            // MistralConfig._get_openai_compatible_provider_info: the key api_key or MISTRAL_AZURE_API_KEY (Mistral on Azure
            // AI) or MISTRAL_API_KEY, and /v1 added to any base without it (the base: api_base or MISTRAL_AZURE_API_BASE,
            // config.DeploymentReader#BASE_VARIABLES)
            OpenAiFlavor.of("mistral", "https://api.mistral.ai/v1", "MISTRAL_AZURE_API_KEY", "MISTRAL_API_KEY").withoutStreamOptions()
                    .withWire(WireRules.MISTRAL).addingV1(),
            OpenAiFlavor.of("mistralai", "https://api.mistral.ai/v1", "MISTRAL_AZURE_API_KEY", "MISTRAL_API_KEY").withoutStreamOptions()
                    .withWire(WireRules.MISTRAL).addingV1(),
            OpenAiFlavor.of("codestral", "https://codestral.mistral.ai/v1", "CODESTRAL_API_KEY").withoutStreamOptions()
                    .withWire(WireRules.MISTRAL),
            // Cohere's Compatibility API; its documented unsupported parameters are refused, not dropped
            OpenAiFlavor.of("cohere", "https://api.cohere.ai/compatibility/v1", "COHERE_API_KEY", "CO_API_KEY")
                    .refusing("parallel_tool_calls", "n", "logit_bias", "top_logprobs", "modalities", "audio", "prediction",
                            "service_tier", "store"),
            OpenAiFlavor.of("xinference", "http://127.0.0.1:9997/v1", "XINFERENCE_API_KEY"),
            OpenAiFlavor.of("siliconflow", "https://api.siliconflow.com/v1", "SILICONFLOW_API_KEY"),
            // Zhipu's GLM API (open.bigmodel.cn, v4): tool_choice takes "auto" only
            OpenAiFlavor.of("zhipu", "https://open.bigmodel.cn/api/paas/v4", "ZHIPUAI_API_KEY", "ZHIPU_API_KEY").autoToolChoiceOnly(),
            // LiteLLM's order (fireworks_ai/chat/transformation.py): FIREWORKS_API_KEY first
            OpenAiFlavor.of("fireworks_ai", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY",
                    "FIREWORKSAI_API_KEY", "FIREWORKS_AI_TOKEN"),
            // Perplexity's Sonar API has no function calling; its path has no /v1
            OpenAiFlavor.of("perplexity", "https://api.perplexity.ai", "PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY")
                    .refusing("tools", "tool_choice", "parallel_tool_calls"),
            OpenAiFlavor.of("xai", "https://api.x.ai/v1", "XAI_API_KEY"),
            OpenAiFlavor.of("cerebras", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY"),
            OpenAiFlavor.of("nvidia_nim", "https://integrate.api.nvidia.com/v1", "NVIDIA_NIM_API_KEY"),
            OpenAiFlavor.of("lm_studio", "http://localhost:1234/v1", "LM_STUDIO_API_KEY"))
            .collect(Collectors.toUnmodifiableMap(OpenAiFlavor::prefix, f -> f));

    /** The factory serving every row, for {@code ProviderRegistry.standard()}. */
    public static OpenAiCompatibleFactory factory() { return new OpenAiCompatibleFactory(ALL); }
}
