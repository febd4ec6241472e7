package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** router_settings / litellm_settings routing keys: accepted shapes, and errors that name the line and the fix. */
class RoutingKeysTest {
    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
    private static final String MODELS = """
            model_list:
              - model_name: cheap
                litellm_params: { model: mock/a }
              - model_name: smart
                litellm_params: { model: mock/b }
            """;

    @Test
    void acceptsLiteLlmsRoutingKeysAndSwitchboardsOwn() {
        GatewayConfig c = loader.parse(MODELS + """
                router_settings:
                  routing_strategy: latency-based-routing
                  num_retries: 1
                  allowed_fails: 2
                  cooldown_time: 0.5
                  retry_backoff: 0.1
                  prompt_cache_affinity: false
                  fallbacks: [{ cheap: [smart] }]
                  auto_router: { alias: auto, max_cheap_tokens: 500, smart_keywords: [prove], classifier: true }
                litellm_settings:
                  context_window_fallbacks: [{ cheap: [smart] }]
                """);
        assertThat(c.warnings()).isEmpty();
        assertThat(c.routerSettings()).containsEntry("fallbacks", List.of(Map.of("cheap", List.of("smart"))));
        assertThat(c.litellmSettings()).containsKey("context_window_fallbacks");
    }

    @Test
    void wrongValuesAreErrorsWithTheirLine() {
        assertThatThrownBy(() -> loader.parse(MODELS + """
                router_settings:
                  routing_strategy: fastest
                  num_retries: two
                  cooldown_time: -1
                  fallbacks: [{ cheap: [smarty] }]
                  content_policy_fallbacks: [{ gpt: [smart] }]
                  auto_router: { alias: cheap, default_tier: medium }
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "line 7: router_settings.routing_strategy: unknown strategy 'fastest'. Fix: use one of "
                                + "[cost-based-routing, latency-based-routing, least-busy, simple-shuffle, "
                                + "usage-based-routing, usage-based-routing-v2].",
                        "line 8: router_settings.num_retries: expected a number, found 'two'.",
                        "line 9: router_settings.cooldown_time: must be 0 or more seconds, found -1.",
                        "line 10: router_settings.fallbacks[0].cheap[0]: 'smarty' is not a model_name of model_list. "
                                + "Fix: use one of [cheap, smart].",
                        "line 11: router_settings.content_policy_fallbacks[0].gpt: 'gpt' is not a model_name of "
                                + "model_list. Fix: use one of [cheap, smart].",
                        "line 12: router_settings.auto_router.alias: 'cheap' is already a model_name. Fix: pick a "
                                + "name no model_list entry uses, e.g. auto.",
                        "line 12: router_settings.auto_router.default_tier: expected cheap or smart, found 'medium'."));
    }

    @Test
    void anUnknownFallbackSourceIsNamedWithItsKey() {
        assertThatThrownBy(() -> loader.parse(MODELS + """
                router_settings:
                  context_window_fallbacks: [{ cheap: [smart] }, { tiny: [smart] }]
                """))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "line 7: router_settings.context_window_fallbacks[1].tiny: 'tiny' is not a model_name of "
                                + "model_list. Fix: use one of [cheap, smart]."));
    }

    @Test
    void referencesToAnEntryThatFailedToLoadAreNotReportedAgain() {
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/a }
                  - model_name: smart
                    litellm_params: { model: mock/b, timeout: soon }
                  - model_name: broken
                router_settings:
                  fallbacks: [{ smart: [cheap] }, { cheap: [smart, broken, nosuch] }]
                  context_window_fallbacks: [{ broken: [cheap] }]
                  auto_router: { alias: auto, classifier_model: smart }
                """))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "line 5: model_list[1].litellm_params.timeout: expected a number, found 'soon'.",
                        "line 6: model_list[2].litellm_params: missing. Fix: add litellm_params with at least "
                                + "model: provider/model-id.",
                        // a name that no entry has at all is still an error
                        "line 8: router_settings.fallbacks[1].cheap[2]: 'nosuch' is not a model_name of model_list. "
                                + "Fix: use one of [cheap]."));
    }

    @Test
    void autoRouterNeedsBothTiers() {
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: only
                    litellm_params: { model: mock/a }
                router_settings:
                  auto_router: { cheap: only }
                """)).hasMessageContaining("line 5: router_settings.auto_router: needs a cheap and a smart tier");
    }

    @Test
    void tagRegexIsAListOfPatternsThatCompile() {
        GatewayConfig ok = loader.parse("""
                model_list:
                  - model_name: agent
                    litellm_params: { model: mock/a, tag_regex: ["^User-Agent: claude-code/"] }
                  - model_name: agent
                    litellm_params: { model: mock/b, tag_regex: "codex" }
                router_settings:
                  enable_tag_filtering: true
                general_settings:
                  reject_clientside_metadata_tags: true
                  enforce_user_param: true
                """);
        assertThat(ok.warnings()).isEmpty();
        assertThat(ok.deployments().get(0).params()).containsEntry("tag_regex", List.of("^User-Agent: claude-code/"));
        assertThat(ok.deployments().get(1).params()).containsEntry("tag_regex", List.of("codex"));
        assertThat(ok.general().requestChecks()).isEqualTo(new RequestChecks(true, true));
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: agent
                    litellm_params: { model: mock/a, tag_regex: ["^User-Agent: (claude"] }
                  - model_name: agent
                    litellm_params: { model: mock/b, tag_regex: [1] }
                  - model_name: agent
                    litellm_params: { model: mock/c, tag_regex: [""] }
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("line 3: model_list[0].litellm_params.tag_regex: '^User-Agent: (claude' is not a regular expression: Unclosed group"),
                        p -> assertThat(p).isEqualTo("line 5: model_list[1].litellm_params.tag_regex: expected a list of regular expressions, e.g. [\"^User-Agent: claude-code/\"]."),
                        p -> assertThat(p).startsWith("line 7: model_list[2].litellm_params.tag_regex: an empty pattern matches every client.")));
    }

    @Test
    void allowedFailsPoliciesAreCheckedInTheRouterAndInADeploymentsModelInfo() {
        GatewayConfig ok = loader.parse("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/a, cooldown_time: 30 }
                    model_info: { allowed_fails: 2, cooldown_time: 10, allowed_fails_policy: { BadRequestErrorAllowedFails: 3 } }
                router_settings:
                  allowed_fails_policy: { RateLimitErrorAllowedFails: 100, NotFoundErrorAllowedFails: 0, RateLimitErrors: 5 }
                """);
        assertThat(ok.warnings()).singleElement().asString().contains("router_settings.allowed_fails_policy.RateLimitErrors")
                .contains("is not one of LiteLLM's allowed-fails kinds");
        assertThat(ok.deployments().get(0).modelInfo()).containsEntry("allowed_fails", 2).containsEntry("cooldown_time", 10.0);
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/a, cooldown_time: -1 }
                    model_info: { allowed_fails: -2, allowed_fails_policy: { TimeoutErrorAllowedFails: -1 } }
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "line 3: model_list[0].litellm_params.cooldown_time: must be 0 or more (seconds), found -1.",
                        "line 4: model_list[0].model_info.allowed_fails: expected a whole number of 0 or more, found -2.",
                        "line 4: model_list[0].model_info.allowed_fails_policy.TimeoutErrorAllowedFails: expected a whole number of 0 or more, found -1."));
    }

    @Test
    void parallelLimitsAndHealthCheckSettingsAreOneOrMoreWithTheWayToSayNone() {
        assertThatThrownBy(() -> loader.parse("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/a, max_parallel_requests: -2 }
                    model_info: { health_check_max_tokens: 0, health_check_timeout: -1 }
                router_settings:
                  default_max_parallel_requests: 0
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "line 3: model_list[0].litellm_params.max_parallel_requests: must be a whole number of 1 or more (calls at once), "
                                + "found -2. Fix: leave it out for the default.",
                        "line 4: model_list[0].model_info.health_check_max_tokens: must be a whole number of 1 or more (output tokens of "
                                + "a health check), found 0. Fix: leave it out for the default.",
                        "line 4: model_list[0].model_info.health_check_timeout: must be more than 0 and at most 86400 (seconds), found -1.",
                        "line 6: router_settings.default_max_parallel_requests: must be a whole number of 1 or more (calls at once), "
                                + "found 0. Fix: leave it out for the default."));
    }
}
