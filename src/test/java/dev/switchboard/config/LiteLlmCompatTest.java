package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LiteLLM's reading of a config: YAML 1.1 as PyYAML reads it, the key table, provider inference. */
class LiteLlmCompatTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test-abcdefghijklmnop",
            "AZURE_KEY", "az-key-0123456789")::get);

    private static ConfigException refused(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("the config loaded");
    }

    @Test
    void mergeKeysBringTheAnchorsValuesAndAnEntryOverridesThem() {
        GatewayConfig c = loader.parse("""
                common: &common
                  api_key: os.environ/OPENAI_API_KEY
                  api_base: https://example.test/v1
                  timeout: 20_000
                model_list:
                  - model_name: a
                    litellm_params:
                      <<: *common
                      model: openai/gpt-4o
                  - model_name: b
                    litellm_params:
                      <<: *common
                      model: openai/gpt-4o-mini
                      api_base: https://other.test/v1
                      timeout: 30
                """);
        Deployment a = c.deployments().get(0), b = c.deployments().get(1);
        assertThat(a.apiKey().reveal()).isEqualTo("sk-test-abcdefghijklmnop");
        assertThat(a.apiBase()).isEqualTo("https://example.test/v1");
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(20_000));
        assertThat(a.sources().get("api_base")).isEqualTo("line 3, merged by << at line 8");
        assertThat(b.apiBase()).isEqualTo("https://other.test/v1");
        assertThat(b.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.sources().get("api_base")).isEqualTo("line 14");
        assertThat(c.warnings()).noneMatch(w -> w.contains("<<"));
    }

    @Test
    void mergeOfAListOfAnchorsTakesTheFirstAnchorsValue() {
        GatewayConfig c = loader.parse("""
                x: &x {rpm: 10}
                y: &y {rpm: 20, tpm: 1_000}
                model_list:
                  - model_name: a
                    litellm_params:
                      model: mock/a
                      <<: [*x, *y]
                """);
        assertThat(c.deployments().get(0).params()).containsEntry("rpm", 10.0).containsEntry("tpm", 1000.0);
    }

    @Test
    void yaml11NumbersAndBooleansReadAsPyYamlReadsThem() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: mock/a, tpm: 20_000, rpm: 0x10, temperature: 0.5}
                router_settings:
                  prompt_cache_affinity: off
                  disable_cooldowns: yes
                litellm_settings:
                  cache: no
                """);
        assertThat(c.deployments().get(0).params()).containsEntry("tpm", 20000.0).containsEntry("rpm", 16.0);
        assertThat(c.routerSettings()).containsEntry("prompt_cache_affinity", false).containsEntry("disable_cooldowns", true);
        assertThat(c.litellmSettings()).containsEntry("cache", false);
    }

    @Test
    void anErrorInAMergedValueNamesBothLines() {
        ConfigException e = refused(() -> loader.parse("""
                common: &common
                  timeout: soon
                model_list:
                  - model_name: a
                    litellm_params:
                      <<: *common
                      model: mock/a
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 2, merged by << at line 6: model_list[0].litellm_params.timeout: expected a number"));
    }

    /** QA F9: every reuse of an anchor named the first entry's <<; each entry's problem names its own. */
    @Test
    void eachReuseOfAnAnchorNamesItsOwnMergeKey() {
        ConfigException e = refused(() -> loader.parse("""
                x-defaults: &d
                  timeout: nope
                model_list:
                  - model_name: a
                    litellm_params:
                      model: mock/a
                      <<: *d
                  - model_name: b
                    litellm_params:
                      model: mock/b
                      <<: *d
                  - model_name: c
                    litellm_params: { model: mock/c, <<: *d }
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 2, merged by << at line 7: model_list[0].litellm_params.timeout"))
                .anyMatch(p -> p.startsWith("line 2, merged by << at line 11: model_list[1].litellm_params.timeout"))
                .anyMatch(p -> p.startsWith("line 2, merged by << at line 13: model_list[2].litellm_params.timeout"));
        GatewayConfig ok = loader.parse("""
                x-defaults: &d { timeout: 5 }
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/a, <<: *d }
                  - model_name: b
                    litellm_params: { model: mock/b, <<: *d }
                """);
        assertThat(ok.deployments().get(1).sources().get("timeout")).isEqualTo("line 1, merged by << at line 6");
    }

    @Test
    void anEnvironmentReferenceWithoutANameSaysSo() {
        ConfigException e = refused(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o, api_key: os.environ/}
                """));
        assertThat(e.problems()).containsExactly("line 3: model_list[0].litellm_params.api_key: 'os.environ/' names no environment "
                + "variable. Fix: write os.environ/VARIABLE_NAME, e.g. os.environ/OPENAI_API_KEY, or remove model_list[0].litellm_params.api_key.");
    }

    @Test
    void providersAreInferredAsLiteLlmInfersThem() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: claude-sonnet-4-5}
                  - model_name: b
                    litellm_params: {model: us.anthropic.claude-sonnet-4-5-20250929-v1:0}
                  - model_name: c
                    litellm_params: {model: my-sonnet, custom_llm_provider: anthropic}
                  - model_name: d
                    litellm_params: {model: some-model}
                    model_info: {litellm_provider: bedrock_converse}
                  - model_name: e
                    litellm_params: {model: gpt-4o}
                  - model_name: f
                    litellm_params: {model: o3-mini}
                  - model_name: g
                    litellm_params: {model: anthropic/claude-3-haiku, custom_llm_provider: anthropic}
                  - model_name: h
                    litellm_params: {model: meta.llama3-1-70b-instruct-v1:0}
                  - model_name: i
                    litellm_params: {model: gemini-2.5-flash}
                """);
        assertThat(c.deployments()).extracting(Deployment::id).containsExactly(
                "anthropic/claude-sonnet-4-5", "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic/my-sonnet",
                "bedrock/some-model", "openai/gpt-4o", "openai/o3-mini", "anthropic/claude-3-haiku",
                "bedrock/meta.llama3-1-70b-instruct-v1:0", "vertex_ai/gemini-2.5-flash");
        assertThat(c.deployments().get(2).sources().get("provider")).isEqualTo("litellm_params.custom_llm_provider, line 7");
        assertThat(c.deployments().get(0).sources().get("provider")).startsWith("the model family (anthropic");
    }

    @Test
    void aBareNameOfNoKnownFamilyIsRefusedNotSentToOpenAi() {
        ConfigException e = refused(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: my-local-model, api_base: http://localhost:8000/v1}
                """));
        assertThat(e.problems()).singleElement().asString().startsWith("line 3: model_list[0].litellm_params.model: cannot tell the "
                + "provider of 'my-local-model'").contains("openai/my-local-model");
    }

    @Test
    void requestParametersAndPricesInLitellmParamsAreKept() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: openai/gpt-4o
                      temperature: 0.2
                      stop: ["END"]
                      reasoning_effort: low
                      thinking: {type: enabled, budget_tokens: 1024}
                      input_cost_per_token: 0.000001
                      output_cost_per_token: 0.000002
                      organization: org-123
                    model_info: {input_cost_per_token: 0.5}
                """);
        Deployment d = c.deployments().get(0);
        assertThat(d.params()).containsEntry("temperature", 0.2).containsEntry("reasoning_effort", "low")
                .containsEntry("stop", java.util.List.of("END")).containsKey("thinking");
        assertThat(d.modelInfo()).containsEntry("input_cost_per_token", 0.000001).containsEntry("output_cost_per_token", 0.000002);
        assertThat(d.headers()).containsEntry("OpenAI-Organization", "org-123");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void notSupportedKeysAreOneWarningEachAndRefusedKeysStopTheLoad() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o, drop_params: true, api_version: "2024-02-01", max_retries: 3}
                    model_info: {mode: chat, description: first}
                  - model_name: b
                    litellm_params: {model: anthropic/claude-3-haiku, organization: org-1}
                    model_info: {mode: chat, description: second}
                litellm_settings:
                  success_callback: [langfuse]
                  allowed_fails: 2
                """);
        assertThat(c.warnings()).contains(
                "lines 4, 7: model_info.description: not supported, ignored: informational in LiteLLM (/model/info); not used.",
                "line 6: model_list[1].litellm_params.organization: not used: organization is sent only to openai/ deployments, this one is anthropic/.")
                .anyMatch(w -> w.startsWith("line 3: model_list[0].litellm_params.api_version: not used: api_version is read by [azure"))
                .noneMatch(w -> w.contains("max_retries"))
                .noneMatch(w -> w.contains("model_info.mode")) // read by the health checks (GET /health)
                .noneMatch(w -> w.contains("drop_params"))
                .anyMatch(w -> w.startsWith("line 9: litellm_settings.success_callback: not supported"));
        assertThat(c.litellmSettings()).containsEntry("allowed_fails", 2L);
        assertThat(c.deployments().get(0).params()).as("max_retries is applied (route.DeploymentRetries)").containsEntry("max_retries", 3.0);
        assertThat(c.deployments().get(0).dropParams()).as("drop_params is applied (route.DeploymentParams)").isTrue();

        ConfigException e = refused(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o, litellm_credential_name: default_azure}
                general_settings:
                  allowed_ips: [10.0.0.1]
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 3: model_list[0].litellm_params.litellm_credential_name: 'default_azure' "
                        + "is not a credential_name of credential_list"))
                .anyMatch(p -> p.startsWith("line 5: general_settings.allowed_ips: not supported: IP allow-lists"));
    }

    @Test
    void aNamedCredentialFillsKeyAndBaseAndACacheLiteLlmHasBecomesOursWithAWarning() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o, litellm_credential_name: shared}
                credential_list:
                  - credential_name: shared
                    credential_values: {api_key: os.environ/OPENAI_API_KEY, api_base: "https://example.test/v1"}
                    credential_info: {description: team}
                litellm_settings:
                  cache: true
                  cache_params: {type: disk, ttl: 60}
                """);
        Deployment d = c.deployments().get(0);
        assertThat(d.apiKey().reveal()).isEqualTo("sk-test-abcdefghijklmnop");
        assertThat(d.apiBase()).isEqualTo("https://example.test/v1");
        assertThat(d.sources().get("api_base")).isEqualTo("credential_list 'shared' (line 6)");
        assertThat(c.litellmSettings().get("cache_params")).isEqualTo(Map.of("type", "local", "ttl", 60L));
        assertThat(c.warnings()).anyMatch(w -> w.startsWith("line 10: litellm_settings.cache_params.type: 'disk' is not a cache Switchboard has"));
    }

    @Test
    void defaultLitellmParamsFillWhatAnEntryLeavesOut() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: mock/a}
                  - model_name: b
                    litellm_params: {model: mock/b, temperature: 0.9}
                router_settings:
                  default_litellm_params: {temperature: 0.1, timeout: 5}
                  default_fallbacks: [b]
                """);
        assertThat(c.deployments().get(0).params()).containsEntry("temperature", 0.1);
        assertThat(c.deployments().get(0).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.deployments().get(0).sources().get("temperature")).isEqualTo("router_settings.default_litellm_params (line 7)");
        assertThat(c.deployments().get(1).params()).containsEntry("temperature", 0.9);
        assertThat(dev.switchboard.route.RouterSettings.from(c).fallbacksFor(dev.switchboard.route.FallbackReason.ERROR, "a"))
                .containsExactly("b");
    }

    private static final String JWT_MODEL = """
            model_list:
              - model_name: gpt
                litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY }
            general_settings:
              enable_jwt_auth: true
            """;

    @Test
    void jwtAuthReadsLiteLlmsEnvironmentOrItsOwnKeysAndRefusesWhatItCannotEnforce() {
        ConfigLoader withEnv = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test-abcdefghijklmnop",
                "JWT_PUBLIC_KEY_URL", "https://a.test/jwks, https://b.test/.well-known/openid-configuration",
                "JWT_AUDIENCE", "api://gw")::get);
        Map<String, Object> jwt = withEnv.parse(JWT_MODEL).general().jwtAuth();
        @SuppressWarnings("unchecked") Map<String, Object> global = (Map<String, Object>) jwt.get("global");
        assertThat(global.get("jwks_urls")).isEqualTo(java.util.List.of("https://a.test/jwks", "https://b.test/.well-known/openid-configuration"));
        assertThat(global.get("audiences")).isEqualTo(java.util.List.of("api://gw"));
        assertThat(global.get("issuer")).isNull();

        // no keys anywhere: refused with the fix
        assertThat(refused(() -> loader.parse(JWT_MODEL)).getMessage()).contains("JWT_PUBLIC_KEY_URL");
        // the keys of litellm_jwtauth win; per-issuer entries default to the issuer's discovery document
        Map<String, Object> own = withEnv.parse(JWT_MODEL + """
                  litellm_jwtauth:
                    public_key_url: https://idp.test/keys
                    issuers:
                      - issuer: https://kc.test/realms/r
                        audience: gw
                        team_id_jwt_field: azp
                """).general().jwtAuth();
        @SuppressWarnings("unchecked") Map<String, Object> first = ((java.util.List<Map<String, Object>>) own.get("issuers")).get(0);
        assertThat(first.get("jwks_urls")).isEqualTo(java.util.List.of("https://kc.test/realms/r/.well-known/openid-configuration"));
        assertThat(first.get("team_id_jwt_field")).isEqualTo("azp");
        assertThat(((Map<?, ?>) own.get("global")).get("jwks_urls")).isEqualTo(java.util.List.of("https://idp.test/keys"));

        // refused keys and wrong values name themselves; warned ones load
        String routes = refused(() -> withEnv.parse(JWT_MODEL + """
                  litellm_jwtauth:
                    admin_allowed_routes: ["/v1/embeddings"]
                    role_mappings: [{role: a, internal_role: superuser}]
                """)).getMessage();
        assertThat(routes).contains("general_settings.litellm_jwtauth.admin_allowed_routes: not supported: route lists")
                .contains("'superuser' is not one of LiteLLM's roles");
        GatewayConfig warned = withEnv.parse(JWT_MODEL + """
                  litellm_jwtauth:
                    sync_user_role_and_teams: true
                """);
        assertThat(warned.warnings()).anyMatch(w -> w.contains("litellm_jwtauth.sync_user_role_and_teams: not supported"));
        // without enable_jwt_auth the block is not read, as in LiteLLM
        GatewayConfig off = loader.parse(JWT_MODEL.replace("enable_jwt_auth: true", "enable_jwt_auth: false") + """
                  litellm_jwtauth:
                    user_id_jwt_field: sub
                """);
        assertThat(off.general().jwtAuthEnabled()).isFalse();
    }

    @Test
    void litellmsOtelCallbackIsAppliedAndEveryOtherCallbackIsOneWarningNamingWhatToUseInstead() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o}
                litellm_settings:
                  callbacks: ["otel", "prometheus"]
                  success_callback: [langfuse, my_hooks.handler_instance]
                  failure_callback: "langfuse"
                """);
        assertThat(LiteLlmCallbacks.otel(c.litellmSettings())).isTrue();
        assertThat(c.warnings()).noneMatch(w -> w.contains("'otel'"))
                .anyMatch(w -> w.startsWith("line 5: litellm_settings.callbacks: not supported, ignored: callback 'prometheus'")
                        && w.contains("GET /metrics"))
                .anyMatch(w -> w.startsWith("line 6: litellm_settings.success_callback: not supported, ignored: callback 'langfuse'")
                        && w.contains("Langfuse recipe"))
                .anyMatch(w -> w.contains("callback 'my_hooks.handler_instance'") && w.contains("no Python callbacks"))
                .anyMatch(w -> w.startsWith("line 7: litellm_settings.failure_callback: not applied: LiteLLM takes a list"));
        // success_callback alone, or failure_callback, names otel as well as callbacks does
        assertThat(LiteLlmCallbacks.otel(Map.of("success_callback", java.util.List.of("otel")))).isTrue();
        assertThat(LiteLlmCallbacks.otel(Map.of("callbacks", java.util.List.of("langfuse")))).isFalse();
    }

    /**
     * QA F5: LiteLLM's request checks named as callbacks (secret masking, prompt injection, PII, moderation) were warned
     * with tracing advice and dropped, so prompts reached providers unchecked: refused, naming the guardrail to write.
     */
    @Test
    void aCallbackThatChecksRequestsIsRefusedNamingTheGuardrailToWrite() {
        ConfigException e = refused(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/a }
                litellm_settings:
                  callbacks: ["lakera_prompt_injection", "presidio", "otel", "langfuse"]
                  success_callback: [hide_secrets, detect_prompt_injection]
                """));
        assertThat(e.problems()).hasSize(4)
                .anyMatch(p -> p.startsWith("line 5: litellm_settings.callbacks: not supported: callback 'lakera_prompt_injection' "
                        + "is a request check") && p.contains("guardrail: lakera_v2") && p.contains("unchecked"))
                .anyMatch(p -> p.contains("callback 'presidio'") && p.contains("guardrail: bedrock"))
                .anyMatch(p -> p.startsWith("line 6: litellm_settings.success_callback: not supported: callback 'hide_secrets'"))
                .anyMatch(p -> p.contains("callback 'detect_prompt_injection'"))
                .noneMatch(p -> p.contains("OTLP"));
    }

    /** QA F13: LiteLLM's model_info takes keys of one's own (shown by /model/info); a misspelt price stays a warning. */
    @Test
    void modelInfoKeepsCustomMetadataButWarnsAMisspeltPrice() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/a }
                    model_info: { my_custom_key: my_custom_value, owner: team-a, input_cost_per_tokens: 0.001 }
                """);
        assertThat(c.deployments().get(0).modelInfo()).containsEntry("my_custom_key", "my_custom_value")
                .containsEntry("owner", "team-a").doesNotContainKey("input_cost_per_tokens");
        assertThat(c.warnings()).singleElement().asString()
                .startsWith("line 4: model_list[0].model_info.input_cost_per_tokens: unknown key");
    }

    @Test
    void everyKeyOfTheTableIsInTheReadmeWithItsState() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        for (KeyRule r : LiteLlmKeys.all()) {
            String state = switch (r.state()) { case APPLIED -> "applied"; case WARNED -> "warned"; case REFUSED -> "refused"; };
            assertThat(readme).as(r.section() + "." + r.key())
                    .containsPattern("\\| `" + r.section() + "` \\| [^\\n]*`" + java.util.regex.Pattern.quote(r.key()) + "`[^\\n]*\\| " + state + " \\|");
        }
    }
}
