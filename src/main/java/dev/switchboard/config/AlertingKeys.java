package dev.switchboard.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads LiteLLM's alerting keys of {@code general_settings}: {@code alerting} (the channels: {@code webhook} and
 * {@code slack} are sent, the others are named in a warning), {@code alert_types} (absent: LiteLLM's default, which has
 * {@code budget_alerts}; the other types are named in a warning as not sent) and {@code alert_to_webhook_url} (its
 * {@code budget_alerts} entry, one URL or a list, is where LiteLLM posts its Slack budget messages, in place of
 * {@code SLACK_WEBHOOK_URL}; without {@code slack} in {@code alerting} it is the webhook's, in place of
 * {@code WEBHOOK_URL}, as Switchboard read it before it sent Slack messages). A URL that is not an absolute http(s)
 * URL is an error that does not show the value (a hook URL holds its secret). A listed {@code slack} without any URL is a
 * warning and that channel is off (LiteLLM starts so too; it was Switchboard's behaviour before it sent Slack messages),
 * as is a listed {@code webhook} without {@code WEBHOOK_URL} when {@code slack} takes the map; a listed {@code webhook}
 * without any URL otherwise stays an error, as it always was.
 */
final class AlertingKeys {
    static final String WEBHOOK_URL = "WEBHOOK_URL";
    static final String SLACK_WEBHOOK_URL = "SLACK_WEBHOOK_URL";
    static final String PROXY_BASE_URL = "PROXY_BASE_URL";
    static final String BUDGET = "budget_alerts";
    private static final String MAP_SOURCE = "alert_to_webhook_url.budget_alerts";

    private AlertingKeys() {}

    static AlertingSettings read(YamlWalker w, Map<String, Node> g) {
        Node alertingNode = g.get("alerting");
        if (alertingNode == null || YamlWalker.isNull(alertingNode)) {
            if (g.containsKey("alert_types") || g.containsKey("alert_to_webhook_url")) {
                Node at = g.containsKey("alert_types") ? g.get("alert_types") : g.get("alert_to_webhook_url");
                w.warn(at, "general_settings.alerting", "not set, so no alert is sent. Fix: alerting: [\"slack\"] with "
                        + SLACK_WEBHOOK_URL + " set, or alerting: [\"webhook\"] with " + WEBHOOK_URL + " set, to have budget "
                        + "alerts posted.");
            }
            return AlertingSettings.NONE;
        }
        Set<String> channels = new LinkedHashSet<>(strings(w, alertingNode, "general_settings.alerting"));
        boolean webhook = channels.contains("webhook");
        boolean slack = channels.contains("slack");
        List<String> others = new ArrayList<>(channels);
        others.remove("webhook");
        others.remove("slack");
        if (!others.isEmpty()) {
            w.warn(alertingNode, "general_settings.alerting", String.join(", ", others) + " alerts are not sent by Switchboard; "
                    + "only slack and webhook are (budget alerts: a Slack message to SLACK_WEBHOOK_URL, LiteLLM's JSON to "
                    + "WEBHOOK_URL, see \"Budget alerts\").");
        }
        boolean budget = true; // LiteLLM's default alert_types include budget_alerts
        Node typesNode = g.get("alert_types");
        if (typesNode != null && !YamlWalker.isNull(typesNode)) {
            Set<String> types = new LinkedHashSet<>(strings(w, typesNode, "general_settings.alert_types"));
            budget = types.remove(BUDGET);
            if (!types.isEmpty()) {
                w.warn(typesNode, "general_settings.alert_types", String.join(", ", types) + ": not sent by Switchboard (only "
                        + "budget_alerts is, through Slack and the webhook).");
            }
        }
        List<URI> mapped = new ArrayList<>();
        boolean fromMap = false;
        Node mapNode = g.get("alert_to_webhook_url");
        if (mapNode != null && !YamlWalker.isNull(mapNode)) {
            Map<String, Node> m = w.mapping(mapNode, "general_settings.alert_to_webhook_url");
            List<String> notSent = new ArrayList<>();
            for (var e : m.entrySet()) {
                String path = "general_settings.alert_to_webhook_url." + e.getKey();
                if (!e.getKey().equals(BUDGET)) {
                    notSent.add(e.getKey());
                    continue;
                }
                for (Node u : e.getValue() instanceof SequenceNode s ? s.getValue() : List.of(e.getValue())) {
                    String text = w.string(u, path);
                    if (text == null) continue;
                    fromMap = true;
                    URI url = url(text);
                    if (url == null) {
                        w.error(u, path, "not an http(s) URL (the value is not shown: it may hold a hook's secret). Fix: an "
                                + "absolute URL such as https://hooks.slack.com/services/…, or os.environ/VARIABLE holding one.");
                    } else {
                        mapped.add(url);
                    }
                }
            }
            if (!notSent.isEmpty()) {
                w.warn(mapNode, "general_settings.alert_to_webhook_url", String.join(", ", notSent) + ": not sent by Switchboard "
                        + "(only budget_alerts is).");
            }
        }
        if (!webhook && !slack) return AlertingSettings.NONE;
        if (!budget) {
            w.warn(alertingNode, "general_settings.alerting", (slack && webhook ? "slack and webhook are" : slack ? "slack is" : "webhook is")
                    + " listed but alert_types has no budget_alerts, the only alerts Switchboard sends: nothing will be posted.");
            return AlertingSettings.NONE;
        }
        List<URI> slackUrls = List.of();
        String slackSource = null;
        if (slack) { // LiteLLM's send_alert: alert_to_webhook_url[budget_alerts], else SLACK_WEBHOOK_URL
            if (fromMap) {
                slackUrls = mapped;
                slackSource = MAP_SOURCE;
            } else {
                // unset: a warning and the channel off, as before Slack was sent: LiteLLM starts with this quick-start line
                // and fails only when it sends, and `switchboard check` in CI often runs without the hook's secret
                slackUrls = envUrl(w, alertingNode, SLACK_WEBHOOK_URL, "slack", "https://hooks.slack.com/services/…",
                        ", or set alert_to_webhook_url: { budget_alerts: https://hooks.slack.com/… }, or remove slack from alerting.",
                        true);
                slackSource = slackUrls.isEmpty() ? null : SLACK_WEBHOOK_URL;
            }
        }
        List<URI> webhookUrls = List.of();
        String webhookSource = null;
        if (webhook) { // LiteLLM's send_webhook_alert reads WEBHOOK_URL only; the map is the webhook's only without slack
            if (fromMap && !slack) {
                webhookUrls = mapped;
                webhookSource = MAP_SOURCE;
            } else {
                // [slack, webhook] with the map and no WEBHOOK_URL loaded before Slack was sent (the map was the webhook's):
                // it still loads, the map now gets the Slack messages (as in LiteLLM) and the webhook is off, with a warning
                webhookUrls = envUrl(w, alertingNode, WEBHOOK_URL, "webhook", "https://hooks.example.com/budget", slack
                        ? ", or remove webhook from alerting (with slack listed, alert_to_webhook_url is where the Slack "
                                + "messages go, as in LiteLLM" + (fromMap ? "; before Switchboard sent Slack messages it got "
                                + "the webhook's JSON" : "") + ")."
                        : ", or set alert_to_webhook_url: { budget_alerts: https://… }, or remove webhook from alerting.",
                        slack && fromMap);
                webhookSource = webhookUrls.isEmpty() ? null : WEBHOOK_URL;
            }
        }
        String proxyBaseUrl = slack ? w.env(PROXY_BASE_URL) : null;
        return new AlertingSettings(webhookUrls, slackUrls, webhookSource, slackSource, proxyBaseUrl);
    }

    /**
     * The URL in environment variable {@code name}, read for {@code channel}. Unset: a warning that the channel is off
     * when {@code unsetWarns}, else an error; set but not a URL: always an error (without the value).
     */
    private static List<URI> envUrl(YamlWalker w, Node at, String name, String channel, String example, String otherFix,
                                    boolean unsetWarns) {
        String env = w.env(name);
        if (env == null || env.isBlank()) {
            String fix = "export " + name + "=" + example + " (LiteLLM's variable; environment_variables: works too)" + otherFix;
            if (unsetWarns) {
                w.warn(at, "general_settings.alerting", channel + " alerts are not sent: " + name + " is not set, so "
                        + channel + " has no URL to post to. Fix: " + fix);
            } else {
                w.error(at, "general_settings.alerting", channel + " needs a URL to post to, and " + name + " is not set. "
                        + "Fix: " + fix);
            }
            return List.of();
        }
        URI url = url(env);
        if (url == null) {
            w.error(at, "general_settings.alerting", name + " (environment, read for " + channel + " alerting) is not an "
                    + "http(s) URL (the value is not shown: it may hold a hook's secret). Fix: an absolute URL such as "
                    + example + ".");
            return List.of();
        }
        return List.of(url);
    }

    /** Each entry of a list of words; a single word is taken as a list of one. */
    private static List<String> strings(YamlWalker w, Node n, String path) {
        List<String> out = new ArrayList<>();
        for (Node item : n instanceof SequenceNode s ? s.getValue() : List.of(n)) {
            String v = w.string(item, path);
            if (v != null && !v.isBlank()) out.add(v.trim());
        }
        return out;
    }

    /** An absolute http(s) URL with a host, or null. */
    static URI url(String text) {
        try {
            URI u = new URI(text.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getHost().isBlank()) return null;
            return u;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
