package dev.switchboard.config;

import java.net.URI;
import java.util.List;

/**
 * LiteLLM's webhook alerting ({@code general_settings.alerting: ["webhook"]}), as far as Switchboard sends it: budget
 * alerts ({@code budget_alerts}) posted as LiteLLM's {@code WebhookEvent} JSON.
 *
 * @param budgetWebhooks where budget alerts are posted: {@code alert_to_webhook_url.budget_alerts} (one URL or a list),
 *                       else LiteLLM's {@code WEBHOOK_URL}; empty when budget alerts are off (no {@code webhook} in
 *                       {@code alerting}, or {@code alert_types} without {@code budget_alerts})
 */
public record AlertingSettings(List<URI> budgetWebhooks) {
    public static final AlertingSettings NONE = new AlertingSettings(List.of());

    public AlertingSettings {
        budgetWebhooks = budgetWebhooks == null ? List.of() : List.copyOf(budgetWebhooks);
    }

    /** True when budget alerts are posted. */
    public boolean budgetAlerts() { return !budgetWebhooks.isEmpty(); }
}
