package dev.switchboard.route;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place that decides what a failed call means for routing: retry it, cool the deployment down, and
 * which fallback list (if any) applies. The README's "which error → retry, cooldown, which fallback" table is
 * this class; keep the two in step.
 */
final class FailurePolicy {
    /** The code of the gateway's own 429 when every deployment of a group is at its rpm/tpm limit. */
    static final String NO_CAPACITY = "deployments_at_capacity";
    /** The code of the gateway's own 429 when every deployment of a group is over its budget or its provider's. */
    static final String NO_BUDGET = "deployments_over_budget";
    /** The code of the gateway's own 429 when every deployment of a group is cooling down and nothing else may serve. */
    static final String COOLING_DOWN = "deployments_cooling_down";

    /** What a failure does to the deployment's circuit breaker. */
    enum Cooldown {
        /** Nothing: the request was at fault, the deployment answered. */
        NONE,
        /** One more failure toward {@code allowed_fails} within the minute. */
        COUNT,
        /** Cool down at once (a 429: the provider asked us to back off). */
        NOW
    }

    /**
     * @param retry    try again within the same model group (another deployment or, after the wait, the same)
     * @param cooldown effect on the deployment's breaker
     * @param fallback which fallback list applies once the group is exhausted; null: none, the error is final
     */
    record Verdict(boolean retry, Cooldown cooldown, FallbackReason fallback) {}

    private static final Verdict TRANSIENT = new Verdict(true, Cooldown.COUNT, FallbackReason.ERROR);
    private static final Verdict RATE_LIMITED = new Verdict(true, Cooldown.NOW, FallbackReason.ERROR);
    private static final Verdict MISCONFIGURED = new Verdict(false, Cooldown.COUNT, FallbackReason.ERROR);
    private static final Verdict AT_CAPACITY = new Verdict(false, Cooldown.NONE, FallbackReason.ERROR);
    private static final Verdict CONTEXT = new Verdict(false, Cooldown.NONE, FallbackReason.CONTEXT_WINDOW);
    private static final Verdict POLICY = new Verdict(false, Cooldown.NONE, FallbackReason.CONTENT_POLICY);
    private static final Verdict CLIENT = new Verdict(false, Cooldown.NONE, null);
    /** The gateway's own buffer bound refused the answer: the deployment is fine, and any other would be refused too. */
    private static final Verdict GATEWAY_FULL = new Verdict(false, Cooldown.NONE, null);
    /**
     * The JVM's own trouble (out of memory, a stack overflow on a deeply nested request): not the deployment's, and the
     * same request would meet it again on any other: final, held against no deployment.
     */
    private static final Verdict JVM_ERROR = new Verdict(false, Cooldown.NONE, null);
    /** Another Error (a broken assertion, a class that failed to load): the gateway's bug, not the deployment's. */
    private static final Verdict GATEWAY_BUG = new Verdict(false, Cooldown.NONE, FallbackReason.ERROR);

    /** Wordings of content-policy refusals (OpenAI, Azure's content filter, Anthropic, Gemini safety). */
    private static final Pattern POLICY_WORDS = Pattern.compile(
            "content (?:management )?policy|content filter|content_filter|safety system|blocked by safety");

    private FailurePolicy() {}

    static Verdict classify(Throwable t) {
        // review 2026-12-07: an Error counted toward the deployment's cooldown as MISCONFIGURED did
        if (t instanceof VirtualMachineError) return JVM_ERROR;
        if (t instanceof Error) return GATEWAY_BUG;
        if (!(t instanceof GatewayException e)) return MISCONFIGURED; // a bug in a provider: do not hammer it
        if (dev.switchboard.model.BufferBudget.EXHAUSTED_CODE.equals(e.code())) return GATEWAY_FULL;
        if (e.kind() == ErrorKind.BAD_REQUEST || e.kind() == ErrorKind.PAYLOAD_TOO_LARGE) {
            if (isContextWindow(e)) return CONTEXT;
            if (isContentPolicy(e)) return POLICY;
        }
        if (e.status() == 408 || e.status() == 409) return TRANSIENT; // as the OpenAI and Anthropic SDKs retry them
        return switch (e.kind()) {
            case RATE_LIMIT -> NO_CAPACITY.equals(e.code()) || NO_BUDGET.equals(e.code())
                    || COOLING_DOWN.equals(e.code()) ? AT_CAPACITY : RATE_LIMITED;
            case UPSTREAM, UNAVAILABLE, TIMEOUT, INTERNAL -> TRANSIENT;
            // The provider rejected our key or does not know the deployment's model: the same deployment
            // would answer the same, but another one may work.
            case AUTHENTICATION, PERMISSION, NOT_FOUND -> MISCONFIGURED;
            case BAD_REQUEST, PAYLOAD_TOO_LARGE -> CLIENT;
            case CLIENT_CLOSED -> CLIENT; // nobody to answer: never retried, never a fallback
        };
    }

    static boolean isContextWindow(GatewayException e) { return e.isContextWindow(); }

    static boolean isContentPolicy(GatewayException e) {
        return "content_policy_violation".equals(e.code()) || "content_filter".equals(e.code())
                || matches(POLICY_WORDS, e.getMessage());
    }

    private static boolean matches(Pattern p, String message) {
        return message != null && p.matcher(message.toLowerCase(Locale.ROOT)).find();
    }
}
