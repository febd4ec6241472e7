package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.SafeUrl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LiteLLM's {@code x-litellm-model-id} and {@code x-litellm-model-api-base} of the deployment that served: its docs
 * (tag_routing, reliability, load_balancing) tell users to check them to see which deployment answered, so scripts and
 * dashboards moved over read them. The id is the one {@code /model/info} shows ({@code model_info.id}, else
 * provider/model); the base is the deployment's {@code api_base} without credentials, query or fragment (never a key),
 * and left out when the deployment has none of its own.
 */
final class LiteLlmResponseHeaders {
    static final String MODEL_ID = "x-litellm-model-id", API_BASE = "x-litellm-model-api-base";

    private LiteLlmResponseHeaders() {}

    static Map<String, String> of(Deployment d) {
        Map<String, String> out = new LinkedHashMap<>(2);
        String own = ModelNames.deploymentId(d);
        out.put(MODEL_ID, own != null ? own : d.id());
        String base = d.apiBase() == null ? null : SafeUrl.withoutSecrets(d.apiBase());
        if (base != null && !base.contains("(not shown)")) out.put(API_BASE, base);
        return out;
    }
}
