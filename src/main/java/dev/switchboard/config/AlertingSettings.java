package dev.switchboard.config;

import java.net.URI;
import java.util.List;

/**
 * LiteLLM's alerting ({@code general_settings.alerting}), as far as Switchboard sends it: budget alerts
 * ({@code budget_alerts}) posted to the {@code webhook} channel as LiteLLM's {@code WebhookEvent} JSON, and to the
 * {@code slack} channel as a Slack incoming-webhook message ({@code {"text": …}}).
 *
 * @param budgetWebhooks where the webhook channel posts budget alerts: {@code WEBHOOK_URL}, or without {@code slack} in
 *                       {@code alerting} {@code alert_to_webhook_url.budget_alerts} (one URL or a list); empty when
 *                       that channel is off
 * @param budgetSlack    where the Slack channel posts them: {@code alert_to_webhook_url.budget_alerts} (LiteLLM routes
 *                       Slack messages by it), else {@code SLACK_WEBHOOK_URL}; empty when that channel is off
 * @param webhookSource  where {@code budgetWebhooks} came from, for {@code switchboard check} (a key or variable name)
 * @param slackSource    where {@code budgetSlack} came from
 * @param proxyBaseUrl   LiteLLM's {@code PROXY_BASE_URL}, named at the end of a Slack message as LiteLLM does; or null
 */
public record AlertingSettings(List<URI> budgetWebhooks, List<URI> budgetSlack, String webhookSource, String slackSource,
                               String proxyBaseUrl) {
    public static final AlertingSettings NONE = new AlertingSettings(List.of(), List.of(), null, null, null);

    public AlertingSettings {
        budgetWebhooks = budgetWebhooks == null ? List.of() : List.copyOf(budgetWebhooks);
        budgetSlack = budgetSlack == null ? List.of() : List.copyOf(budgetSlack);
    }

    /**
     * {@link #describe()}'s masked form: a hook URL's path is a bearer secret (whoever holds it posts to the channel), and
     * the record's own toString (also inside GeneralSettings') would print it whole in any log of the config.
     */
    @Override
    public String toString() { return "AlertingSettings[" + describe() + "]"; }

    /** True when budget alerts are posted (to a webhook, to Slack, or both). */
    public boolean budgetAlerts() { return !budgetWebhooks.isEmpty() || !budgetSlack.isEmpty(); }

    /**
     * For {@code switchboard check}: each channel with its URLs masked to scheme, host and port (a hook's path is its
     * secret) and where they came from, e.g. {@code slack to https://hooks.slack.com/… (SLACK_WEBHOOK_URL)}; "off".
     */
    public String describe() {
        if (!budgetAlerts()) return "off";
        StringBuilder out = new StringBuilder();
        channel(out, "webhook", budgetWebhooks, webhookSource);
        channel(out, "slack", budgetSlack, slackSource);
        return out.toString();
    }

    private static void channel(StringBuilder out, String name, List<URI> urls, String source) {
        if (urls.isEmpty()) return;
        if (!out.isEmpty()) out.append("; ");
        out.append(name).append(" to ");
        for (int i = 0; i < urls.size(); i++) out.append(i == 0 ? "" : ", ").append(masked(urls.get(i)));
        if (source != null) out.append(" (").append(source).append(')');
    }

    /** Scheme, host and port, then "/…" when the URL has more: the path and query of a hook URL are its secret. */
    public static String masked(URI url) {
        String base = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        boolean more = (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/"))
                || url.getRawQuery() != null || url.getRawFragment() != null;
        return more ? base + "/…" : base;
    }
}
