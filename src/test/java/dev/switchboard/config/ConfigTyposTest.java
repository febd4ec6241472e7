package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * QA docs LOW-5 and LOW-6: a misspelt key is a warning that names the key it was meant to be, a misspelt master_key says
 * that the gateway runs without authentication, anchors kept under a top-level key are not warned, and the messages come
 * in the file's line order.
 */
class ConfigTyposTest {
    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    @Test
    void theNearestKnownKeyIsSuggested() {
        assertThat(KeySuggestions.closest("master_kye", LiteLlmKeys.keys(LiteLlmKeys.GENERAL))).isEqualTo("master_key");
        assertThat(KeySuggestions.closest("masterkey", LiteLlmKeys.keys(LiteLlmKeys.GENERAL))).isEqualTo("master_key");
        assertThat(KeySuggestions.closest("Master-Key", LiteLlmKeys.keys(LiteLlmKeys.GENERAL))).isEqualTo("master_key");
        assertThat(KeySuggestions.closest("api_kye", LiteLlmKeys.keys(LiteLlmKeys.PARAMS))).isEqualTo("api_key");
        assertThat(KeySuggestions.closest("timout", LiteLlmKeys.keys(LiteLlmKeys.PARAMS))).isEqualTo("timeout");
        // nothing near: no guess
        assertThat(KeySuggestions.closest("surprise", LiteLlmKeys.keys(LiteLlmKeys.GENERAL))).isNull();
        assertThat(KeySuggestions.closest("xy", List.of("ab", "tpm"))).isNull();
        assertThat(KeySuggestions.distance("master_kye", "master_key")).isEqualTo(1);
    }

    @Test
    void everySectionsUnknownKeySaysWhatItWasMeantToBe() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x, api_kye: sk-x, timout: 5 }
                    model_info: { input_cost_per_tokn: 0.1 }
                    rmp: 5
                router_setings: { num_retries: 2 }
                router_settings: { num_retrys: 2 }
                litellm_settings:
                  cache: true
                  cache_params: { type: local, tll: 60 }
                general_settings:
                  master_key: sk-master-1234567890
                  max_request_size_mbb: 2
                  otel: { endpont: http://127.0.0.1:4318 }
                """);
        assertThat(c.warnings())
                .anyMatch(w -> w.startsWith("line 3: model_list[0].litellm_params.api_kye: unknown key") && w.endsWith("Did you mean api_key?"))
                .anyMatch(w -> w.startsWith("line 3: model_list[0].litellm_params.timout: unknown key") && w.endsWith("Did you mean timeout?"))
                .anyMatch(w -> w.startsWith("line 4: model_list[0].model_info.input_cost_per_tokn:") && w.endsWith("Did you mean input_cost_per_token?"))
                .anyMatch(w -> w.startsWith("line 5: model_list[0].rmp:") && w.endsWith("Did you mean rpm?"))
                .anyMatch(w -> w.startsWith("line 6: router_setings: unknown top-level key") && w.endsWith("Did you mean router_settings?"))
                .anyMatch(w -> w.startsWith("line 7: router_settings.num_retrys:") && w.endsWith("Did you mean num_retries?"))
                .anyMatch(w -> w.startsWith("line 10: litellm_settings.cache_params.tll:") && w.endsWith("Did you mean ttl?"))
                .anyMatch(w -> w.startsWith("line 13: general_settings.max_request_size_mbb:") && w.endsWith("Did you mean max_request_size_mb?"))
                .anyMatch(w -> w.startsWith("line 14: general_settings.otel.endpont:") && w.endsWith("Did you mean endpoint?"))
                .noneMatch(w -> w.contains("AUTHENTICATION IS OFF"));
    }

    @Test
    void aMisspeltMasterKeySaysThatAuthenticationIsOff() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x }
                general_settings:
                  master_kye: sk-master-1234567890
                """);
        assertThat(c.general().masterKey()).isNull();
        assertThat(c.warnings()).singleElement().asString()
                .startsWith("line 5: general_settings.master_kye: unknown key")
                .contains("Did you mean master_key?")
                .contains("No master key is set (neither general_settings.master_key nor LITELLM_MASTER_KEY), so AUTHENTICATION IS OFF")
                .endsWith("Fix: rename master_kye to master_key.");
        // a misspelt section that holds the master key
        GatewayConfig section = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x }
                general_setings:
                  master_key: sk-master-1234567890
                """);
        assertThat(section.warnings()).singleElement().asString().startsWith("line 5: general_setings: unknown top-level key")
                .contains("Did you mean general_settings?").contains("AUTHENTICATION IS OFF")
                .endsWith("Fix: rename general_setings to general_settings.");
    }

    @Test
    void aMisspeltMasterKeyWithAKeyFromElsewhereIsOnlyATypo() {
        ConfigLoader withEnv = new ConfigLoader(Map.of("LITELLM_MASTER_KEY", "sk-master-1234567890")::get);
        GatewayConfig c = withEnv.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x }
                general_settings:
                  master_kye: sk-other-1234567890
                """);
        assertThat(c.general().masterKey()).isNotNull();
        assertThat(c.warnings()).singleElement().asString()
                .isEqualTo("line 5: general_settings.master_kye: unknown key (LiteLLM documents none of that name), ignored. "
                        + "Did you mean master_key?");
    }

    /** LiteLLM users keep anchors under a key of their own: x-common (docker compose's way) or any key holding an anchor. */
    @Test
    void topLevelKeysThatHoldAnchorsAreNotWarned() {
        GatewayConfig c = loader.parse("""
                x-defaults:
                  timeout: 30
                common: &common
                  api_key: sk-test-1234567890
                model_list:
                  - model_name: a
                    litellm_params:
                      <<: *common
                      model: openai/gpt-4o
                router_setings: &r { num_retries: 2 }
                """);
        assertThat(c.warnings()).singleElement().asString().startsWith("line 10: router_setings: unknown top-level key")
                .endsWith("Did you mean router_settings?");
        assertThat(c.deployments().get(0).apiKey()).isNotNull();
    }

    @Test
    void errorsAndWarningsComeInLineOrder() {
        // read section by section (model_list before general_settings, unknown top-level keys first), reported by line
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse("""
                general_settings:
                  max_request_size_mb: -1
                  master_key: sk-master-1234567890
                  surprise: 1
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/x, rpm: -5, api_kye: x }
                router_settings:
                  cooldown_time: -1
                litellm_settings:
                  bogus_setting: 1
                top_level_surprise: 1
                """));
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSizeGreaterThan(1);
        assertThat(lines(e.problems())).isSorted();
        assertThat(e.warnings()).hasSizeGreaterThan(1);
        assertThat(lines(e.warnings())).isSorted();
        assertThat(ConfigMessages.inLineOrder(List.of("line 9: b", "DATABASE_URL: x", "lines 3, 12: a", "line 9: c")))
                .containsExactly("lines 3, 12: a", "line 9: b", "line 9: c", "DATABASE_URL: x");
    }

    private static List<Integer> lines(List<String> messages) {
        return messages.stream().map(m -> Integer.parseInt(m.replaceFirst("^lines? (\\d+).*", "$1"))).toList();
    }

    /**
     * QA (thirty-ninth session): a key written twice (a second model: line, a second model_list: appended to the file)
     * kept the later silently, as YAML readers do: the first model list was gone without a word. Warned, with both lines.
     */
    @Test
    void aKeyWrittenTwiceIsWarnedWithBothLines() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: mock/x
                      model: mock/y
                general_settings: { master_key: sk-1234 }
                model_list:
                  - model_name: b
                    litellm_params: { model: mock/z }
                """);
        assertThat(c.deployments()).extracting(Deployment::alias).containsExactly("b");
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w).startsWith("line 7: model_list: written twice, at line 1 and line 7")
                .contains("the earlier ignored, with everything under it").contains("Fix: keep one"));
        assertThat(c.warnings()).noneMatch(w -> w.contains("litellm_params.model: written twice"))
                .as("the first list is not read at all, so its own duplicate is not said");
        GatewayConfig one = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params:
                      model: mock/x
                      model: mock/y
                """);
        assertThat(one.deployments()).singleElement().satisfies(d -> assertThat(d.model()).endsWith("y"));
        assertThat(one.warnings()).filteredOn(w -> w.contains("written twice")).containsExactly(
                "line 5: model_list[0].litellm_params.model: written twice, at line 4 and line 5: the later one is used and "
                        + "the earlier ignored, with everything under it (as LiteLLM's YAML reader does). Fix: keep one of them.");
        // a merge key's values overridden by the mapping's own are no duplicate
        GatewayConfig merged = loader.parse("""
                x-base: &base { model: mock/x, timeout: 5 }
                model_list:
                  - model_name: a
                    litellm_params: { <<: *base, timeout: 9 }
                """);
        assertThat(merged.warnings()).noneMatch(w -> w.contains("written twice"));
        // a key written twice beside a <<: SnakeYAML's merge drops the earlier before the walker reads the mapping
        GatewayConfig mergedTwice = loader.parse("""
                x-base: &base { timeout: 5 }
                model_list:
                  - model_name: a
                    litellm_params: { <<: *base, model: mock/a, model: mock/b }
                """);
        assertThat(mergedTwice.deployments()).singleElement().satisfies(d -> assertThat(d.model()).endsWith("b"));
        assertThat(mergedTwice.warnings()).filteredOn(w -> w.contains("written twice")).containsExactly(
                "line 4: model_list[0].litellm_params.model: written twice, at line 4 and line 4: the later one is used and "
                        + "the earlier ignored, with everything under it (as LiteLLM's YAML reader does). Fix: keep one of them.");
    }
}
