package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LiteLLM's alerting keys: webhook and Slack budget alerts are read, what is not sent is said at start, a bad URL is an error. */
class AlertingKeysTest {
    private static final String MODELS = """
            model_list:
              - model_name: a
                litellm_params: { model: mock/x }
            """;

    private static GatewayConfig load(Map<String, String> env, String general) {
        return new ConfigLoader(new HashMap<>(env)::get).parse(MODELS + "general_settings:\n" + general);
    }

    @Test
    void webhookAlertingPostsBudgetAlertsToWebhookUrlAsLiteLlmReadsIt() {
        GatewayConfig c = load(Map.of("WEBHOOK_URL", "https://hooks.example.com/budget"), "  alerting: [\"webhook\"]\n");
        assertThat(c.general().alerting().budgetWebhooks()).containsExactly(URI.create("https://hooks.example.com/budget"));
        assertThat(c.warnings()).noneMatch(w -> w.contains("alerting"));
    }

    @Test
    void alertToWebhookUrlsBudgetAlertsEntryIsUsedInPlaceOfWebhookUrl() {
        GatewayConfig c = load(Map.of("WEBHOOK_URL", "https://default.example.com/x", "HOOK", "https://b.example.com/h"), """
                  alerting: [webhook]
                  alert_to_webhook_url:
                    budget_alerts: [https://a.example.com/h, os.environ/HOOK]
                    llm_exceptions: https://c.example.com/h
                """);
        assertThat(c.general().alerting().budgetWebhooks())
                .containsExactly(URI.create("https://a.example.com/h"), URI.create("https://b.example.com/h"));
        assertThat(c.warnings()).anyMatch(w -> w.contains("general_settings.alert_to_webhook_url: llm_exceptions: not sent by Switchboard"));
    }

    @Test
    void otherChannelsAndAlertTypesAreNamedAsNotSent() {
        GatewayConfig c = load(Map.of("WEBHOOK_URL", "http://127.0.0.1:9/x"), """
                  alerting: [webhook, email, pagerduty]
                  alert_types: [llm_exceptions, budget_alerts, llm_too_slow]
                  alerting_threshold: 300
                """);
        assertThat(c.general().alerting().budgetAlerts()).isTrue();
        assertThat(c.warnings())
                .anyMatch(w -> w.startsWith("line 5: general_settings.alerting: email, pagerduty alerts are not sent by Switchboard"))
                .anyMatch(w -> w.startsWith("line 6: general_settings.alert_types: llm_exceptions, llm_too_slow: not sent by Switchboard"))
                .anyMatch(w -> w.contains("general_settings.alerting_threshold: not supported, ignored: LiteLLM's slow and hanging"))
                .noneMatch(w -> w.contains("general_settings.alerting: not supported"));
    }

    /** LiteLLM's quick start: alerting: ["slack"] and SLACK_WEBHOOK_URL; budget alerts go to Slack, nothing is warned. */
    @Test
    void slackAlertingPostsBudgetAlertsToSlackWebhookUrl() {
        GatewayConfig c = load(Map.of("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/" + "abc" + "def"),
                "  alerting: [\"slack\"]\n");
        AlertingSettings a = c.general().alerting();
        assertThat(a.budgetSlack()).containsExactly(URI.create("https://hooks.slack.com/services/T0/B0/abcdef"));
        assertThat(a.budgetWebhooks()).isEmpty();
        assertThat(a.budgetAlerts()).isTrue();
        assertThat(a.describe()).isEqualTo("slack to https://hooks.slack.com/… (SLACK_WEBHOOK_URL)").doesNotContain("abcdef");
        assertThat(c.warnings()).noneMatch(w -> w.contains("alert"));
        // the hook's secret path is in no toString, the record's nor the general settings' that hold it
        assertThat(a.toString()).doesNotContain("abcdef").contains("hooks.slack.com");
        assertThat(c.general().toString()).doesNotContain("abcdef");
    }

    /** LiteLLM routes Slack messages by alert_to_webhook_url (a URL or a list), in place of SLACK_WEBHOOK_URL. */
    @Test
    void withSlackListedAlertToWebhookUrlIsWhereSlackMessagesGo() {
        GatewayConfig c = load(Map.of("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/default",
                "WEBHOOK_URL", "https://json.example.com/budget", "PROXY_BASE_URL", "https://gw.example.com"), """
                  alerting: [slack, webhook]
                  alert_to_webhook_url:
                    budget_alerts: [https://hooks.slack.com/services/a, https://hooks.slack.com/services/b]
                """);
        AlertingSettings a = c.general().alerting();
        assertThat(a.budgetSlack()).containsExactly(URI.create("https://hooks.slack.com/services/a"),
                URI.create("https://hooks.slack.com/services/b"));
        assertThat(a.budgetWebhooks()).as("LiteLLM's webhook channel reads WEBHOOK_URL only")
                .containsExactly(URI.create("https://json.example.com/budget"));
        assertThat(a.proxyBaseUrl()).isEqualTo("https://gw.example.com");
        assertThat(a.describe()).isEqualTo("webhook to https://json.example.com/… (WEBHOOK_URL); slack to "
                + "https://hooks.slack.com/…, https://hooks.slack.com/… (alert_to_webhook_url.budget_alerts)");
        assertThat(c.warnings()).noneMatch(w -> w.contains("alert"));
    }

    /**
     * LiteLLM's quick-start line without SLACK_WEBHOOK_URL (a `switchboard check` in CI without secrets, a config copied
     * from LiteLLM's docs): LiteLLM starts, and so does Switchboard, with a warning naming the variable; Slack is off.
     */
    @Test
    void slackWithoutAnyUrlIsAWarningNamingSlackWebhookUrlAndTheChannelIsOff() {
        GatewayConfig c = load(Map.of(), "  alerting: [\"slack\"]\n");
        assertThat(c.general().alerting().budgetAlerts()).isFalse();
        assertThat(c.general().alerting().describe()).isEqualTo("off");
        assertThat(c.warnings()).anyMatch(w -> w.contains("general_settings.alerting: slack alerts are not sent: "
                + "SLACK_WEBHOOK_URL is not set") && w.contains("Fix: export SLACK_WEBHOOK_URL=https://hooks.slack.com/services/…"));
        // an empty variable is no URL either
        assertThat(load(Map.of("SLACK_WEBHOOK_URL", ""), "  alerting: slack\n").general().alerting().budgetAlerts()).isFalse();
    }

    /** [slack, webhook]: each channel takes its own URL; Slack's missing one turns only Slack off. */
    @Test
    void slackAndWebhookCombinationsStaySensible() {
        // no URL at all: the webhook's error, as before Slack was sent; Slack's is only a warning
        assertThatThrownBy(() -> load(Map.of(), "  alerting: [slack, webhook]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("webhook needs a URL to post to, and WEBHOOK_URL is not set")
                .hasMessageNotContaining("slack needs a URL");
        // WEBHOOK_URL only: the webhook is sent, Slack is off with a warning
        GatewayConfig c = load(Map.of("WEBHOOK_URL", "https://json.example.com/budget"), "  alerting: [slack, webhook]\n");
        assertThat(c.general().alerting().budgetWebhooks()).containsExactly(URI.create("https://json.example.com/budget"));
        assertThat(c.general().alerting().budgetSlack()).isEmpty();
        assertThat(c.general().alerting().describe()).isEqualTo("webhook to https://json.example.com/… (WEBHOOK_URL)");
        assertThat(c.warnings()).anyMatch(w -> w.contains("slack alerts are not sent: SLACK_WEBHOOK_URL is not set"));
        // the map and no WEBHOOK_URL (loaded before Slack was sent, the map then got the JSON): it still loads, the map
        // gets the Slack messages as in LiteLLM, the webhook is off and the warning says what changed
        c = load(Map.of(), """
                  alerting: [slack, webhook]
                  alert_to_webhook_url: { budget_alerts: https://hooks.slack.com/services/x }
                """);
        assertThat(c.general().alerting().budgetSlack()).containsExactly(URI.create("https://hooks.slack.com/services/x"));
        assertThat(c.general().alerting().budgetWebhooks()).isEmpty();
        assertThat(c.warnings()).anyMatch(w -> w.contains("webhook alerts are not sent: WEBHOOK_URL is not set")
                && w.contains("with slack listed, alert_to_webhook_url is where the Slack messages go")
                && w.contains("before Switchboard sent Slack messages it got the webhook's JSON"));
        // a malformed SLACK_WEBHOOK_URL stays an error, next to a working webhook too
        assertThatThrownBy(() -> load(Map.of("WEBHOOK_URL", "https://json.example.com/budget", "SLACK_WEBHOOK_URL", "nope"),
                "  alerting: [slack, webhook]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLACK_WEBHOOK_URL (environment, read for slack alerting) is not an http(s) URL");
    }

    @Test
    void aSlackUrlThatIsNotAUrlIsAnErrorThatDoesNotShowTheValue() {
        assertThatThrownBy(() -> load(Map.of("SLACK_WEBHOOK_URL", "hooks.slack.com/services/T0/B0/secret-token"),
                "  alerting: slack\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLACK_WEBHOOK_URL (environment, read for slack alerting) is not an http(s) URL")
                .hasMessageNotContaining("secret-token");
    }

    @Test
    void alertTypesWithoutBudgetAlertsSendNothing() {
        GatewayConfig c = load(Map.of("WEBHOOK_URL", "https://h.example.com/x"), """
                  alerting: [webhook]
                  alert_types: [llm_exceptions]
                """);
        assertThat(c.general().alerting().budgetAlerts()).isFalse();
        assertThat(c.warnings()).anyMatch(w -> w.contains("alert_types has no budget_alerts"));
    }

    @Test
    void webhookWithoutAnyUrlIsAnErrorNamingWebhookUrl() {
        assertThatThrownBy(() -> load(Map.of(), "  alerting: [webhook]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("general_settings.alerting: webhook needs a URL to post to, and WEBHOOK_URL is not set");
    }

    @Test
    void aWebhookThatIsNotAUrlIsAnErrorThatDoesNotShowTheValue() {
        assertThatThrownBy(() -> load(Map.of("WEBHOOK_URL", "hooks.example.com/secret-token"), "  alerting: [webhook]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("WEBHOOK_URL (environment, read for webhook alerting) is not an http(s) URL")
                .hasMessageNotContaining("secret-token");
        assertThatThrownBy(() -> load(Map.of(), """
                  alerting: [webhook]
                  alert_to_webhook_url: { budget_alerts: "ftp://x.example.com/y" }
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("general_settings.alert_to_webhook_url.budget_alerts: not an http(s) URL");
    }
}
