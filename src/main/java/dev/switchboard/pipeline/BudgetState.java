package dev.switchboard.pipeline;

/**
 * One budget of budget routing as it stands: a provider's ({@code router_settings.provider_budget_config}) or a
 * deployment's ({@code litellm_params.max_budget}), for {@code GET /provider/budgets}.
 *
 * @param kind        {@code provider} or {@code deployment}
 * @param name        the provider (openai) or the deployment id (openai/gpt-4o)
 * @param period      its reset period as written (1d, 1mo), or null for one that never resets
 * @param limitNanos  the budget in nano-dollars
 * @param spentNanos  this period's spend in nano-dollars
 * @param resetsAt    when the current period ends (epoch ms), or null for none
 */
public record BudgetState(String kind, String name, long limitNanos, String period, long spentNanos, Long resetsAt) {
    /** US dollars as an exact decimal, in plain notation where JSON allows it (0.00005, not 5.0E-5). */
    public static java.math.BigDecimal usd(long nanos) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }
}
