package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code litellm_settings.default_team_settings}: in LiteLLM, a list of entries by {@code team_id} whose other fields are
 * merged into every call made with a key of that team ({@code litellm_pre_call_utils}: {@code {**team_config, **data}}),
 * and whose {@code models} older versions enforced ("Invalid model for team …"). Switchboard does not merge them, so:
 * an entry holding only per-team logging (callbacks, their credentials) is warned, as every logging callback but otel
 * is; an entry holding anything else (models, request parameters, credentials of a provider) is refused, because that
 * team's keys would reach models and run with parameters the config did not give them.
 */
final class DefaultTeamSettingsKeys {
    static final String KEY = "default_team_settings";
    /** Field prefixes of LiteLLM's logging integrations' per-team credentials. */
    private static final List<String> LOGGING_PREFIXES = List.of("langfuse_", "langsmith_", "lunary_", "datadog_", "gcs_",
            "arize_", "braintrust_", "helicone_", "opik_", "posthog_", "humanloop_", "logfire_");

    private DefaultTeamSettingsKeys() {}

    static void check(YamlWalker w, Node node) {
        String path = "litellm_settings." + KEY;
        List<Node> entries = w.sequence(node, path);
        for (int i = 0; i < entries.size(); i++) {
            Node entry = entries.get(i);
            Map<String, Node> fields = w.mapping(entry, path + "[" + i + "]");
            List<String> applied = new ArrayList<>();
            for (String f : fields.keySet()) if (!f.equals("team_id") && !isLogging(f)) applied.add(f);
            Node team = fields.get("team_id");
            String teamId = team == null ? "?" : String.valueOf(w.plain(team, path + "[" + i + "].team_id"));
            if (!applied.isEmpty()) {
                w.error(entry, path + "[" + i + "]", "not supported: LiteLLM applies " + applied + " to team '" + teamId
                        + "' (every call of its keys; 'default-settings' to the teams JWT auth makes); Switchboard does not, "
                        + "so that team would run without the models, budget or parameters the config gives it. Fix: create "
                        + "the team with /team/new (models, max_budget) and give its keys team_id, or set the parameters on "
                        + "the deployments.");
            } else if (!fields.isEmpty()) {
                w.unsupported(entry, path, "per-team logging callbacks are not supported; traces go out over OTLP "
                        + "(callbacks: [otel] or general_settings.otel)");
            }
        }
    }

    private static boolean isLogging(String field) {
        if (field.equals("callbacks") || field.endsWith("_callback")) return true;
        for (String p : LOGGING_PREFIXES) if (field.startsWith(p)) return true;
        return false;
    }
}
