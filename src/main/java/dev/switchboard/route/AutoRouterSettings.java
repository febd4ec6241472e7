package dev.switchboard.route;

import java.util.List;
import java.util.Map;

/**
 * {@code router_settings.auto_router}: the cost-tier alias. Defaults are chosen so that a bare
 * {@code auto_router: {}} with model_names {@code cheap} and {@code smart} works.
 *
 * @param alias           the name apps ask for ({@code auto})
 * @param cheapAlias      the model_name of the cheap tier
 * @param smartAlias      the model_name of the smart tier
 * @param defaultTier     the tier when no rule decides and the classifier is off
 * @param maxCheapTokens  estimated prompt tokens above which a request goes to the smart tier
 * @param smartKeywords   words in the last user message that send it to the smart tier
 * @param toolsTier       the tier of requests that offer tools (agents: multi-step work, smart by default)
 * @param classifier      ask a model ({@code classifierAlias}) when no rule decides
 * @param classifierAlias the model_name that classifies (the cheap tier by default)
 * @param cacheSize       classifier answers kept, by prompt hash
 */
public record AutoRouterSettings(String alias, String cheapAlias, String smartAlias, String defaultTier,
                                 int maxCheapTokens, List<String> smartKeywords, String toolsTier, boolean classifier,
                                 String classifierAlias, int cacheSize) {
    public static final String CHEAP = "cheap";
    public static final String SMART = "smart";
    static final List<String> DEFAULT_KEYWORDS = List.of("prove", "proof", "step by step", "analyze", "analyse",
            "architecture", "refactor", "debug", "optimize", "optimise", "algorithm", "derive", "theorem",
            "trade-off", "trade-offs", "in depth", "rigorous", "design a", "write a program", "implement");

    static AutoRouterSettings from(Map<?, ?> m) {
        String cheap = text(m, "cheap", CHEAP);
        return new AutoRouterSettings(
                text(m, "alias", "auto"),
                cheap,
                text(m, "smart", SMART),
                text(m, "default_tier", CHEAP),
                m.get("max_cheap_tokens") == null ? 2000 : (int) Double.parseDouble(m.get("max_cheap_tokens").toString()),
                m.get("smart_keywords") instanceof List<?> l ? l.stream().map(Object::toString).toList() : DEFAULT_KEYWORDS,
                text(m, "tools_tier", SMART),
                RouterSettings.flag(m.get("classifier"), false),
                text(m, "classifier_model", cheap),
                m.get("classifier_cache_size") == null ? 10_000
                        : (int) Double.parseDouble(m.get("classifier_cache_size").toString()));
    }

    /** The model_name of a tier. */
    public String aliasOf(String tier) { return SMART.equals(tier) ? smartAlias : cheapAlias; }

    private static String text(Map<?, ?> m, String key, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : v.toString();
    }
}
