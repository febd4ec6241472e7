package dev.switchboard.pipeline;

import dev.switchboard.config.AlertingSettings;
import dev.switchboard.govern.Governor;
import dev.switchboard.govern.SlackBudgetMessage;
import dev.switchboard.observe.WebhookAlerts;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wires LiteLLM's budget alerting ({@code general_settings.alerting: ["webhook", "slack"]}) once: the governor's sink
 * makes each channel's body where a call settles or is refused (the webhook's {@code WebhookEvent} JSON, Slack's
 * {@code {"text": …}}), and only queues it; the sender's thread posts it. {@code govern} and {@code observe} do not know
 * each other, so the bodies are made here from {@code govern}'s alert and handed to {@code observe}'s sender.
 */
final class BudgetAlerting {
    static final String WEBHOOK = "webhook", SLACK = "slack";

    private BudgetAlerting() {}

    /** The sender, started, with the governor's sink set; null when no budget alert is posted. */
    static WebhookAlerts start(AlertingSettings settings, Governor governor, MeterRegistry meters, long backoffMillis) {
        if (!settings.budgetAlerts()) return null;
        List<WebhookAlerts.Hook> hooks = new ArrayList<>();
        for (URI u : settings.budgetWebhooks()) hooks.add(new WebhookAlerts.Hook(WEBHOOK, u));
        for (URI u : settings.budgetSlack()) hooks.add(new WebhookAlerts.Hook(SLACK, u));
        WebhookAlerts sender = new WebhookAlerts(hooks, meters, backoffMillis);
        boolean webhook = !settings.budgetWebhooks().isEmpty(), slack = !settings.budgetSlack().isEmpty();
        String proxyBaseUrl = settings.proxyBaseUrl();
        governor.alerts(a -> {
            Map<String, String> bodies = new HashMap<>(4);
            if (webhook) bodies.put(WEBHOOK, a.json());
            if (slack) bodies.put(SLACK, SlackBudgetMessage.json(a, Instant.now(), proxyBaseUrl));
            sender.offer("budget_alerts", bodies, a.describe());
        });
        return sender;
    }
}
