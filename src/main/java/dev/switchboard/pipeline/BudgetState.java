package dev.switchboard.pipeline;

/**
 * One budget of budget routing as it stands: a provider's ({@code router_settings.provider_budget_config}) or a
 * deployment's ({@code litellm_params.max_budget}), for {@code GET /provider/budgets}.
 *
 * @param kind        {@code provider} or {@code deployment}
 * @param name        the provider (openai) or the deployment id (openai/gpt-4o)
 * @param period      its reset period as written (1d, 1mo), or null for one that never resets
 * @param resetsAt    when the current period ends (epoch ms), or null for none
 */
public record BudgetState(String kind, String name, double limitUsd, String period, double spentUsd, Long resetsAt) {}
