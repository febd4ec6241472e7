package dev.switchboard.edge.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.ModelPrice;
import dev.switchboard.pipeline.DeploymentInfo;
import java.util.Map;

/** One {@code /model/info} entry in LiteLLM's shape. */
final class ModelInfoJson {
    private ModelInfoJson() {}

    /**
     * The entry as the master key sees it: {@code api_base} without its user part or query (where a key can ride), never
     * {@code api_key}, and the config's own {@code model_info} fields as written.
     */
    static ObjectNode entry(DeploymentInfo d) { return entry(d, true); }

    /**
     * The entry as an app's key sees it. Less than the master key: no {@code api_base} at all (where the gateway sends a
     * call is the operator's business, an internal host name or an Azure resource name tells an app nothing it needs,
     * and a provider that takes its key in the URL's path would be shown its key), and of the config's {@code model_info}
     * only the fields LiteLLM documents (prices, limits, mode, capabilities): a field of the operator's own may hold
     * anything, an {@code os.environ/} value included.
     */
    static ObjectNode forApp(DeploymentInfo d) { return entry(d, false); }

    private static ObjectNode entry(DeploymentInfo d, boolean operator) {
        ObjectNode e = SpendJson.JSON.createObjectNode();
        e.put("model_name", d.alias());
        ObjectNode params = e.putObject("litellm_params");
        params.put("model", d.id());
        if (operator && d.apiBase() != null) params.put("api_base", withoutSecrets(d.apiBase()));
        ObjectNode info = e.putObject("model_info");
        Object ownId = d.modelInfo().get("id");
        info.put("id", ownId != null ? ownId.toString() : d.id());
        info.put("db_model", false);
        info.put("key", d.model());
        info.put("litellm_provider", d.provider().isEmpty() ? null : d.provider());
        info.put("mode", "chat");
        ModelPrice p = d.price();
        if (d.outputLimit() > 0) info.put("max_tokens", d.outputLimit());
        if (p != null) {
            info.put("input_cost_per_token", p.inputPerToken());
            info.put("output_cost_per_token", p.outputPerToken());
            if (p.cacheReadPerToken() != null) info.put("cache_read_input_token_cost", p.cacheReadPerToken());
            if (p.cacheWrite5mPerToken() != null) info.put("cache_creation_input_token_cost", p.cacheWrite5mPerToken());
            if (p.cacheWrite1hPerToken() != null) info.put("cache_creation_input_token_cost_above_1hr", p.cacheWrite1hPerToken());
            if (p.maxOutputTokens() != null) info.put("max_output_tokens", p.maxOutputTokens());
            if (p.contextWindow() != null) info.put("max_input_tokens", p.contextWindow());
        }
        // LiteLLM's documented check of a model's prompt caching (its docs: "look for supports_prompt_caching" here): a model
        // whose price has a cache-read price is one its provider caches prompts for (Claude, OpenAI's, Gemini, Nova, …)
        info.put("supports_prompt_caching", p != null && p.cacheReadPerToken() != null);
        // the config's own model_info fields (mode, description, supports_*, …) as written, over the catalog's
        for (Map.Entry<String, Object> f : d.modelInfo().entrySet()) {
            if (operator || documented(f.getKey())) info.set(f.getKey(), SpendJson.JSON.valueToTree(f.getValue()));
        }
        return e;
    }

    /** A {@code model_info} key LiteLLM documents (config.LiteLlmKeys), not one of the operator's own. */
    static boolean documented(String key) {
        return dev.switchboard.config.LiteLlmKeys.find(dev.switchboard.config.LiteLlmKeys.INFO, key) != null;
    }

    /** The base URL without a user part or a query, where a key could ride ({@code https://u:k@host}, {@code ?key=}). */
    static String withoutSecrets(String url) { return dev.switchboard.model.SafeUrl.withoutSecrets(url); }
}
