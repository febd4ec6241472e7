package dev.switchboard.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded, validated config. {@code routerSettings} and {@code litellmSettings} are kept as plain Java
 * values for the stages that read them; {@code warnings} are the line-numbered notes printed at start;
 * {@code guardrails} is LiteLLM's top-level guardrails: list; {@code environment} is its {@code environment_variables}
 * section, which LiteLLM exports into the process environment at start: see {@link #env}.
 */
public record GatewayConfig(
        List<Deployment> deployments,
        GeneralSettings general,
        Map<String, Object> routerSettings,
        Map<String, Object> litellmSettings,
        List<String> warnings,
        List<GuardrailConfig> guardrails,
        Map<String, String> environment,
        List<FallbackRef> fallbackRefs) {

    public GatewayConfig {
        guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        fallbackRefs = fallbackRefs == null ? List.of() : List.copyOf(fallbackRefs);
    }

    /** The same config with other general settings. */
    public GatewayConfig withGeneral(GeneralSettings g) {
        return new GatewayConfig(deployments, g, routerSettings, litellmSettings, warnings, guardrails, environment, fallbackRefs);
    }

    /**
     * The environment as this config's gateway sees it: the {@code environment_variables} section over the process's
     * variables. LiteLLM sets {@code os.environ} from the section at start, so there the section wins, and every reader
     * (a provider's default key variable, {@code REDIS_*}, {@code OTEL_*}, …) sees it; here too, through this one view.
     */
    public java.util.function.Function<String, String> env(java.util.function.Function<String, String> process) {
        return overlay(environment, process);
    }

    /** {@code section} over {@code process}: the one rule, also for the loader's {@code os.environ/} references. */
    static java.util.function.Function<String, String> overlay(Map<String, String> section,
                                                              java.util.function.Function<String, String> process) {
        if (section.isEmpty()) return process;
        return name -> section.containsKey(name) ? section.get(name) : process.apply(name);
    }

    /** The aliases in config order, each once. */
    public Set<String> aliases() {
        Set<String> out = new LinkedHashSet<>();
        for (Deployment d : deployments) out.add(d.alias());
        return out;
    }
}
