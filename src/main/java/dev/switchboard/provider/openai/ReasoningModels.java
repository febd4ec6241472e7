package dev.switchboard.provider.openai;

import dev.switchboard.config.Deployment;
import java.util.Locale;

/**
 * Which deployments serve one of OpenAI's reasoning models (o-series, gpt-5), whose output limit goes as
 * {@code max_completion_tokens} only, and which take no temperature or top_p of their own. On {@code azure/} the model
 * name is the deployment's, chosen by its user ({@code azure/prod-reasoning}, {@code azure/my-o3}), so the name alone
 * does not say: as in LiteLLM, {@code model_info.base_model} (the model the deployment runs, which pricing reads too)
 * decides when it is set, and an {@code azure/o_series/<deployment>} name (LiteLLM's explicit marker) is an o-series
 * deployment called {@code <deployment>} at Azure.
 */
public final class ReasoningModels {
    /** LiteLLM's marker of an Azure o-series deployment, before the deployment's name. */
    static final String O_SERIES = "o_series/";

    private ReasoningModels() {}

    /** Whether the deployment serves an OpenAI reasoning model. */
    public static boolean reasoning(Deployment d) {
        if (marked(d)) return true;
        if (d.modelInfo() != null && d.modelInfo().get("base_model") instanceof String base && !base.isBlank()) {
            String b = base.trim();
            return named(b.substring(b.lastIndexOf('/') + 1));
        }
        return named(d.model());
    }

    /**
     * The model (for Azure's dated URLs, the deployment) as the provider knows it: an Azure deployment's name without
     * LiteLLM's {@code o_series/} marker (LiteLLM strips it too); the configured name otherwise.
     */
    public static String wireName(Deployment d) {
        return marked(d) ? d.model().substring(O_SERIES.length()) : d.model();
    }

    private static boolean marked(Deployment d) {
        return "azure".equals(d.provider()) && d.model().startsWith(O_SERIES) && d.model().length() > O_SERIES.length();
    }

    private static boolean named(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        return m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4") || m.startsWith("gpt-5");
    }
}
