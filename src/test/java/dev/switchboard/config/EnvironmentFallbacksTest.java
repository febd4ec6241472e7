package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LiteLLM's LITELLM_MASTER_KEY and DATABASE_URL, read when general_settings does not set them (QA: were ignored). */
class EnvironmentFallbacksTest {
    private static final String MODELS = """
            model_list:
              - model_name: fake-openai-endpoint
                litellm_params: { model: openai/fake, api_key: fake-key, api_base: http://127.0.0.1:4110/v1 }
            """;

    private static GatewayConfig load(Map<String, String> env, String yaml) {
        return new ConfigLoader(env::get).parse(yaml);
    }

    @Test
    void aConfigWithoutThemTakesTheMasterKeyAndDatabaseFromLiteLlmsVariables() {
        GatewayConfig c = load(Map.of("LITELLM_MASTER_KEY", "sk-master-env-0123456789",
                "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/qa_a"), MODELS);
        assertThat(c.general().masterKey().matches("sk-master-env-0123456789")).isTrue();
        assertThat(c.general().databaseUrl()).isEqualTo("postgresql://postgres@127.0.0.1:5432/qa_a");
        assertThat(c.general().sources().masterKey()).isEqualTo("LITELLM_MASTER_KEY (environment)")
                .doesNotContain("sk-master");
        assertThat(c.general().sources().databaseUrl()).isEqualTo("DATABASE_URL (environment)");
    }

    @Test
    void theConfigsOwnValuesWinAsInLiteLlm() {
        GatewayConfig c = load(Map.of("LITELLM_MASTER_KEY", "sk-master-env-0123456789", "MINE", "sk-mine-0123456789abcdef",
                "DATABASE_URL", "postgresql://env/db"), MODELS + """
                general_settings:
                  master_key: os.environ/MINE
                  database_url: postgresql://config/db
                """);
        assertThat(c.general().masterKey().matches("sk-mine-0123456789abcdef")).isTrue();
        assertThat(c.general().databaseUrl()).isEqualTo("postgresql://config/db");
        assertThat(c.general().sources().masterKey()).isEqualTo("general_settings.master_key (line 5)");
        assertThat(c.general().sources().databaseUrl()).isEqualTo("general_settings.database_url (line 6)");
    }

    @Test
    void environmentVariablesSectionFeedsThemAsLiteLlmsOsEnvironDoes() {
        GatewayConfig c = load(Map.of(), MODELS + """
                environment_variables:
                  LITELLM_MASTER_KEY: sk-from-section-0123456789
                """);
        assertThat(c.general().masterKey().matches("sk-from-section-0123456789")).isTrue();
    }

    @Test
    void withNeitherThereIsNoMasterKeyAndTheEmbeddedStore() {
        GatewayConfig c = load(Map.of(), MODELS);
        assertThat(c.general().masterKey()).isNull();
        assertThat(c.general().databaseUrl()).isNull();
        assertThat(c.general().sources()).isEqualTo(SettingSources.NONE);
    }

    @Test
    void aDatabaseUrlOfAnotherSchemeIsRefusedNamingTheVariableButNotItsValue() {
        assertThatThrownBy(() -> load(Map.of("DATABASE_URL", "mysql://root:hunter2@db/litellm"), MODELS))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("DATABASE_URL (environment") && p.contains("only PostgreSQL"))
                        .noneMatch(p -> p.contains("hunter2")));
    }

    /** LiteLLM's LITELLM_KEY_ROTATION_GRACE_PERIOD: /key/regenerate's default grace_period, checked as the request's. */
    @Test
    void theKeyRotationGracePeriodIsReadCheckedAndNoneWhenZeroOrUnset() {
        assertThat(load(Map.of("LITELLM_KEY_ROTATION_GRACE_PERIOD", " 24h "), MODELS).general().keyRotationGracePeriod()).isEqualTo("24h");
        assertThat(load(Map.of("LITELLM_KEY_ROTATION_GRACE_PERIOD", "1mo"), MODELS).general().keyRotationGracePeriod()).isEqualTo("1mo");
        assertThat(load(Map.of(), MODELS + """
                environment_variables:
                  LITELLM_KEY_ROTATION_GRACE_PERIOD: 2d
                """).general().keyRotationGracePeriod()).isEqualTo("2d");
        for (String none : new String[] {"", "  ", "0s", "0h"}) {
            assertThat(load(Map.of("LITELLM_KEY_ROTATION_GRACE_PERIOD", none), MODELS).general().keyRotationGracePeriod()).as(none).isNull();
        }
        assertThat(load(Map.of(), MODELS).general().keyRotationGracePeriod()).isNull();
        for (String bad : new String[] {"24 hours", "24", "-1h", "1y"}) {
            assertThatThrownBy(() -> load(Map.of("LITELLM_KEY_ROTATION_GRACE_PERIOD", bad), MODELS)).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("LITELLM_KEY_ROTATION_GRACE_PERIOD").hasMessageContaining("'" + bad + "' is not a duration");
        }
    }

    /**
     * LiteLLM's base variables (main.py: {@code api_base or ... get_secret("OPENAI_BASE_URL") or
     * get_secret("OPENAI_API_BASE") or "https://api.openai.com/v1"}; OLLAMA_API_BASE, OPENROUTER_API_BASE,
     * HOSTED_VLLM_API_BASE, AZURE_API_BASE likewise): a LiteLLM install whose OPENAI_API_BASE points at a company proxy
     * sent the same config's calls (and key) to api.openai.com here.
     */
    @Test
    void aDeploymentWithoutApiBaseTakesLiteLlmsBaseVariable() {
        String yaml = """
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o }
                  - model_name: own
                    litellm_params: { model: openai/gpt-4o, api_base: http://own.test/v1 }
                  - model_name: local
                    litellm_params: { model: ollama_chat/llama3.1 }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                """;
        GatewayConfig c = load(Map.of("OPENAI_API_BASE", "http://proxy.test/v1", "OLLAMA_API_BASE", "http://gpu-box:11434",
                "ANTHROPIC_API_KEY", "sk-ant-0123456789"), yaml);
        assertThat(c.deployments()).extracting(Deployment::apiBase)
                .containsExactly("http://proxy.test/v1", "http://own.test/v1", "http://gpu-box:11434", null);
        assertThat(c.deployments().getFirst().sources().get("api_base")).startsWith("environment OPENAI_API_BASE");
        // OPENAI_BASE_URL first, as LiteLLM reads them; environment_variables is read as the environment
        GatewayConfig both = load(Map.of("OPENAI_API_BASE", "http://proxy.test/v1", "ANTHROPIC_API_KEY", "sk-ant-0123456789"),
                yaml + "environment_variables:\n  OPENAI_BASE_URL: http://first.test/v1\n");
        assertThat(both.deployments().getFirst().apiBase()).isEqualTo("http://first.test/v1");

        assertThatThrownBy(() -> load(Map.of("OPENAI_API_BASE", "proxy.test", "ANTHROPIC_API_KEY", "k"), yaml))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).anyMatch(p -> p.startsWith("line 2: model_list[0].litellm_params.api_base: "
                        + "environment variable OPENAI_API_BASE ('proxy.test')")));
    }

    /** Every other entry of DeploymentReader.BASE_VARIABLES: the provider's deployment without api_base takes it. */
    @ParameterizedTest
    @CsvSource({
            "azure/my-gpt4o, AZURE_API_BASE, https://my-resource.openai.azure.com",
            "azure_ai/mistral-large, AZURE_AI_API_BASE, https://my-ai.services.ai.azure.com/models",
            "openrouter/meta-llama/llama-3-70b, OPENROUTER_API_BASE, https://or-proxy.test/api/v1",
            "hosted_vllm/qwen, HOSTED_VLLM_API_BASE, http://vllm.test:8000/v1",
            "anthropic/claude-sonnet-4-5, ANTHROPIC_API_BASE, https://claude-proxy.test",
            "anthropic/claude-sonnet-4-5, ANTHROPIC_BASE_URL, https://claude-proxy.test",
            "groq/llama-3.3-70b-versatile, GROQ_API_BASE, https://groq-proxy.test/openai/v1",
            "deepseek/deepseek-chat, DEEPSEEK_API_BASE, https://ds-proxy.test/v1",
            "together_ai/meta-llama/Llama-3-70b, TOGETHER_AI_API_BASE, https://together-proxy.test/v1",
            "fireworks_ai/accounts/fireworks/models/llama-v3, FIREWORKS_API_BASE, https://fw-proxy.test/inference/v1",
            "xai/grok-4, XAI_API_BASE, https://xai-proxy.test/v1",
            "cerebras/llama3.1-8b, CEREBRAS_API_BASE, https://cerebras-proxy.test/v1",
            "nvidia_nim/meta/llama3-70b-instruct, NVIDIA_NIM_API_BASE, https://nim.test/v1",
            "perplexity/sonar, PERPLEXITY_API_BASE, https://pplx-proxy.test",
            "codestral/codestral-latest, CODESTRAL_API_BASE, https://codestral-proxy.test/v1",
            "lm_studio/qwen2.5-7b, LM_STUDIO_API_BASE, http://studio-box:1234/v1",
    })
    void eachProvidersBaseVariableIsRead(String model, String variable, String base) {
        GatewayConfig c = load(Map.of(variable, base, "AZURE_API_KEY", "k-0123456789", "AZURE_AI_API_KEY", "k-0123456789",
                "OPENROUTER_API_KEY", "sk-or-0123456789", "ANTHROPIC_API_KEY", "sk-ant-0123456789"), "model_list:\n  - model_name: m\n    litellm_params: { model: " + model
                + ", api_version: \"2024-10-21\" }\n");
        assertThat(c.deployments().getFirst().apiBase()).isEqualTo(base);
        assertThat(c.deployments().getFirst().apiBaseVariable()).isEqualTo(variable);
    }

    /**
     * LiteLLM's order for anthropic/ ({@code main.py}: {@code get_secret("ANTHROPIC_API_BASE") or
     * get_secret("ANTHROPIC_BASE_URL")}), and the variables it reads for no chat call of a provider of ours are not taken:
     * GEMINI_API_BASE (embeddings and model lists only), COHERE_API_BASE (Cohere's own chat URL), MISTRAL_API_BASE.
     */
    @Test
    void anthropicsTwoVariablesInLiteLlmsOrderAndNoneLiteLlmsChatDoesNotRead() {
        String yaml = """
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                  - model_name: flash
                    litellm_params: { model: gemini/gemini-2.5-flash }
                  - model_name: command
                    litellm_params: { model: cohere/command-r }
                  - model_name: small
                    litellm_params: { model: mistral/mistral-small-latest }
                """;
        GatewayConfig c = load(Map.of("ANTHROPIC_API_BASE", "https://first.test", "ANTHROPIC_BASE_URL", "https://second.test",
                "ANTHROPIC_API_KEY", "sk-ant-0123456789", "GEMINI_API_KEY", "g-0123456789", "COHERE_API_KEY", "c-0123456789",
                "MISTRAL_API_KEY", "m-0123456789", "GEMINI_API_BASE", "https://gemini-proxy.test",
                "COHERE_API_BASE", "https://cohere-proxy.test/v2/chat", "MISTRAL_API_BASE", "https://mistral-proxy.test"), yaml);
        assertThat(c.deployments()).extracting(Deployment::apiBase).containsExactly("https://first.test", null, null, null);
        assertThat(c.deployments().getFirst().sources().get("api_base")).startsWith("environment ANTHROPIC_API_BASE");
        // a blank first variable is passed over, as LiteLLM's `or` does
        GatewayConfig second = load(Map.of("ANTHROPIC_API_BASE", " ", "ANTHROPIC_BASE_URL", "https://second.test",
                "ANTHROPIC_API_KEY", "sk-ant-0123456789"), "model_list:\n  - model_name: claude\n    litellm_params: { model: "
                + "anthropic/claude-sonnet-4-5 }\n");
        assertThat(second.deployments().getFirst().apiBaseVariable()).isEqualTo("ANTHROPIC_BASE_URL");
    }

    /**
     * A bare * reads every provider's variable: one malformed variable of a provider (ANTHROPIC_BASE_URL without a
     * scheme) is warned and dropped for that provider, not the entry and the config; an entry of that provider still fails.
     */
    @Test
    void aMalformedVariableOfAnotherProviderDropsOnlyThatProvidersBaseOfABareWildcard() {
        Map<String, String> env = Map.of("ANTHROPIC_BASE_URL", "localhost:4000", "OPENAI_BASE_URL", "https://proxy.corp/v1");
        GatewayConfig c = load(env, "model_list:\n  - model_name: \"*\"\n    litellm_params: { model: \"*\" }\n");
        assertThat(c.deployments()).hasSize(1);
        assertThat(c.deployments().getFirst().environmentBase("anthropic")).isNull();
        assertThat(c.deployments().getFirst().environmentBase("openai")).containsExactly("OPENAI_BASE_URL", "https://proxy.corp/v1");
        assertThat(c.warnings()).filteredOn(w -> w.contains("ANTHROPIC_BASE_URL")).singleElement().asString()
                .startsWith("line 2: model_list[0].litellm_params.api_base: environment variable ANTHROPIC_BASE_URL ('localhost:4000') is not an http(s) URL")
                .contains("anthropic/ requests go to the provider's own address");
        assertThatThrownBy(() -> load(env, "model_list:\n  - model_name: c\n    litellm_params: { model: anthropic/claude-sonnet-4-5, api_key: sk-ant-0123456789 }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ANTHROPIC_BASE_URL ('localhost:4000')");
    }

    /**
     * MISTRAL_AZURE_API_BASE is read for a mistral/ entry without api_base, as LiteLLM's
     * MistralConfig._get_openai_compatible_provider_info does (api_base or MISTRAL_AZURE_API_BASE or Mistral's own);
     * the entry's own api_base wins, another provider's entry never takes it. Before 2026-12-07 it was warned of only.
     */
    @Test
    void mistralsAzureBaseIsReadForMistralEntriesWithoutApiBase() {
        Map<String, String> env = Map.of("MISTRAL_AZURE_API_BASE", "https://my-mistral.eastus.models.ai.azure.com", "MISTRAL_API_KEY", "m-0123456789");
        GatewayConfig c = load(env, """
                model_list:
                  - model_name: small
                    litellm_params: { model: mistral/mistral-small-latest }
                  - model_name: own
                    litellm_params: { model: mistral/mistral-large-latest, api_base: "https://mistral-proxy.test/v1" }
                  - model_name: fast
                    litellm_params: { model: groq/llama-3.3-70b-versatile, api_key: gsk-0123456789 }
                """);
        assertThat(c.deployments().get(0).apiBase()).isEqualTo("https://my-mistral.eastus.models.ai.azure.com");
        assertThat(c.deployments().get(0).sources().get("api_base")).contains("MISTRAL_AZURE_API_BASE");
        assertThat(c.deployments().get(1).apiBase()).isEqualTo("https://mistral-proxy.test/v1");
        assertThat(c.deployments().get(2).apiBase()).isNull();
        assertThat(c.warnings()).noneMatch(w -> w.contains("MISTRAL_AZURE_API_BASE"));
        assertThat(load(Map.of("MISTRAL_API_KEY", "m-0123456789"), "model_list:\n  - model_name: s\n    litellm_params: { model: mistral/m }\n")
                .deployments().getFirst().apiBase()).isNull();
    }

    /**
     * GEMINI_API_BASE is LiteLLM's base for Gemini embeddings ({@code api_base or litellm.api_base or GEMINI_API_BASE}), not
     * for chat: taken by a gemini/ entry whose model_info.mode is embedding only.
     */
    @Test
    void geminisBaseVariableIsTakenByAnEmbeddingDeploymentOnly() {
        GatewayConfig c = load(Map.of("GEMINI_API_BASE", "https://gemini-proxy.test", "GEMINI_API_KEY", "g-0123456789"), """
                model_list:
                  - model_name: emb
                    litellm_params: { model: gemini/gemini-embedding-001 }
                    model_info: { mode: embedding }
                  - model_name: flash
                    litellm_params: { model: gemini/gemini-2.5-flash }
                  - model_name: "*"
                    litellm_params: { model: "*" }
                """);
        assertThat(c.deployments()).extracting(Deployment::apiBase).containsExactly("https://gemini-proxy.test", null, null);
        assertThat(c.deployments().getFirst().apiBaseVariable()).isEqualTo("GEMINI_API_BASE");
        assertThat(c.deployments().get(2).environmentBase("gemini")).isNull();
    }
}
