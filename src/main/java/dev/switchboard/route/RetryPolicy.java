package dev.switchboard.route;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's {@code retry_policy} and {@code model_group_retry_policy}: how many times a model group retries a failure of
 * one kind, in place of {@code num_retries} for that kind. LiteLLM's six kinds: {@code BadRequestErrorRetries} (a 400
 * other than context window and content policy), {@code AuthenticationErrorRetries} (401, 403),
 * {@code TimeoutErrorRetries}, {@code RateLimitErrorRetries} (the provider's 429), {@code ContentPolicyViolationErrorRetries}
 * and {@code InternalServerErrorRetries} (5xx, a broken connection). A kind the policy names is retried that many times,
 * also one the gateway would not retry by itself (a 400, as LiteLLM does); any other keeps the default.
 */
final class RetryPolicy {
    static final RetryPolicy NONE = new RetryPolicy(Map.of(), Map.of());
    /** LiteLLM's field names, in its order. */
    static final List<String> KINDS = List.of("BadRequestErrorRetries", "AuthenticationErrorRetries", "TimeoutErrorRetries",
            "RateLimitErrorRetries", "ContentPolicyViolationErrorRetries", "InternalServerErrorRetries");

    private final Map<String, Integer> all;
    private final Map<String, Map<String, Integer>> byGroup;

    private RetryPolicy(Map<String, Integer> all, Map<String, Map<String, Integer>> byGroup) {
        this.all = all;
        this.byGroup = byGroup;
    }

    /** From router_settings as the loader keeps it ({@code retry_policy}, {@code model_group_retry_policy}: validated). */
    static RetryPolicy from(Object retryPolicy, Object groupPolicies) {
        Map<String, Integer> all = counts(retryPolicy);
        Map<String, Map<String, Integer>> byGroup = new LinkedHashMap<>();
        if (groupPolicies instanceof Map<?, ?> m) m.forEach((group, p) -> byGroup.put(String.valueOf(group), counts(p)));
        return all.isEmpty() && byGroup.isEmpty() ? NONE : new RetryPolicy(all, byGroup);
    }

    private static Map<String, Integer> counts(Object policy) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (policy instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (KINDS.contains(String.valueOf(k)) && v instanceof Number n) out.put(String.valueOf(k), n.intValue());
            });
        }
        return out;
    }

    /** The retries the policy gives a failure of {@code group}, or null when it says nothing of its kind (the default). */
    Integer retriesFor(String group, Throwable error) {
        if (this == NONE) return null;
        String kind = kindOf(error);
        if (kind == null) return null;
        Map<String, Integer> own = byGroup.get(group);
        if (own != null && own.containsKey(kind)) return own.get(kind);
        return all.get(kind);
    }

    /** LiteLLM's kind of a failure; null for one none of its kinds names (the gateway's own refusals, an Error). */
    static String kindOf(Throwable error) {
        if (error instanceof Error) return null; // the gateway's own (FailurePolicy): never retried by a policy
        if (!(error instanceof GatewayException e)) return "InternalServerErrorRetries";
        if (FailurePolicy.NO_CAPACITY.equals(e.code()) || FailurePolicy.NO_BUDGET.equals(e.code())) return null;
        if (FailurePolicy.isContentPolicy(e)) return "ContentPolicyViolationErrorRetries";
        return switch (e.kind()) {
            case BAD_REQUEST -> e.isContextWindow() ? null : "BadRequestErrorRetries";
            case AUTHENTICATION, PERMISSION -> "AuthenticationErrorRetries";
            case TIMEOUT -> "TimeoutErrorRetries";
            case RATE_LIMIT -> "RateLimitErrorRetries";
            case UPSTREAM, UNAVAILABLE, INTERNAL -> "InternalServerErrorRetries";
            default -> null;
        };
    }
}
