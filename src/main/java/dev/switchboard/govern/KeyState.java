package dev.switchboard.govern;

import dev.switchboard.model.Caller;

/**
 * A virtual key in memory: its stored definition, and what the request path reads of it — the caller it
 * authenticates as, its allowlist and limits, compiled once per version — plus its running budget, which keeps its
 * spend and reservations across updates and rotations.
 */
final class KeyState {
    final Budget budget;
    private volatile Version version;

    /**
     * One consistent version of everything derived from the stored key, swapped whole on update.
     *
     * @param maxBudgetUsd the key's {@code max_budget} as its answers' {@code x-litellm-key-max-budget} says it (plain
     *                     US dollars), formatted once per version rather than on every answer; null for none
     * @param rpmLimitText / tpmLimitText the key's {@code rpm_limit} / {@code tpm_limit} as its answers'
     *                     {@code x-litellm-key-rpm-limit} / {@code -tpm-limit} say them, made once per version; null for none
     * @param modelLimits  the key's per-model limits ({@code metadata.model_rpm_limit} / {@code model_tpm_limit}) by the
     *                     model name a request asks for; empty for none
     */
    record Version(VirtualKey key, Caller caller, ModelAllowlist allowlist, RateLimiter.Limits limits, String maxBudgetUsd,
                   String rpmLimitText, String tpmLimitText, java.util.Map<String, ModelLimits.One> modelLimits) {
        static Version of(VirtualKey k, java.util.Map<String, java.util.List<String>> accessGroups) {
            return new Version(k, Caller.virtualKey(k.keyId(), k.alias(), k.callTags(), k.autoTier(), k.allowedCacheControls(),
                    k.aliases()), new ModelAllowlist(k.models(), k.aliases(), accessGroups),
                    new RateLimiter.Limits(k.rpmLimit(), k.tpmLimit(), k.maxParallelRequests()),
                    k.maxBudget() == null ? null : dev.switchboard.model.PlainDecimal.ofNanos(Budget.nanos(k.maxBudget())),
                    k.rpmLimit() == null ? null : k.rpmLimit().toString(), k.tpmLimit() == null ? null : k.tpmLimit().toString(),
                    ModelLimits.of(k.keyId(), k.metadata()));
        }
    }

    private final java.util.Map<String, java.util.List<String>> accessGroups;

    /**
     * @param shared       whether other gateways may serve this key too (its budget then spends out of a grant)
     * @param accessGroups the config's model access groups, which the key's {@code models} may name
     */
    KeyState(VirtualKey key, long spentInPeriod, long nowMillis, boolean shared,
             java.util.Map<String, java.util.List<String>> accessGroups) {
        this.accessGroups = accessGroups;
        this.version = Version.of(key, accessGroups);
        this.budget = new Budget(Budget.nanos(key.maxBudget()), Budget.nanos(key.softBudget()), BudgetPeriod.of(key),
                spentInPeriod, nowMillis, shared ? new Budget.Grant(key.keyId()) : null);
    }

    Version version() { return version; }

    VirtualKey key() { return version.key(); }

    void update(VirtualKey key, long nowMillis) {
        budget.configure(Budget.nanos(key.maxBudget()), Budget.nanos(key.softBudget()), BudgetPeriod.of(key), nowMillis);
        version = Version.of(key, accessGroups);
    }
}
