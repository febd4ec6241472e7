package dev.switchboard.route;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's request-body test controls ({@code mock_response}, {@code mock_testing_fallbacks},
 * {@code mock_testing_rate_limit_error}, {@code mock_testing_context_window_fallbacks},
 * {@code mock_testing_content_policy_fallbacks}): its router answers or fails the call itself and never sends them
 * upstream. Switchboard does not simulate them, so a request that asks for one is a 400 naming it: sent on, a real
 * provider refuses the unknown argument (not a failure the fallbacks take), and a lenient one answers normally, so a
 * fallback test would "pass" without any fallback. {@code false} or null asks for nothing and is let through (and,
 * like every routing control, never sent upstream: {@link RequestControls#strip}).
 */
final class LiteLlmTestControls {
    static final List<String> FIELDS = List.of("mock_response", "mock_testing_fallbacks", "mock_testing_rate_limit_error",
            "mock_testing_context_window_fallbacks", "mock_testing_content_policy_fallbacks");

    private LiteLlmTestControls() {}

    static void refuse(Map<String, JsonNode> body) {
        for (String f : FIELDS) {
            JsonNode v = body.get(f);
            if (v == null || v.isNull() || v.isBoolean() && !v.booleanValue()) continue;
            throw GatewayException.badRequest("'" + f + "' is LiteLLM's test control; Switchboard does not simulate answers "
                    + "or failures on request, and does not send it to the provider. Fix: remove it, and test fallbacks and "
                    + "retries with a mock/ deployment's mock_response or mock_fault (see the README, Providers, mock/).", f);
        }
    }
}
