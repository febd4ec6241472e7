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
 * Reads LiteLLM's alerting keys of {@code general_settings}: {@code alerting} (the channels: {@code webhook} is sent,
 * the others are named in a warning), {@code alert_types} (absent: LiteLLM's default, which has {@code budget_alerts};
 * the other types are named in a warning as not sent) and {@code alert_to_webhook_url} (its {@code budget_alerts} entry
 * is where budget alerts go, in place of {@code WEBHOOK_URL}). A URL that is not an absolute http(s) URL, or webhook
 * alerting without any URL, is an error.
 */
final class AlertingKeys {
    static final String WEBHOOK_URL = "WEBHOOK_URL";
    static final String BUDGET = "budget_alerts";

    private AlertingKeys() {}

    static AlertingSettings read(YamlWalker w, Map<String, Node> g) {
        Node alertingNode = g.get("alerting");
        if (alertingNode == null || YamlWalker.isNull(alertingNode)) {
            if (g.containsKey("alert_types") || g.containsKey("alert_to_webhook_url")) {
                Node at = g.containsKey("alert_types") ? g.get("alert_types") : g.get("alert_to_webhook_url");
                w.warn(at, "general_settings.alerting", "not set, so no alert is sent. Fix: alerting: [\"webhook\"] with "
                        + "WEBHOOK_URL set, to have budget alerts posted.");
            }
            return AlertingSettings.NONE;
        }
        Set<String> channels = new LinkedHashSet<>(strings(w, alertingNode, "general_settings.alerting"));
        List<String> others = new ArrayList<>(channels);
        others.remove("webhook");
        if (!others.isEmpty()) {
            w.warn(alertingNode, "general_settings.alerting", String.join(", ", others) + " alerts are not sent by Switchboard; "
                    + "only webhook is (budget alerts as LiteLLM's JSON to WEBHOOK_URL, see \"Budget alerts\").");
        }
        boolean budget = true; // LiteLLM's default alert_types include budget_alerts
        Node typesNode = g.get("alert_types");
        if (typesNode != null && !YamlWalker.isNull(typesNode)) {
            Set<String> types = new LinkedHashSet<>(strings(w, typesNode, "general_settings.alert_types"));
            budget = types.remove(BUDGET);
            if (!types.isEmpty()) {
                w.warn(typesNode, "general_settings.alert_types", String.join(", ", types) + ": not sent by Switchboard (only "
                        + "budget_alerts is, through the webhook).");
            }
        }
        List<URI> urls = new ArrayList<>();
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
                fromMap = true;
                for (Node u : e.getValue() instanceof SequenceNode s ? s.getValue() : List.of(e.getValue())) {
                    String text = w.string(u, path);
                    if (text == null) continue;
                    URI url = url(text);
                    if (url == null) {
                        w.error(u, path, "not an http(s) URL (the value is not shown: it may hold a hook's secret). Fix: an "
                                + "absolute URL such as https://hooks.example.com/budget, or os.environ/VARIABLE holding one.");
                    } else {
                        urls.add(url);
                    }
                }
            }
            if (!notSent.isEmpty()) {
                w.warn(mapNode, "general_settings.alert_to_webhook_url", String.join(", ", notSent) + ": not sent by Switchboard "
                        + "(only budget_alerts is).");
            }
            if (fromMap && channels.contains("slack")) {
                w.warn(mapNode, "general_settings.alert_to_webhook_url.budget_alerts", "gets LiteLLM's webhook JSON (WebhookEvent), "
                        + "not a Slack message: LiteLLM routes Slack messages by this key, Switchboard sends no Slack messages. "
                        + "Fix: point it at a receiver of the JSON, or remove it and set WEBHOOK_URL.");
            }
        }
        if (!channels.contains("webhook")) return AlertingSettings.NONE;
        if (!budget) {
            w.warn(alertingNode, "general_settings.alerting", "webhook is listed but alert_types has no budget_alerts, the only "
                    + "alerts Switchboard sends: nothing will be posted.");
            return AlertingSettings.NONE;
        }
        if (!fromMap) {
            String env = w.env(WEBHOOK_URL);
            URI url = env == null ? null : url(env);
            if (env == null) {
                w.error(alertingNode, "general_settings.alerting", "webhook needs a URL to post to, and " + WEBHOOK_URL
                        + " is not set. Fix: export " + WEBHOOK_URL + "=https://… (LiteLLM's variable), or set "
                        + "alert_to_webhook_url: { budget_alerts: https://… }, or remove webhook from alerting.");
            } else if (url == null) {
                w.error(alertingNode, "general_settings.alerting", WEBHOOK_URL + " (environment, read for webhook alerting) is "
                        + "not an http(s) URL (the value is not shown: it may hold a hook's secret). Fix: an absolute URL "
                        + "such as https://hooks.example.com/budget.");
            } else {
                urls.add(url);
            }
        }
        return new AlertingSettings(urls);
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
