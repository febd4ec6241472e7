package dev.switchboard.govern;

import dev.switchboard.model.DurationSpec;

/**
 * The governance settings of the config: the global cap over every call ({@code litellm_settings.max_budget}, USD,
 * with {@code budget_duration}). Every budget resets on LiteLLM's schedule in {@link #budgetZone}: the global one's
 * periods are set at 1970-01-01, so {@code 1mo} resets on the 1st of each month and {@code 1d} at midnight, the same
 * after any restart.
 *
 * @param globalMaxBudget null for no global cap
 * @param globalPeriod    null for a cap that never resets
 * @param jwt             JWT auth, or null when off
 * @param endUserMaxBudget LiteLLM's {@code max_end_user_budget}: every end user's budget in USD (for ever), unless
 *                         their {@code /customer} row gives them their own; null for none
 * @param budgetExceededStatus LiteLLM's {@code budget_exceeded_status_code}: the HTTP status of a budget refusal (a key's,
 *                         an end user's, the global one); null for Switchboard's 400
 * @param userDefaults     LiteLLM's {@code max_internal_user_budget} and {@code internal_user_budget_duration}: what
 *                         {@code /user/new} gives an internal user who is given no budget
 * @param budgetZone       LiteLLM's {@code timezone}: where budgets reset (midnight, Monday, the 1st); null for UTC
 * @param keyGenerate      LiteLLM's {@code default_key_generate_params} and {@code upperbound_key_generate_params}
 */
public record GovernSettings(Double globalMaxBudget, DurationSpec globalPeriod, JwtSettings jwt,
                             java.util.Map<String, java.util.List<String>> accessGroups, Integer globalMaxParallel,
                             Double endUserMaxBudget, Integer budgetExceededStatus, UserDefaults userDefaults,
                             java.time.ZoneId budgetZone, KeyGenerateRules keyGenerate) {
    /**
     * The budget {@code /user/new} gives a user of LiteLLM's {@code internal_user} role (or of none) who is given none.
     *
     * @param maxBudget      USD, or null for none
     * @param budgetDuration its period, or null for never (LiteLLM's {@code internal_user_budget_duration})
     */
    public record UserDefaults(Double maxBudget, DurationSpec budgetDuration) {
        public static final UserDefaults NONE = new UserDefaults(null, null);
    }

    /** A budget refusal's status unless {@code budget_exceeded_status_code} says otherwise (LiteLLM's before v1.104: 400). */
    public static final int DEFAULT_BUDGET_STATUS = 400;

    public static final GovernSettings NONE = new GovernSettings(null, null, null);

    public GovernSettings {
        accessGroups = accessGroups == null ? java.util.Map.of() : java.util.Map.copyOf(accessGroups);
        userDefaults = userDefaults == null ? UserDefaults.NONE : userDefaults;
        budgetZone = budgetZone == null ? java.time.ZoneOffset.UTC : budgetZone;
        keyGenerate = keyGenerate == null ? KeyGenerateRules.NONE : keyGenerate;
    }

    public GovernSettings(Double globalMaxBudget, DurationSpec globalPeriod) { this(globalMaxBudget, globalPeriod, null); }

    public GovernSettings(Double globalMaxBudget, DurationSpec globalPeriod, JwtSettings jwt) {
        this(globalMaxBudget, globalPeriod, jwt, null, null, null, null, null, null, null);
    }

    /** These settings with LiteLLM's {@code global_max_parallel_requests} (null: no limit). */
    public GovernSettings withGlobalMaxParallel(Integer max) {
        return new GovernSettings(globalMaxBudget, globalPeriod, jwt, accessGroups, max, endUserMaxBudget, budgetExceededStatus, userDefaults, budgetZone, keyGenerate);
    }

    /**
     * These settings with LiteLLM's model access groups ({@code model_info.access_groups}): group name → the
     * model_names in it. A key whose {@code models} names a group may use every model of it.
     */
    public GovernSettings withAccessGroups(java.util.Map<String, java.util.List<String>> groups) {
        return new GovernSettings(globalMaxBudget, globalPeriod, jwt, groups, globalMaxParallel, endUserMaxBudget, budgetExceededStatus, userDefaults, budgetZone, keyGenerate);
    }

    /** From {@code litellm_settings} as the config loader keeps it (already validated). */
    public static GovernSettings from(java.util.Map<String, Object> litellmSettings) {
        return from(litellmSettings, java.util.Map.of());
    }

    /** @param jwtAuth {@code general_settings}' JWT auth as the config loader keeps it (empty when off) */
    public static GovernSettings from(java.util.Map<String, Object> litellmSettings, java.util.Map<String, Object> jwtAuth) {
        Object period = litellmSettings.get("budget_duration");
        Object userPeriod = litellmSettings.get("internal_user_budget_duration");
        return new GovernSettings(usd(litellmSettings.get("max_budget")), period == null ? null : DurationSpec.parse(period.toString()),
                JwtSettings.from(jwtAuth), null, null, usd(litellmSettings.get("max_end_user_budget")),
                status(litellmSettings.get("budget_exceeded_status_code")),
                new UserDefaults(usd(litellmSettings.get("max_internal_user_budget")),
                        userPeriod == null ? null : DurationSpec.parse(userPeriod.toString())),
                zone(litellmSettings.get("timezone")),
                new KeyGenerateRules(map(litellmSettings.get("default_key_generate_params")),
                        map(litellmSettings.get("upperbound_key_generate_params"))));
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> map(Object v) {
        return v instanceof java.util.Map<?, ?> m ? (java.util.Map<String, Object>) m : null;
    }

    /** LiteLLM's {@code timezone} as the config loader kept it (checked already), or null for UTC. */
    private static java.time.ZoneId zone(Object v) {
        return v instanceof String s && !s.isBlank() ? java.time.ZoneId.of(s.trim()) : null;
    }

    /** A status as the config loader kept it (checked already): a number, or a string of one (quoted, os.environ/). */
    private static Integer status(Object v) {
        if (v instanceof Number n) return n.intValue();
        return v instanceof String s && !s.isBlank() ? Integer.valueOf(s.trim()) : null;
    }

    /** The status of a budget refusal. */
    public int budgetStatus() { return budgetExceededStatus == null ? DEFAULT_BUDGET_STATUS : budgetExceededStatus; }

    private static Double usd(Object v) {
        return v instanceof Number n ? n.doubleValue() : v instanceof String s ? Double.valueOf(s) : null;
    }
}
