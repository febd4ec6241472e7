package dev.switchboard.config;

import java.time.Duration;
import java.util.Map;

/**
 * One {@code model_list} entry: an alias ({@code model_name}) served by one provider model.
 *
 * @param alias         the name apps ask for; several deployments may share it (a model group)
 * @param provider      the prefix of {@code litellm_params.model}: openai, ollama, mock, …
 * @param model         the upstream model id, the part after the prefix
 * @param apiBase       {@code api_base}, or null for the provider's default
 * @param apiKey        {@code api_key}, or null
 * @param timeout       total time allowed for a non-streamed answer (and to a stream's first byte), or null
 * @param streamTimeout time allowed between streamed events, or null for {@code timeout}
 * @param maxTokens     default output limit when the client sets none, or null
 * @param headers       extra headers sent upstream ({@code extra_headers})
 * @param params        the other {@code litellm_params} (rpm, tpm, weight, order, mock_* …), plain Java values
 * @param modelInfo     {@code model_info}, plain Java values (prices, context window)
 * @param line          1-based line of the entry in the config file, for messages
 * @param sources       where each effective setting came from (litellm_params and model_info keys, {@code provider}):
 *                      "line 12", "line 4, merged by << at line 12", "router_settings.default_litellm_params (line 30)";
 *                      for {@code check --explain}
 */
public record Deployment(
        String alias,
        String provider,
        String model,
        String apiBase,
        Secret apiKey,
        Duration timeout,
        Duration streamTimeout,
        Integer maxTokens,
        Map<String, String> headers,
        Map<String, Object> params,
        Map<String, Object> modelInfo,
        int line,
        Map<String, String> sources) {

    /**
     * LiteLLM's {@code model_info.mode} values (its {@code ModelInfo.mode}): the router judges fallbacks by them
     * ({@code route.ServingMode}); any other string is warned of at load and counts as unknown.
     */
    public static final java.util.Set<String> LITELLM_MODES = java.util.Set.of("chat", "completion", "responses", "embedding",
            "image_generation", "audio_transcription", "audio_speech", "rerank", "realtime", "batch", "moderation",
            "video_generation", "ocr");

    public Deployment {
        sources = sources == null ? Map.of() : sources;
    }

    /** A deployment written in code (tests, the demo): no sources to explain. */
    public Deployment(String alias, String provider, String model, String apiBase, Secret apiKey, Duration timeout,
                      Duration streamTimeout, Integer maxTokens, Map<String, String> headers, Map<String, Object> params,
                      Map<String, Object> modelInfo, int line) {
        this(alias, provider, model, apiBase, apiKey, timeout, streamTimeout, maxTokens, headers, params, modelInfo, line,
                Map.of());
    }

    /** The {@link #sources} entry naming the {@code include:}d file this entry was written in (absent for the config file itself). */
    public static final String INCLUDED_FROM = "(included from)";

    /**
     * The {@link #sources} key prefix under which a bare {@code *} wildcard without {@code api_base} keeps LiteLLM's
     * base variables as they were at load ({@code "(environment base) openai"} → {@code "OPENAI_API_BASE https://proxy/v1"}):
     * its provider comes from each requested name, so the base is chosen then ({@link #environmentBase}).
     */
    public static final String ENVIRONMENT_BASE = "(environment base) ";

    /**
     * The {@link #sources} key prefix under which a base variable passed over as the gateway's own address is kept
     * ({@code "(ignored environment base) anthropic"} → {@code "ANTHROPIC_BASE_URL http://localhost:4000"}): the
     * deployment goes to the next variable or the provider's default, and the start refuses when its key would then be
     * the gateway's own ({@code pipeline.OwnKeyUpstream}).
     */
    public static final String IGNORED_BASE = "(ignored environment base) ";

    /** provider → {variable, url} of each base variable passed over as the gateway's own address; empty for none. */
    public Map<String, String[]> ignoredBases() {
        Map<String, String[]> out = new java.util.TreeMap<>();
        sources.forEach((k, v) -> {
            int sp = v.indexOf(' ');
            if (k.startsWith(IGNORED_BASE) && sp > 0) out.put(k.substring(IGNORED_BASE.length()), new String[] {v.substring(0, sp), v.substring(sp + 1)});
        });
        return out;
    }

    /** The {@code api_base} source of a base taken from a LiteLLM base variable. */
    public static String environmentBaseSource(String variable, String provider) {
        return "environment " + variable + " (LiteLLM's base for " + provider + "/ without api_base)";
    }

    /** {variable, url} of the base variable kept for {@code provider} by a bare {@code *} entry, or null. */
    public String[] environmentBase(String provider) {
        String v = sources.get(ENVIRONMENT_BASE + provider);
        int sp = v == null ? -1 : v.indexOf(' ');
        return sp < 0 ? null : new String[] {v.substring(0, sp), v.substring(sp + 1)};
    }

    /** The variable an {@code api_base} was taken from (OPENAI_API_BASE, …), or null when the config wrote it (or none). */
    public String apiBaseVariable() {
        String s = sources.get("api_base");
        if (apiBase == null || s == null || !s.startsWith("environment ")) return null;
        int end = s.indexOf(' ', "environment ".length());
        return s.substring("environment ".length(), end < 0 ? s.length() : end);
    }

    /** Where the entry was written, for messages: {@code line 12}, or {@code line 3 of models.yaml} for an included file's entry. */
    public String where() {
        String f = sources.get(INCLUDED_FROM);
        return "line " + line + (f == null ? "" : " of " + f);
    }

    /** How logs, headers and the model list name this deployment: {@code provider/model}. */
    public String id() { return provider.isEmpty() ? model : provider + "/" + model; }

    /** Whether {@code s} is this deployment's {@link #id()}, without making the id (a concatenation) to compare. */
    public boolean isId(String s) {
        if (s == null) return false;
        if (provider.isEmpty()) return s.equals(model);
        return s.length() == provider.length() + 1 + model.length() && s.startsWith(provider) && s.charAt(provider.length()) == '/'
                && s.endsWith(model);
    }

    /**
     * Whether this entry serves a Claude: by its model or its {@code model_info.base_model} ({@link #servesClaude(String,
     * Map)}), or as an {@code anthropic} entry (all of Anthropic's models are Claudes), as the id-based rule says of
     * {@code anthropic/…}.
     */
    public boolean servesClaude() { return "anthropic".equals(provider) || servesClaude(model, modelInfo); }

    /**
     * The one "is this Claude" rule (the prompt estimate's family, the thinking-drop WARN's reason): a model naming
     * Claude ({@code claude-…}, Bedrock's {@code anthropic.claude-…}), or one of Anthropic's by its prefix
     * ({@code anthropic/…}, {@code anthropic.…}: all of Anthropic's models are Claudes), by itself or as
     * {@code modelInfo}'s {@code base_model} (a Claude behind an OpenAI-compatible prefix or another name).
     */
    public static boolean servesClaude(String model, Map<String, Object> modelInfo) {
        Object base = modelInfo == null ? null : modelInfo.get("base_model");
        return claude(model) || (base instanceof String b && claude(b));
    }

    private static boolean claude(String model) {
        if (model == null) return false;
        String m = model.toLowerCase(java.util.Locale.ROOT);
        return m.contains("claude") || m.startsWith("anthropic/") || m.startsWith("anthropic.");
    }

    /**
     * A wildcard entry ({@code model_name: "*"}, {@code "anthropic/*"}, {@code "claude-*"}): it serves every requested
     * name its pattern matches, with the model its {@code model} makes of that name; its {@code provider} is empty when
     * {@code model} is a bare {@code *} (the provider then comes from the requested name).
     */
    public boolean wildcard() { return alias.indexOf('*') >= 0; }

    /** The wait allowed between streamed events: {@code stream_timeout}, else {@code timeout}. */
    public Duration streamIdleTimeout() { return streamTimeout != null ? streamTimeout : timeout; }

    /** {@code cache_control_injection_points}, validated by the loader; empty when there are none. */
    public java.util.List<dev.switchboard.model.CacheInjectionPoint> cacheInjectionPoints() {
        java.util.List<dev.switchboard.model.CacheInjectionPoint> out = new java.util.ArrayList<>();
        if (params.get("cache_control_injection_points") instanceof java.util.List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m)) continue;
                Object role = m.get("role");
                Object index = m.get("index");
                out.add(new dev.switchboard.model.CacheInjectionPoint(role == null ? null : role.toString(),
                        index instanceof Number n ? n.intValue() : null));
            }
        }
        return java.util.List.copyOf(out);
    }

    /** {@code drop_params}: drop the OpenAI parameters this deployment's provider cannot honour; null when unset. */
    public Boolean dropParams() {
        Object v = params.get("drop_params");
        return v instanceof Boolean b ? b : v instanceof String s ? Boolean.valueOf(s.trim()) : null;
    }

    /** {@code additional_drop_params}: top-level request fields never sent to this deployment; empty when unset. */
    public java.util.List<String> additionalDropParams() {
        if (!(params.get("additional_drop_params") instanceof java.util.List<?> l)) return java.util.List.of();
        java.util.List<String> out = new java.util.ArrayList<>(l.size());
        for (Object o : l) out.add(String.valueOf(o));
        return out;
    }

    public Number numberParam(String key) {
        return params.get(key) instanceof Number n ? n : null;
    }

    public String stringParam(String key) {
        return params.get(key) instanceof String s ? s : null;
    }
}
