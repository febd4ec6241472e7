package dev.switchboard.route;

import dev.switchboard.model.GatewayException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's {@code allowed_fails_policy}: how many failures of one kind a deployment may have within a minute before
 * it cools down, in place of {@code allowed_fails} for that kind; each kind is counted on its own. LiteLLM's nine kinds
 * ({@link #KINDS}) are its exception classes: {@code BadRequestError} (a 400, the context window included),
 * {@code ContentPolicyViolationError}, {@code AuthenticationError} (401), {@code NotFoundError} (404),
 * {@code TimeoutError} (a timeout, a 408), {@code RateLimitError} (the provider's 429), {@code BadGatewayError} (502,
 * and a connection that failed), {@code ServiceUnavailableError} (503) and {@code InternalServerError} (any other 5xx).
 * A 403 is LiteLLM's {@code PermissionDeniedError}, which the policy cannot name: it keeps {@code allowed_fails}.
 *
 * <p>The router's policy ({@code router_settings.allowed_fails_policy}) only changes how many failures of a kind that
 * cools a deployment down already take (as LiteLLM's router-wide one does): a 400 or a content-policy refusal never
 * cools one down, whatever it says. A deployment's own ({@code model_info.allowed_fails_policy}) wins over the router's
 * kind by kind and also opts its kinds in: there a {@code BadRequestErrorAllowedFails: 5} does cool the deployment down
 * at the sixth 400 within a minute (LiteLLM's per-deployment override).
 */
final class AllowedFailsPolicy {
    static final AllowedFailsPolicy NONE = new AllowedFailsPolicy(Map.of(), Set.of());
    /** LiteLLM's field names, in its order. */
    static final List<String> KINDS = List.of("BadRequestErrorAllowedFails", "AuthenticationErrorAllowedFails",
            "TimeoutErrorAllowedFails", "RateLimitErrorAllowedFails", "ContentPolicyViolationErrorAllowedFails",
            "InternalServerErrorAllowedFails", "ServiceUnavailableErrorAllowedFails", "BadGatewayErrorAllowedFails",
            "NotFoundErrorAllowedFails");

    private final Map<String, Integer> allowed;
    /** Kinds counted even when the failure would not cool a deployment down by itself (a deployment's own policy). */
    private final Set<String> optedIn;

    private AllowedFailsPolicy(Map<String, Integer> allowed, Set<String> optedIn) {
        this.allowed = allowed;
        this.optedIn = optedIn;
    }

    /** The router's policy, from router_settings as the loader validated it (unknown kinds were warned and are skipped). */
    static AllowedFailsPolicy from(Object policy) {
        Map<String, Integer> counts = counts(policy);
        return counts.isEmpty() ? NONE : new AllowedFailsPolicy(counts, Set.of());
    }

    /** This policy with a deployment's own ({@code model_info.allowed_fails_policy}) over it: its kinds win and count always. */
    AllowedFailsPolicy overriddenBy(Object deploymentPolicy) {
        Map<String, Integer> own = counts(deploymentPolicy);
        if (own.isEmpty()) return this;
        Map<String, Integer> merged = new LinkedHashMap<>(allowed);
        merged.putAll(own);
        return new AllowedFailsPolicy(Map.copyOf(merged), Set.copyOf(own.keySet()));
    }

    private static Map<String, Integer> counts(Object policy) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (policy instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (KINDS.contains(String.valueOf(k)) && v instanceof Number n) out.put(String.valueOf(k), Math.max(0, n.intValue()));
            });
        }
        return out;
    }

    boolean isEmpty() { return allowed.isEmpty(); }

    /**
     * The failures of {@code kind} allowed within a minute before a cooldown, or null when the policy leaves this one to
     * {@code allowed_fails} (it does not name the kind, or the failure would not cool down and the kind is not opted in).
     *
     * @param coolsDown whether the failure counts toward a cooldown without the policy (FailurePolicy's verdict)
     */
    Integer allowedFor(String kind, boolean coolsDown) {
        String named = named(kind);
        if (named == null) return null;
        return coolsDown || optedIn.contains(named) ? allowed.get(named) : null;
    }

    /**
     * The kind whose entry applies to a failure of {@code kind}: its own, else, for a content-policy refusal, the bad
     * request's (LiteLLM's ContentPolicyViolationError is a BadRequestError, and its policy falls through to that
     * entry); null when the policy names neither. Its failures are counted under that name.
     */
    String named(String kind) {
        if (kind == null) return null;
        if (allowed.containsKey(kind)) return kind;
        if (kind.equals("ContentPolicyViolationErrorAllowedFails") && allowed.containsKey("BadRequestErrorAllowedFails")) {
            return "BadRequestErrorAllowedFails";
        }
        return null;
    }

    /**
     * LiteLLM's kind of a failure; null for one none of its kinds names (a 403, the gateway's own refusals and memory
     * bound, an Error: held against no deployment, see FailurePolicy).
     */
    static String kindOf(Throwable error) {
        if (error instanceof Error) return null;
        if (!(error instanceof GatewayException e)) return "InternalServerErrorAllowedFails";
        if (FailurePolicy.NO_CAPACITY.equals(e.code()) || FailurePolicy.NO_BUDGET.equals(e.code())
                || dev.switchboard.model.BufferBudget.EXHAUSTED_CODE.equals(e.code())) return null; // the gateway's own
        if (e.attemptStatus() == 408) return "TimeoutErrorAllowedFails";
        return switch (e.kind()) {
            case BAD_REQUEST, PAYLOAD_TOO_LARGE -> FailurePolicy.isContentPolicy(e)
                    ? "ContentPolicyViolationErrorAllowedFails" : "BadRequestErrorAllowedFails";
            case AUTHENTICATION -> "AuthenticationErrorAllowedFails";
            case NOT_FOUND -> "NotFoundErrorAllowedFails";
            case TIMEOUT -> "TimeoutErrorAllowedFails";
            case RATE_LIMIT -> "RateLimitErrorAllowedFails";
            // the provider's own 5xx (a 500 behind our 502); a status it sent that we answer as a 5xx (Bedrock's
            // ModelNotReadyException, 429 → 503) counts as the status we answer
            case UPSTREAM, UNAVAILABLE, INTERNAL -> switch (e.attemptStatus() >= 500 ? e.attemptStatus() : e.status()) {
                case 502 -> "BadGatewayErrorAllowedFails";
                case 503 -> "ServiceUnavailableErrorAllowedFails";
                default -> "InternalServerErrorAllowedFails";
            };
            case PERMISSION, CLIENT_CLOSED -> null;
        };
    }
}
