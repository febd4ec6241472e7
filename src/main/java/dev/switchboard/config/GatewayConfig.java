package dev.switchboard.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded, validated config. {@code routerSettings} and {@code litellmSettings} are kept as plain Java
 * values for the stages that read them; {@code warnings} are the line-numbered notes printed at start;
 * {@code guardrails} is LiteLLM's top-level guardrails: list.
 */
public record GatewayConfig(
        List<Deployment> deployments,
        GeneralSettings general,
        Map<String, Object> routerSettings,
        Map<String, Object> litellmSettings,
        List<String> warnings,
        List<GuardrailConfig> guardrails) {

    public GatewayConfig {
        guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
    }

    /** A config without guardrails. */
    public GatewayConfig(List<Deployment> deployments, GeneralSettings general, Map<String, Object> routerSettings,
                         Map<String, Object> litellmSettings, List<String> warnings) {
        this(deployments, general, routerSettings, litellmSettings, warnings, List.of());
    }

    /** The same config with other general settings. */
    public GatewayConfig withGeneral(GeneralSettings g) {
        return new GatewayConfig(deployments, g, routerSettings, litellmSettings, warnings, guardrails);
    }

    /** The aliases in config order, each once. */
    public Set<String> aliases() {
        Set<String> out = new LinkedHashSet<>();
        for (Deployment d : deployments) out.add(d.alias());
        return out;
    }
}
