package dev.switchboard.model;

/**
 * Why a call was refused by a guardrail, carried on its {@link GatewayException} so the spend stage can put the call
 * in the ledger as blocked (a refusal by governance is not recorded; a guardrail's is, like LiteLLM's spend log row of a
 * blocked request) and price what the provider was already paid for.
 *
 * @param guardrail   the {@code guardrail_name} that blocked
 * @param mode        {@code pre_call}, {@code during_call} or {@code post_call}
 * @param deployment  the deployment that had been called ({@code provider/model}), or null when none was (pre_call)
 * @param usage       the usage that call reported, or null when it reported none (the gateway then estimates)
 * @param outputChars without usage, the characters of output the provider had sent (the estimate counts them): a
 *                    blocked stream is cut, and what it streamed before the cut is still billed
 */
public record GuardrailBlock(String guardrail, String mode, String deployment, Usage usage, long outputChars) {
    /** The error type blocked calls are recorded with in the ledger and the request log. */
    public static final String ERROR_TYPE = "guardrail_blocked";

    /** A block before the call was made, or whose call's cost is filled in later ({@link GatewayException#blockedBy}). */
    public GuardrailBlock(String guardrail, String mode, String deployment, Usage usage) {
        this(guardrail, mode, deployment, usage, 0);
    }
}
