package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test-abcdefghijklmnop",
            "BASE", "http://127.0.0.1:9999/v1", "MASTER", "sk-master-1234567890")::get);

    @Test
    void readsTheLiteLlmShape() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: smart
                    litellm_params:
                      model: openai/gpt-4o
                      api_key: os.environ/OPENAI_API_KEY
                      api_base: os.environ/BASE
                      timeout: 30
                      stream_timeout: 5.5
                      max_tokens: 1024
                      extra_headers: { X-Team: blue }
                      rpm: 500
                    model_info: { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 }
                  - model_name: smart
                    litellm_params: { model: ollama/llama3.1 }
                  - model_name: plain
                    litellm_params: { model: gpt-4o-mini }
                general_settings:
                  master_key: os.environ/MASTER
                  max_request_size_mb: 2
                router_settings: { num_retries: 2 }
                """);
        assertThat(c.deployments()).hasSize(3);
        Deployment d = c.deployments().get(0);
        assertThat(d.alias()).isEqualTo("smart");
        assertThat(d.provider()).isEqualTo("openai");
        assertThat(d.model()).isEqualTo("gpt-4o");
        assertThat(d.apiKey().reveal()).isEqualTo("sk-test-abcdefghijklmnop");
        assertThat(d.apiKey().toString()).isEqualTo("****mnop").doesNotContain("sk-test");
        assertThat(d.apiBase()).isEqualTo("http://127.0.0.1:9999/v1");
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.streamTimeout()).isEqualTo(Duration.ofMillis(5500));
        assertThat(d.maxTokens()).isEqualTo(1024);
        assertThat(d.headers()).containsEntry("X-Team", "blue");
        assertThat(d.numberParam("rpm").intValue()).isEqualTo(500);
        assertThat(d.modelInfo()).containsEntry("input_cost_per_token", 0.0000025);
        assertThat(d.line()).isEqualTo(2);
        assertThat(c.deployments().get(2).id()).isEqualTo("openai/gpt-4o-mini"); // no prefix → openai, like LiteLLM
        assertThat(c.aliases()).containsExactly("smart", "plain");
        assertThat(c.general().masterKey().matches("sk-master-1234567890")).isTrue();
        assertThat(c.general().maxRequestBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(c.routerSettings()).containsEntry("num_retries", 2L);
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void missingEnvVarIsAnErrorNamingLineKeyAndFix() {
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: openai/gpt-4o
                      api_key: os.environ/NOT_SET_ANYWHERE
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 5")
                .hasMessageContaining("model_list[0].litellm_params.api_key")
                .hasMessageContaining("NOT_SET_ANYWHERE is not set")
                .hasMessageContaining("Fix: export NOT_SET_ANYWHERE=");
    }

    @Test
    void wrongTypesAndMissingKeysAreAllReportedTogether() {
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: openai/gpt-4o
                      timeout: soon
                      max_tokens: 1.5
                  - litellm_params: { model: mock/x }
                  - model_name: b
                  - model_name: c
                    litellm_params: { model: openai/x, api_base: "localhost:8000" }
                general_settings:
                  max_request_size_mb: [1]
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 5: model_list[0].litellm_params.timeout: expected a number"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 6: model_list[0].litellm_params.max_tokens: expected a whole number"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 7: model_list[1].model_name: missing"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 8: model_list[2].litellm_params: missing"));
        assertThat(e.problems()).anyMatch(p -> p.contains("model_list[3].litellm_params.api_base") && p.contains("not an http(s) URL"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 12: general_settings.max_request_size_mb"));
    }

    @Test
    void browserAndMemorySettings() {
        String models = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n";
        var g = loader.parse(models + """
                general_settings:
                  allowed_hosts: [Gateway.Internal, "box.lan:4000"]
                  cors_allowed_origins: ["https://App.example.com/", "http://localhost:3000"]
                  max_buffered_mb: 256
                """).general();
        assertThat(g.allowedHosts()).containsExactly("gateway.internal", "box.lan");
        assertThat(g.corsAllowedOrigins()).containsExactly("https://app.example.com", "http://localhost:3000");
        assertThat(g.bufferedBytesBound()).isEqualTo(256L << 20);
        var defaults = loader.parse(models).general();
        assertThat(defaults.allowedHosts()).isEmpty();
        assertThat(defaults.corsAllowedOrigins()).isEmpty();
        assertThat(defaults.bufferedBytesBound()).isEqualTo(Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 2));
        assertThatThrownBy(() -> loader.parse(models + "general_settings:\n  cors_allowed_origins: [app.example.com]\n"))
                .hasMessageContaining("line 5: general_settings.cors_allowed_origins[0]: 'app.example.com' is not an origin");
        assertThatThrownBy(() -> loader.parse(models + "general_settings:\n  max_buffered_mb: 0\n"))
                .hasMessageContaining("general_settings.max_buffered_mb: must be more than 0");
    }

    /**
     * LiteLLM's switches for keeping messages are the request log's default policy: a user who turned message logging
     * off in LiteLLM keeps it off here (it was warned and ignored, prompts were kept truncated).
     */
    @Test
    void liteLlmsMessageLoggingSwitchesSetTheLogPolicy() {
        String models = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n";
        GatewayConfig off = loader.parse(models + "litellm_settings: { turn_off_message_logging: true }\n");
        assertThat(off.general().requestLog().get("policy")).isEqualTo("off");
        assertThat(off.warnings()).isEmpty();
        assertThat(loader.parse(models + "litellm_settings: { turn_off_message_logging: false }\n").general().requestLog())
                .doesNotContainKey("policy");
        assertThat(loader.parse(models + "general_settings: { store_prompts_in_spend_logs: true }\n").general().requestLog()
                .get("policy")).isEqualTo("full");
        assertThat(loader.parse(models + "general_settings: { store_prompts_in_spend_logs: false }\n").general().requestLog()
                .get("policy")).isEqualTo("off");
        assertThat(loader.parse(models + "general_settings: { store_prompts_in_spend_logs: true }\n"
                + "litellm_settings: { turn_off_message_logging: true }\n").general().requestLog().get("policy"))
                .as("turned off wins").isEqualTo("off");
        assertThat(loader.parse(models + "general_settings: { request_log: { policy: redacted } }\n"
                + "litellm_settings: { turn_off_message_logging: true }\n").general().requestLog().get("policy"))
                .as("Switchboard's own setting wins").isEqualTo("redacted");
        assertThatThrownBy(() -> loader.parse(models + "litellm_settings: { turn_off_message_logging: maybe }\n"))
                .hasMessageContaining("litellm_settings.turn_off_message_logging");
    }

    /** Budget routing's settings that could never apply are warned of: a provider no deployment has, a period alone. */
    @Test
    void budgetsThatNeverApplyAreWarnedOf() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, budget_duration: 1d }
                  - model_name: b
                    litellm_params: { model: openai/gpt-4o, max_budget: 5 }
                  - model_name: c
                    litellm_params: { model: openai/gpt-4o, max_budget: 9 }
                router_settings:
                  provider_budget_config: { opnai: { budget_limit: 1, time_period: 1d }, openai: { budget_limit: 2 } }
                """);
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("provider_budget_config.opnai").contains("never applies"));
        assertThat(c.warnings()).noneSatisfy(w -> assertThat(w).contains("provider_budget_config.openai"));
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("budget_duration without max_budget"));
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("share one max_budget"));
    }

    @Test
    void theEventLoopTransportIsAutoUnlessNamedAndAnUnknownOneIsAnError() {
        String models = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n";
        assertThat(loader.parse(models).general().eventLoopTransport()).isEqualTo(EventLoopTransport.AUTO);
        assertThat(loader.parse(models + "general_settings: { event_loop_transport: epoll }\n").general().eventLoopTransport())
                .isEqualTo(EventLoopTransport.EPOLL);
        assertThat(loader.parse(models + "general_settings: { event_loop_transport: io_uring }\n").general().eventLoopTransport())
                .isEqualTo(EventLoopTransport.IO_URING);
        assertThat(loader.parse(models + "general_settings: { event_loop_transport: nio }\n").warnings()).isEmpty();
        assertThatThrownBy(() -> loader.parse(models + "general_settings: { event_loop_transport: kqueue }\n"))
                .hasMessageContaining("line 4: general_settings.event_loop_transport: 'kqueue' is not a transport. "
                        + "Fix: use one of [auto, io_uring, epoll, nio]");
    }

    @Test
    void theStoreWritersNiceIsFiveUnlessSetAndMustBeAWholeNumberFromZeroToNineteen() {
        String models = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n";
        assertThat(loader.parse(models).general().backgroundThreadNice()).isEqualTo(GeneralSettings.DEFAULT_BACKGROUND_THREAD_NICE)
                .isEqualTo(5);
        assertThat(loader.parse(models + "general_settings: { background_thread_nice: 0 }\n").general().backgroundThreadNice()).isZero();
        assertThat(loader.parse(models + "general_settings: { background_thread_nice: 19 }\n").general().backgroundThreadNice()).isEqualTo(19);
        assertThat(loader.parse(models + "general_settings: { background_thread_nice: 10 }\n").warnings()).isEmpty();
        assertThatThrownBy(() -> loader.parse(models + "general_settings: { background_thread_nice: 20 }\n"))
                .hasMessageContaining("line 4: general_settings.background_thread_nice: must be a whole number from 0 to 19, found 20.");
        assertThatThrownBy(() -> loader.parse(models + "general_settings: { background_thread_nice: -5 }\n"))
                .hasMessageContaining("general_settings.background_thread_nice: expected a whole number of 0 or more, found -5");
        assertThatThrownBy(() -> loader.parse(models + "general_settings: { background_thread_nice: 2.5 }\n"))
                .hasMessageContaining("general_settings.background_thread_nice: expected a whole number");
        // the other constructors keep the default
        assertThat(new GeneralSettings(null, null, null, 1).backgroundThreadNice()).isEqualTo(5);
    }

    @Test
    void theKeyModelsCheckIsOnUnlessCheckKeyModelsIsFalse() {
        String models = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n";
        assertThat(loader.parse(models).general().checkKeyModels()).isTrue();
        assertThat(loader.parse(models + "general_settings: { check_key_models: true }\n").general().checkKeyModels()).isTrue();
        var off = loader.parse(models + "general_settings: { check_key_models: false }\n");
        assertThat(off.general().checkKeyModels()).isFalse();
        assertThat(off.warnings()).isEmpty(); // a known key, not a typo
        assertThat(off.general().withDatabasePath("x.db").checkKeyModels()).isFalse();
        assertThatThrownBy(() -> loader.parse(models + "general_settings: { check_key_models: sometimes }\n"))
                .hasMessageContaining("general_settings.check_key_models");
        assertThat(new GeneralSettings(null, null, null, 1).checkKeyModels()).isTrue();
    }

    @Test
    void requestSizeLimitMayBeAFractionOfAMibButNotZero() {
        String models = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n";
        assertThat(loader.parse(models + "general_settings: { max_request_size_mb: 0.001 }\n").general().maxRequestBytes())
                .isEqualTo(1048);
        assertThatThrownBy(() -> loader.parse(models + "general_settings: { max_request_size_mb: 0 }\n"))
                .hasMessageContaining("line 4: general_settings.max_request_size_mb: must be more than 0");
    }

    @Test
    void theStoreAndTheGlobalBudgetAreReadAndChecked() {
        GatewayConfig ok = new ConfigLoader(Map.of("DATABASE_URL", "postgresql://u:p@db:5432/sb")::get).parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x }
                litellm_settings: { max_budget: 40, budget_duration: 1mo, timezone: Asia/Kolkata }
                general_settings: { database_url: os.environ/DATABASE_URL, database_path: /var/lib/sb.db }
                """);
        assertThat(ok.general().databaseUrl()).isEqualTo("postgresql://u:p@db:5432/sb");
        assertThat(ok.general().databasePath()).isEqualTo("/var/lib/sb.db");
        assertThat(ok.litellmSettings()).containsEntry("budget_duration", "1mo");
        // LiteLLM's timezone: where budgets reset (midnight, Monday, the 1st)
        assertThat(dev.switchboard.govern.GovernSettings.from(ok.litellmSettings()).budgetZone()).isEqualTo(java.time.ZoneId.of("Asia/Kolkata"));
        assertThat(dev.switchboard.govern.GovernSettings.from(Map.of()).budgetZone()).isEqualTo(java.time.ZoneOffset.UTC);
        GatewayConfig status = new ConfigLoader(n -> null).parse(
                "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\nlitellm_settings: { budget_exceeded_status_code: 429 }\n");
        assertThat(dev.switchboard.govern.GovernSettings.from(status.litellmSettings()).budgetStatus()).isEqualTo(429);
        assertThat(dev.switchboard.govern.GovernSettings.from(ok.litellmSettings()).budgetStatus()).as("the default").isEqualTo(400);
        assertThat(ok.warnings()).isEmpty();
        GatewayConfig defaults = new ConfigLoader(n -> null).parse("model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n");
        assertThat(defaults.general().databasePath()).isEqualTo("./switchboard.db");
        assertThat(defaults.general().databaseUrl()).isNull();

        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(n -> null).parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x }
                litellm_settings:
                  max_budget: -5
                  budget_duration: fortnightly
                  max_end_user_budget: -1
                  budget_exceeded_status_code: 200
                  timezone: Mars/Olympus_Mons
                general_settings:
                  database_url: mysql://db/sb
                """));
        assertThat(e.problems()).as("LiteLLM falls back to UTC; a typo would move every reset unnoticed")
                .anyMatch(p -> p.startsWith("line 9: litellm_settings.timezone: 'Mars/Olympus_Mons' is not a time zone"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 5: litellm_settings.max_budget: must be 0 or more"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 6: litellm_settings.budget_duration: 'fortnightly' is not a duration"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 7: litellm_settings.max_end_user_budget: must be 0 or more"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 8: litellm_settings.budget_exceeded_status_code: must be one of [400, 402, 409, 422, 429]"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 11: general_settings.database_url: only PostgreSQL URLs"));
    }

    @Test
    void cacheInjectionPointsAreCheckedAndParsed() {
        GatewayConfig ok = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: anthropic/claude-sonnet-4-5
                      api_key: sk-ant-test
                      cache_control_injection_points:
                        - { location: message, role: system }
                        - { location: message, index: -1 }
                """);
        assertThat(ok.deployments().get(0).cacheInjectionPoints()).containsExactly(
                new dev.switchboard.model.CacheInjectionPoint("system", null), new dev.switchboard.model.CacheInjectionPoint(null, -1));
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: anthropic/claude-sonnet-4-5
                      api_key: sk-ant-test
                      cache_control_injection_points:
                        - { location: tools }
                        - { location: message }
                        - { location: message, role: boss }
                        - { location: message, index: 1.5 }
                """));
        String p = "model_list[0].litellm_params.cache_control_injection_points";
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 7: " + p + "[0].location: must be 'message'"));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 8: " + p + "[1]: needs a role"));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 9: " + p + "[2].role: 'boss' is not a message role"));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 10: " + p + "[3].index: '1.5' is not a whole number"));
    }

    @Test
    void semanticCacheParamsAreCheckedWithTheirLines() {
        String models = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n";
        assertThat(loader.parse(models + """
                litellm_settings:
                  cache: true
                  cache_params: { type: semantic, embedder: all-minilm-l6-v2-q, similarity_threshold: 0.95, mode: shadow,
                                  verify: a, max_false_hit_rate: 0.01, max_entries: 1000, semantic_serves: [tools] }
                """).litellmSettings()).containsKey("cache_params");
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse(models + """
                litellm_settings:
                  cache_params:
                    type: semantic
                    similarity_threshold: 1.5
                    mode: loud
                    embedder: word2vec
                    max_false_hit_rate: 0.7
                    max_entries: 0
                    semantic_serves: [colours]
                """));
        String p = "litellm_settings.cache_params";
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 7: " + p + ".similarity_threshold: is a cosine similarity"));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 8: " + p + ".mode: 'loud' is not a mode"));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 9: " + p + ".embedder: 'word2vec' is not an embedder"));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 10: " + p + ".max_false_hit_rate: is a share of hits"));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 11: " + p + ".max_entries: must be more than 0"));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 12: " + p + ".semantic_serves: 'colours'"));
    }

    /** {@code semantic_lookup_wait_ms} (2026-12-07: the 20 ms a lookup may wait behind inserts was a constant). */
    @Test
    void theSemanticLookupWaitIsAWholeNumberOfMillisecondsFromOneToASecond() {
        String models = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n";
        java.util.Map<?, ?> params = (java.util.Map<?, ?>) loader.parse(models + """
                litellm_settings:
                  cache_params: { type: semantic, semantic_lookup_wait_ms: 50 }
                """).litellmSettings().get("cache_params");
        assertThat(dev.switchboard.cache.semantic.SemanticSettings.from(cast(params), 60).lookupWaitMillis()).isEqualTo(50);
        assertThat(dev.switchboard.cache.semantic.SemanticSettings.from(java.util.Map.of(), 60).lookupWaitMillis())
                .as("the default").isEqualTo(20);
        for (String bad : java.util.List.of("0", "1001", "2.5", "soon")) {
            ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse(models + """
                    litellm_settings:
                      cache_params:
                        type: semantic
                        semantic_lookup_wait_ms: %s
                    """.formatted(bad)));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.problems()).as(bad).anyMatch(x -> x.startsWith("line 7: litellm_settings.cache_params.semantic_lookup_wait_ms: "));
        }
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse(models + """
                litellm_settings:
                  cache_params: { type: semantic, semantic_lookup_wait_ms: 5000 }
                """));
        assertThat(e.problems()).anyMatch(x -> x.contains("is how long a semantic lookup may wait for the embedding pool, in whole "
                + "milliseconds: 1 to 1000, found 5000. Fix: leave it out for the default, 20."));
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> cast(java.util.Map<?, ?> m) { return (java.util.Map<String, Object>) m; }

    @Test
    void unknownKeysAreWarningsWithTheirLine() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: mock/x
                      temprature: 0.1
                    extra: 1
                surprise: true
                """);
        assertThat(c.warnings()).containsExactlyInAnyOrder(
                "line 5: model_list[0].litellm_params.temprature: unknown key (LiteLLM documents none of that name), ignored. "
                        + "Did you mean temperature?",
                "line 6: model_list[0].extra: unknown key, ignored. Known: [litellm_params, model_info, model_name, rpm, tpm].",
                "line 7: surprise: unknown top-level key, ignored. Known: [credential_list, environment_variables, general_settings, "
                        + "guardrails, litellm_settings, model_list, router_settings].");
    }

    /** QA F15: "not supported, ignored: not supported." said it twice. */
    @Test
    void aKeyNotSupportedSaysSoOnce() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x }
                general_settings: { infer_model_from_keys: true }
                litellm_settings: { public_teams: [] }
                """);
        assertThat(c.warnings()).contains("line 4: general_settings.infer_model_from_keys: not supported, ignored.",
                "line 5: litellm_settings.public_teams: not supported, ignored.");
        assertThat(c.warnings()).noneMatch(w -> w.contains("not supported, ignored: not supported"));
    }

    @Test
    void environmentVariablesSectionFeedsEnvReferences() {
        GatewayConfig c = loader.parse("""
                environment_variables:
                  MY_KEY: sk-from-config-file-1234
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: os.environ/MY_KEY }
                """);
        assertThat(c.deployments().get(0).apiKey().reveal()).isEqualTo("sk-from-config-file-1234");
    }

    /**
     * QA (twenty-second session): environment_variables were exported as their source text, so {@code MYT: 20_000}
     * read by {@code timeout: os.environ/MYT} was "expected a number, found '20_000'". LiteLLM exports
     * {@code str(value)} of what PyYAML read.
     */
    @Test
    void environmentVariablesAreExportedAsLiteLlmWritesPyYamlValues() {
        GatewayConfig c = loader.parse("""
                environment_variables:
                  MYT: 20_000
                  HEX: 0x10
                  OCT: 010
                  ON: yes
                  OFF: false
                  F: 1_000.5
                  WHOLE: 2.0
                  TINY: 0.00001
                  HUGE: 1.0e+16
                  INF: .inf
                  BIG: 123456789012345678901234567890
                  QUOTED: "20_000"
                  TEXT: plain text
                  SHA: 4e51234
                  EXP: 1e5
                  UNSIGNED_EXP: 1.5e3
                  HALF: -.5
                  EMPTY:
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: sk-a, timeout: os.environ/MYT, max_retries: os.environ/HEX }
                """);
        java.util.function.Function<String, String> env = c.env(name -> null);
        assertThat(env.apply("MYT")).isEqualTo("20000");
        assertThat(env.apply("HEX")).isEqualTo("16");
        assertThat(env.apply("OCT")).isEqualTo("8");
        assertThat(env.apply("ON")).isEqualTo("True");
        assertThat(env.apply("OFF")).isEqualTo("False");
        assertThat(env.apply("F")).isEqualTo("1000.5");
        assertThat(env.apply("WHOLE")).isEqualTo("2.0");
        assertThat(env.apply("TINY")).isEqualTo("1e-05");
        // floats to SnakeYAML, text to PyYAML (a point is required, an exponent needs its sign): exported as written
        assertThat(env.apply("SHA")).isEqualTo("4e51234");
        assertThat(env.apply("EXP")).isEqualTo("1e5");
        assertThat(env.apply("UNSIGNED_EXP")).isEqualTo("1.5e3");
        assertThat(env.apply("HALF")).isEqualTo("-.5");
        assertThat(env.apply("HUGE")).isEqualTo("1e+16");
        assertThat(env.apply("INF")).isEqualTo("inf");
        assertThat(env.apply("BIG")).isEqualTo("123456789012345678901234567890");
        assertThat(env.apply("QUOTED")).isEqualTo("20_000");
        assertThat(env.apply("TEXT")).isEqualTo("plain text");
        assertThat(env.apply("EMPTY")).isNull();
        assertThat(c.deployments().get(0).timeout()).isEqualTo(java.time.Duration.ofSeconds(20_000));
    }

    /** QA F3: an empty model or model_name (a blank template variable) silently removed the entry; check said OK. */
    @Test
    void anEmptyModelOrModelNameIsAnErrorNotAMissingModel() {
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model:
                  - model_name:
                    litellm_params: { model: mock/b }
                  - model_name: "  "
                    litellm_params: { model: "" }
                  - model_name: ok
                    litellm_params: { model: mock/ok }
                """));
        assertThat(e.problems()).anyMatch(x -> x.startsWith("line 4: model_list[0].litellm_params.model: is empty. Fix:"))
                .anyMatch(x -> x.startsWith("line 5: model_list[1].model_name: is empty. Fix:"))
                .anyMatch(x -> x.startsWith("line 7: model_list[2].model_name: is empty."))
                .anyMatch(x -> x.startsWith("line 8: model_list[2].litellm_params.model: is empty."))
                .hasSize(4);
    }

    @Test
    void invalidYamlAndEmptyFilesSayWhere() {
        assertThatThrownBy(() -> loader.parse("model_list:\n  - model_name: [unclosed\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> loader.parse("")).isInstanceOf(ConfigException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> loader.parse("general_settings: {}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model_list: missing");
    }

    /**
     * QA (twenty-second session): an unclosed quote on the last line was "line 4: … found unexpected end of stream" in a
     * 3-line file. The line named is where the quoted scalar (or flow collection) starts, as PyYAML's context says.
     */
    @Test
    void anUnclosedQuoteIsReportedAtTheLineItStarts() {
        String yaml = "model_list:\n  - model_name: m\n    litellm_params: {model: openai/x, api_base: \"http://a\n";
        assertThatThrownBy(() -> loader.parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("line 3: the file is not valid YAML: while scanning a quoted scalar starting at column 49, "
                        + "found unexpected end of stream");
        assertThatThrownBy(() -> loader.parse("model_list:\n  - model_name: m\n    litellm_params: {model: openai/x"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("line 3: the file is not valid YAML: while parsing a flow mapping");
    }

    @Test
    void aYamlErrorNeverNamesALinePastTheEnd() throws Exception {
        for (String yaml : new String[] {"a: b\n  c: d\n", "model_list:\n  - [x\n", "a: 'x\n\n\n", "k: v\n- item\n"}) {
            ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse(yaml));
            assertThat(e).as(yaml).isNotNull();
            int line = Integer.parseInt(e.problems().get(0).replaceFirst("^line (\\d+):.*", "$1"));
            assertThat(line).as(e.problems().get(0)).isBetween(1, (int) yaml.lines().count());
        }
    }

    /** QA: a binary config file gave "cannot read the config file (Input length = 4)", the JDK's decoder text. */
    @Test
    void aFileThatIsNotUtf8TextSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path bin = java.nio.file.Files.write(dir.resolve("bin.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 1, 2});
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.load(bin));
        assertThat(e.problems()).containsExactly(bin + ": the config file is not UTF-8 text. Fix: pass the YAML config with --config, saved as UTF-8.");
        assertThat(e.unreadable()).isTrue();
        ConfigException missing = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.load(dir.resolve("none.yaml")));
        assertThat(missing.problems().get(0)).contains("cannot read the config file (no such file)");
        assertThat(missing.unreadable()).isTrue();
    }

    /**
     * Every unset os.environ/ variable of an entry in one pass: the keys a provider reads (api_version, azure_ad_token,
     * vertex_*, aws_*) were resolved only for an entry without errors, so the unset AZURE_API_VERSION_X was named only
     * after the api_base and api_key variables were set (cloud QA F5). A key this provider does not read stays a warning.
     */
    @Test
    void everyUnsetVariableOfAnEntryIsNamedAtOnce() {
        ConfigLoader none = new ConfigLoader(Map.<String, String>of()::get);
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> none.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: os.environ/AZURE_API_BASE_X
                      api_version: os.environ/AZURE_API_VERSION_X
                      api_key: os.environ/AZURE_API_KEY_X
                      azure_ad_token: os.environ/AZURE_AD_TOKEN_X
                      vertex_project: os.environ/NOT_READ_BY_AZURE
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 5: ") && p.contains("AZURE_API_BASE_X is not set"))
                .anyMatch(p -> p.startsWith("line 6: ") && p.contains("AZURE_API_VERSION_X is not set"))
                .anyMatch(p -> p.startsWith("line 7: ") && p.contains("AZURE_API_KEY_X is not set"))
                .anyMatch(p -> p.startsWith("line 8: ") && p.contains("AZURE_AD_TOKEN_X is not set"))
                .noneMatch(p -> p.contains("NOT_READ_BY_AZURE"));
    }

    /** QA-D 9: a variable set to "" was refused as "is not set"; refused still, worded as it is. */
    @Test
    void aVariableSetEmptyIsRefusedAsEmptyNotAsUnset() {
        ConfigLoader withEmpty = new ConfigLoader(Map.of("QAD_EMPTY", "")::get);
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> withEmpty.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: os.environ/QAD_EMPTY }
                  - model_name: b
                    litellm_params: { model: openai/gpt-4o, api_key: os.environ/QAD_UNSET }
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 3: ") && p.contains("environment variable QAD_EMPTY is set but empty. Fix: export"))
                .anyMatch(p -> p.startsWith("line 5: ") && p.contains("environment variable QAD_UNSET is not set. Fix: export"));
    }

    /** QA-D 9: rpm: -5, weight: -1 and router_settings.timeout: 0 loaded without a word, where max_parallel_requests: 0 is refused. */
    @Test
    void negativeRatesWeightsAndTimeoutsAreRefused() {
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: sk-a, rpm: -5, weight: -1 }
                    tpm: -3
                router_settings: { timeout: 0, stream_timeout: -1, cooldown_time: 0 }
                """));
        assertThat(e).isNotNull();
        // the numbers as written (rpm: -5), not as the double they were read into (-5.0)
        assertThat(e.problems()).anyMatch(p -> p.endsWith("model_list[0].litellm_params.rpm: must be 0 or more, found -5."))
                .anyMatch(p -> p.endsWith("model_list[0].litellm_params.weight: must be 0 or more, found -1."))
                .anyMatch(p -> p.endsWith("tpm: must be 0 or more, found -3."))
                .noneMatch(p -> p.contains("router_settings.timeout"))
                .anyMatch(p -> p.contains("router_settings.stream_timeout: must be more than 0 seconds"))
                .noneMatch(p -> p.contains("cooldown_time"));
    }

    /** A timeout of 0 is LiteLLM's "not set" (its router reads timeouts with `x or y`): loaded, with a warning. */
    @Test
    void aZeroTimeoutIsNotSetAsInLiteLlm() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: sk-a }
                router_settings: { timeout: 0 }
                """);
        assertThat(c.warnings()).anyMatch(w -> w.contains("router_settings.timeout: 0 is not set, as in LiteLLM"));
        assertThat(dev.switchboard.route.RouterSettings.from(c).timeout()).isNull();
    }

    /**
     * Left by the twenty-second session's review: a deployment's {@code timeout: 0} was a 0 s wait (every call failed at
     * once) where LiteLLM's router, reading it with {@code x or y}, takes router_settings' value. Now as router_settings'
     * own 0: not set, warned (a shared default_litellm_params value once); negative refused.
     */
    @Test
    void aDeploymentsZeroTimeoutIsNotSetAsInLiteLlm() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: sk-a, timeout: 0, stream_timeout: 0 }
                  - model_name: b
                    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-a }
                  - model_name: c
                    litellm_params: { model: openai/gpt-4.1, api_key: sk-a }
                router_settings:
                  timeout: 30
                  default_litellm_params: { stream_timeout: 0 }
                """);
        Deployment a = c.deployments().get(0);
        assertThat(a.timeout()).isNull();
        assertThat(a.streamTimeout()).isNull();
        assertThat(c.deployments().get(1).streamTimeout()).isNull();
        assertThat(c.warnings()).contains(
                "line 3: model_list[0].litellm_params.timeout: 0 is not set, as in LiteLLM: router_settings' value or the default "
                        + "applies. Fix: leave it out, or give the seconds.",
                "line 3: model_list[0].litellm_params.stream_timeout: 0 is not set, as in LiteLLM: router_settings' value or the "
                        + "default applies. Fix: leave it out, or give the seconds.");
        assertThat(c.warnings()).filteredOn(w -> w.contains("router_settings.default_litellm_params.stream_timeout: 0 is not set"))
                .hasSize(1);
        assertThat(dev.switchboard.route.RouterSettings.from(c).timeout()).isEqualTo(Duration.ofSeconds(30));

        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: sk-a, timeout: -1 }
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 3: model_list[0].litellm_params.timeout: must be more than 0 seconds"));
    }

    /**
     * LiteLLM's {@code _load_environment_variables}: an {@code os.environ/X} whose X is unset exports nothing (its
     * {@code get_secret_str} is None) and the proxy starts; Switchboard refused the config. Now a warning naming X; a
     * setting that needs the key still says it is not set. X set to "" exports "", as LiteLLM does.
     */
    @Test
    void anEnvironmentVariableNamingAnUnsetOneIsSkippedWithAWarning() {
        ConfigLoader withEnv = new ConfigLoader(Map.of("CFG_EMPTY", "", "ALREADY", "from-process")::get);
        GatewayConfig c = withEnv.parse("""
                environment_variables:
                  ARIZE_ENDPOINT: os.environ/CFG_NOT_SET
                  ALREADY: os.environ/CFG_NOT_SET_EITHER
                  BLANK: os.environ/CFG_EMPTY
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: sk-a }
                """);
        assertThat(c.warnings()).contains("line 2: environment_variables.ARIZE_ENDPOINT: environment variable CFG_NOT_SET is not set, "
                + "so ARIZE_ENDPOINT is not exported (LiteLLM skips it too). Fix: export CFG_NOT_SET=... before starting, or remove the entry.");
        java.util.function.Function<String, String> env = c.env(Map.of("ALREADY", "from-process")::get);
        assertThat(env.apply("ARIZE_ENDPOINT")).isNull();
        assertThat(env.apply("ALREADY")).isEqualTo("from-process"); // not overwritten, as os.environ is not in LiteLLM
        assertThat(env.apply("BLANK")).isEmpty();

        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> withEnv.parse("""
                environment_variables:
                  MY_KEY: os.environ/CFG_NOT_SET
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: os.environ/MY_KEY }
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("line 5: ") && p.contains("environment variable MY_KEY is not set"));
    }

    /**
     * PyYAML reads {@code 2026-12-05} as a date and {@code 2026-12-05 10:00:00} as a datetime, and LiteLLM exports their
     * {@code str()}; Switchboard exported the source text ({@code 2026-12-05T10:00:00Z} where Python writes
     * {@code 2026-12-05 10:00:00+00:00}). The expected texts are PyYAML 6.0.3's (Python 3).
     */
    @Test
    void timestampsInEnvironmentVariablesAreExportedAsPythonWritesThem() {
        GatewayConfig c = loader.parse("""
                environment_variables:
                  DAY: 2026-12-05
                  NOON: 2026-12-05 10:00:00
                  UTC: 2026-12-05T10:00:00Z
                  FRACTION: 2026-12-05 10:00:00.5 -05:30
                  SHORT: 2026-1-5 1:02:03
                  TINY: 2026-12-05t10:00:00.0000001+1
                  MINUS_ZERO: 2026-12-05 10:00:00 -0
                  CARRY: 2026-12-05 10:00:00+1:99
                  EARLY: 0099-01-02
                  NANOS: 2026-12-05 10:00:00.123456789
                  SPACED: 2026-12-05   10:00:00  Z
                  QUOTED: "2026-12-05 10:00:00"
                  NOT_A_DATE: 2026-12-5
                model_list:
                  - model_name: a
                    litellm_params: { model: openai/gpt-4o, api_key: sk-a }
                """);
        java.util.function.Function<String, String> env = c.env(name -> null);
        assertThat(env.apply("DAY")).isEqualTo("2026-12-05");
        assertThat(env.apply("NOON")).isEqualTo("2026-12-05 10:00:00");
        assertThat(env.apply("UTC")).isEqualTo("2026-12-05 10:00:00+00:00");
        assertThat(env.apply("FRACTION")).isEqualTo("2026-12-05 10:00:00.500000-05:30");
        assertThat(env.apply("SHORT")).isEqualTo("2026-01-05 01:02:03");
        assertThat(env.apply("TINY")).isEqualTo("2026-12-05 10:00:00+01:00");
        assertThat(env.apply("MINUS_ZERO")).isEqualTo("2026-12-05 10:00:00+00:00");
        assertThat(env.apply("CARRY")).isEqualTo("2026-12-05 10:00:00+02:39");
        assertThat(env.apply("EARLY")).isEqualTo("0099-01-02");
        assertThat(env.apply("NANOS")).isEqualTo("2026-12-05 10:00:00.123456");
        assertThat(env.apply("SPACED")).isEqualTo("2026-12-05 10:00:00+00:00");
        assertThat(env.apply("QUOTED")).isEqualTo("2026-12-05 10:00:00");
        assertThat(env.apply("NOT_A_DATE")).isEqualTo("2026-12-5"); // a date without a time needs two-digit month and day

        // PyYAML raises on these, so LiteLLM does not start: refused here, with the line
        for (String bad : new String[] {"2026-13-05", "2026-02-30 10:00:00", "2026-12-05 24:00:00", "2026-12-05 10:00:00+24",
                "0000-01-01", "2026-12-05 10:60:00"}) {
            ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse(
                    "environment_variables:\n  WHEN: " + bad + "\nmodel_list:\n  - model_name: a\n    litellm_params: { model: mock/x }\n"));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.problems()).as(bad).anyMatch(p -> p.startsWith("line 2: environment_variables.WHEN: reads as a date, and "
                    + "PyYAML (LiteLLM) refuses it: "));
        }
    }

    /**
     * SnakeYAML's marks count code points, {@code String.length()} UTF-16 units: with emoji before an unclosed quote the
     * end of the stream looked short of the end of the text, and the error was named at the file's last line instead of
     * the quote's.
     */
    @Test
    void anUnclosedQuoteAfterEmojiIsStillReportedAtItsLine() {
        String yaml = "# 🚀🚀🚀 models\nmodel_list:\n  - model_name: m\n    litellm_params: {model: openai/x, api_base: \"http://a\n\n\n";
        assertThatThrownBy(() -> loader.parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("line 4: the file is not valid YAML: while scanning a quoted scalar starting at column 49, "
                        + "found unexpected end of stream");
        // a column after an emoji counts it as one character, as an editor does
        assertThatThrownBy(() -> loader.parse("model_list:\n  - model_name: m\n    litellm_params: {model: 🚀, api_base: \"http://a\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("line 3: the file is not valid YAML: while scanning a "
                        + "quoted scalar starting at column 42,");
    }
}
