package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.SafeUrl;
import dev.switchboard.model.WireHeaders;
import io.vertx.core.http.HttpHeaders;

/**
 * LiteLLM's {@code x-litellm-model-id} and {@code x-litellm-model-api-base} of the deployment that served: its docs
 * (tag_routing, reliability, load_balancing) tell users to check them to see which deployment answered, so scripts and
 * dashboards moved over read them. The id is the one {@code /model/info} shows ({@code model_info.id}, else
 * provider/model); the base is the deployment's {@code api_base} without credentials, query or fragment (never a key),
 * and left out when the deployment has none of its own. Made once per deployment, names and values in the server's
 * pre-hashed form ({@link WireHeaders}), since every served answer carries them.
 */
final class LiteLlmResponseHeaders {
    static final String MODEL_ID = "x-litellm-model-id", API_BASE = "x-litellm-model-api-base";
    private static final CharSequence MODEL_ID_NAME = HttpHeaders.createOptimized(MODEL_ID);
    private static final CharSequence API_BASE_NAME = HttpHeaders.createOptimized(API_BASE);

    private LiteLlmResponseHeaders() {}

    static WireHeaders of(Deployment d) {
        String own = ModelNames.deploymentId(d);
        WireHeaders out = WireHeaders.EMPTY.with(MODEL_ID_NAME, HttpHeaders.createOptimized(own != null ? own : d.id()));
        String base = d.apiBase() == null ? null : SafeUrl.withoutSecrets(d.apiBase());
        return base != null && !base.contains("(not shown)") ? out.with(API_BASE_NAME, HttpHeaders.createOptimized(base)) : out;
    }
}
