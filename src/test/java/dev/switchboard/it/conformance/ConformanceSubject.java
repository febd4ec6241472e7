package dev.switchboard.it.conformance;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provider a conformance subclass puts under test: one deployment (its {@code model} line and the rest of its
 * {@code litellm_params}, where {@code ${SIM}} is the simulator's OpenAI base URL and {@code ${SIM_ROOT}} its root),
 * the key the upstream must receive, and what the provider can do. Immutable; each {@code with…} returns a copy.
 *
 * @param model          the deployment's {@code model}, e.g. {@code openai/gpt-4o-mini}; also the ledger's deployment
 * @param params         further {@code litellm_params} lines ({@code api_base: ${SIM}}, {@code api_key: …})
 * @param modelInfo      {@code model_info} lines (prices) for a model the catalog does not price; empty for catalog prices
 * @param key            the key the simulator must see (null: the provider sends none)
 * @param env            environment variables the gateway sees (a key LiteLLM reads from the environment)
 * @param embeddingModel the {@code model} of an embedding deployment of the same provider, or null
 * @param capabilities   what the provider can do
 */
public record ConformanceSubject(String model, List<String> params, List<String> modelInfo, String key,
                                 Map<String, String> env, String embeddingModel, Set<Capability> capabilities) {

    public static ConformanceSubject of(String model, String... params) {
        return new ConformanceSubject(model, List.of(params), List.of(), null, Map.of(), null, EnumSet.noneOf(Capability.class));
    }

    public ConformanceSubject key(String key) {
        return new ConformanceSubject(model, params, modelInfo, key, env, embeddingModel, capabilities);
    }

    public ConformanceSubject env(Map<String, String> env) {
        return new ConformanceSubject(model, params, modelInfo, key, Map.copyOf(env), embeddingModel, capabilities);
    }

    public ConformanceSubject modelInfo(String... lines) {
        return new ConformanceSubject(model, params, List.of(lines), key, env, embeddingModel, capabilities);
    }

    /** Adds an embedding deployment (same params) and the {@link Capability#EMBEDDINGS} flag. */
    public ConformanceSubject embeddings(String embeddingModel) {
        Set<Capability> caps = EnumSet.copyOf(withNone(capabilities));
        caps.add(Capability.EMBEDDINGS);
        return new ConformanceSubject(model, params, modelInfo, key, env, embeddingModel, caps);
    }

    public ConformanceSubject can(Capability... more) {
        Set<Capability> caps = EnumSet.copyOf(withNone(capabilities));
        caps.addAll(List.of(more));
        return new ConformanceSubject(model, params, modelInfo, key, env, embeddingModel, caps);
    }

    public boolean has(Capability c) { return capabilities.contains(c); }

    /** The model id after the provider prefix: what the upstream is asked for, and what its answer's model starts with. */
    public String upstreamModel() { return model.substring(model.indexOf('/') + 1); }

    /** The provider prefix, e.g. {@code openai}. */
    public String prefix() { return model.substring(0, model.indexOf('/')); }

    private static Set<Capability> withNone(Set<Capability> s) { return s.isEmpty() ? EnumSet.noneOf(Capability.class) : s; }

    /**
     * The gateway config: {@code subject} (the deployment), {@code guarded} (the same deployment, with content-policy and
     * context-window fallbacks to {@code fallback}), {@code fallback} (a mock), {@code embedder} when there is one.
     */
    String config() {
        List<String> out = new ArrayList<>();
        out.add("model_list:");
        deployment(out, "subject", model);
        deployment(out, "guarded", model);
        if (embeddingModel != null) deployment(out, "embedder", embeddingModel);
        out.add("  - model_name: fallback");
        out.add("    litellm_params: { model: mock/fallback-model, mock_response: \"from the fallback\" }");
        out.add("router_settings:");
        out.add("  num_retries: 0");
        // Each test plays one fault and reads how each dialect sees it; with cooldowns on, the 429 (retry-after 7) and
        // the 500 took the one deployment out and the next test's request waited for its recovery (~25 s a provider).
        // Cooldowns and recovery waits have their own tests (CooldownsIT, RetryCooldownIT).
        out.add("  disable_cooldowns: true");
        out.add("  content_policy_fallbacks: [{ guarded: [fallback] }]");
        out.add("  context_window_fallbacks: [{ guarded: [fallback] }]");
        out.add("general_settings:");
        out.add("  master_key: os.environ/MASTER_KEY");
        return String.join("\n", out) + "\n";
    }

    private void deployment(List<String> out, String alias, String modelLine) {
        out.add("  - model_name: " + alias);
        out.add("    litellm_params:");
        out.add("      model: " + modelLine);
        for (String p : params) out.add("      " + p);
        if (!modelInfo.isEmpty()) {
            out.add("    model_info:");
            for (String m : modelInfo) out.add("      " + m);
        }
    }
}
