package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** default_key_generate_params, upperbound_key_generate_params and default_team_settings as the loader reads them. */
class KeyGovernanceSettingsTest {
    private static final String MODELS = """
            model_list:
              - model_name: a
                litellm_params: { model: mock/a }
            """;

    private static GatewayConfig load(String yaml) { return new ConfigLoader(Map.<String, String>of()::get).parse(MODELS + yaml); }

    @Test
    void keyDefaultsAndBoundsAreKeptForTheKeyApiNotWarned() {
        GatewayConfig c = load("""
                litellm_settings:
                  upperbound_key_generate_params: { max_budget: 100, duration: "30d", tpm_limit: 1000 }
                  default_key_generate_params: { max_budget: 1.5, models: [a], duration: null, metadata: { setting: default }, soft_budget: 1 }
                """);
        assertThat(c.litellmSettings().get("upperbound_key_generate_params"))
                .isEqualTo(Map.of("max_budget", 100.0, "duration", "30d", "tpm_limit", 1000L));
        @SuppressWarnings("unchecked")
        Map<String, Object> defaults = (Map<String, Object>) c.litellmSettings().get("default_key_generate_params");
        assertThat(defaults).containsEntry("max_budget", 1.5).containsKey("duration").doesNotContainKey("soft_budget");
        assertThat(c.warnings()).singleElement().asString()
                .contains("default_key_generate_params.soft_budget: LiteLLM reads only");
    }

    @Test
    void aBoundThatCannotBeReadStopsTheStart() {
        assertThatThrownBy(() -> load("""
                litellm_settings:
                  upperbound_key_generate_params: { max_budget: lots, duration: forever }
                """)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }

    @Test
    void teamSettingsThatGiveModelsOrParametersAreRefused() {
        assertThatThrownBy(() -> load("""
                litellm_settings:
                  default_team_settings:
                    - team_id: litellm-dev
                      models: ["azure-gpt-3.5"]
                """)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("line 6: litellm_settings.default_team_settings[0]: not supported: LiteLLM applies [models] "
                                + "to team 'litellm-dev' (every call of its keys"));
    }

    @Test
    void teamLoggingOnlyIsWarned() {
        GatewayConfig c = load("""
                litellm_settings:
                  default_team_settings:
                    - team_id: team-1
                      success_callback: ["langfuse"]
                      langfuse_public_key: pk
                """);
        assertThat(c.warnings()).singleElement().asString()
                .contains("litellm_settings.default_team_settings: not supported, ignored: per-team logging callbacks");
    }
}
