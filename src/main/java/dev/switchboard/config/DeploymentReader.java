package dev.switchboard.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one {@code model_list} entry into a {@link Deployment}. Every {@code litellm_params} and {@code model_info}
 * key goes through {@link LiteLlmKeys}: applied, warned as not supported, or refused; none is read and dropped.
 * {@code router_settings.default_litellm_params} fills the keys an entry does not set, as LiteLLM's router does.
 */
final class DeploymentReader {
    /** LiteLLM also reads {@code tpm}/{@code rpm} beside litellm_params (its older form). */
    private static final Set<String> ENTRY_KEYS = Set.of("model_name", "litellm_params", "model_info", "tpm", "rpm");
    /** Rates and a share: a negative one was loaded without a word. */
    private static final Set<String> NOT_NEGATIVE = Set.of("rpm", "tpm", "weight");
    private static final Set<String> NUMBERS = Set.of("rpm", "tpm", "weight", "order", "mock_latency_ms",
            "mock_chunk_delay_ms", "mock_fault_rate", "temperature", "top_p", "presence_penalty", "frequency_penalty",
            "top_k", "n", "seed", "top_logprobs", "max_retries", "cooldown_time");
    private static final Set<String> AZURE_PROVIDERS = Set.of("azure", "azure_ai", "azure_text");
    /** Keys only some providers read (the #14 providers); on any other provider they are warned. */
    private static final Map<String, Set<String>> PROVIDER_KEYS = Map.ofEntries(
            Map.entry("api_version", AZURE_PROVIDERS),
            Map.entry("azure_ad_token", AZURE_PROVIDERS), Map.entry("tenant_id", AZURE_PROVIDERS), Map.entry("client_id", AZURE_PROVIDERS),
            Map.entry("client_secret", AZURE_PROVIDERS), Map.entry("azure_scope", AZURE_PROVIDERS), Map.entry("azure_authority_host", AZURE_PROVIDERS),
            // Google's content filter thresholds, sent as safetySettings; a provisioned-throughput / imported model's ARN
            Map.entry("safety_settings", Set.of("gemini", "vertex_ai", "vertex_ai_beta")), Map.entry("model_id", Set.of("bedrock")),
            // OpenRouter's own body fields, which LiteLLM's openrouter docs pass as litellm_params (sent as they are)
            Map.entry("transforms", Set.of("openrouter")), Map.entry("models", Set.of("openrouter")), Map.entry("route", Set.of("openrouter")));
    /**
     * The variables LiteLLM takes a deployment's base from when it sets no {@code api_base}, in its order ({@code main.py}:
     * {@code api_base or litellm.api_base or get_secret("OPENAI_BASE_URL") or get_secret("OPENAI_API_BASE") or
     * "https://api.openai.com/v1"}; the same for the others). Not read, an OPENAI_API_BASE that points a LiteLLM install
     * at a company proxy would have sent the same config's calls, and key, to api.openai.com. Only the variables LiteLLM's
     * chat path reads for a provider of ours: {@code main.py} for anthropic ({@code ANTHROPIC_API_BASE} before
     * {@code ANTHROPIC_BASE_URL}), {@code get_llm_provider_logic._get_openai_compatible_provider_info} and the
     * providers' {@code llms/<provider>/chat/transformation.py} for the OpenAI-compatible ones (note
     * {@code TOGETHER_AI_API_BASE} and {@code FIREWORKS_API_BASE}: LiteLLM's key variables for these are several, in its
     * order {@code TOGETHER_API_KEY}, {@code TOGETHER_AI_API_KEY}, … and {@code FIREWORKS_API_KEY},
     * {@code FIREWORKS_AI_API_KEY}, …, read so by the providers here). GEMINI_API_BASE is read for a gemini/ embedding
     * deployment only ({@link #baseVariables}). Left out on purpose: GEMINI_API_BASE for chat (LiteLLM reads it for
     * embeddings, images and model lists, not for a chat call, so taking it would send chat where LiteLLM does not),
     * {@code COHERE_API_BASE} (a full URL of Cohere's own v1/v2 chat API, where cohere/ here speaks its OpenAI-compatible
     * API). {@code MISTRAL_AZURE_API_BASE} is read for mistral/ as LiteLLM's
     * {@code MistralConfig._get_openai_compatible_provider_info} does (Mistral on Azure AI; {@code /v1} added when missing
     * and the key MISTRAL_AZURE_API_KEY before MISTRAL_API_KEY, both by the provider's flavor); before 2026-12-07 it
     * was only warned of. {@code MISTRAL_API_BASE} is not: LiteLLM's Mistral chat does not read it.
     */
    static final Map<String, List<String>> BASE_VARIABLES = Map.ofEntries(
            Map.entry("openai", List.of("OPENAI_BASE_URL", "OPENAI_API_BASE")),
            Map.entry("azure", List.of("AZURE_API_BASE")), Map.entry("azure_ai", List.of("AZURE_AI_API_BASE")),
            Map.entry("anthropic", List.of("ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL")),
            Map.entry("openrouter", List.of("OPENROUTER_API_BASE")),
            Map.entry("ollama", List.of("OLLAMA_API_BASE")), Map.entry("ollama_chat", List.of("OLLAMA_API_BASE")),
            Map.entry("hosted_vllm", List.of("HOSTED_VLLM_API_BASE")),
            Map.entry("groq", List.of("GROQ_API_BASE")), Map.entry("deepseek", List.of("DEEPSEEK_API_BASE")),
            Map.entry("together_ai", List.of("TOGETHER_AI_API_BASE")), Map.entry("fireworks_ai", List.of("FIREWORKS_API_BASE")),
            Map.entry("xai", List.of("XAI_API_BASE")), Map.entry("cerebras", List.of("CEREBRAS_API_BASE")),
            Map.entry("nvidia_nim", List.of("NVIDIA_NIM_API_BASE")), Map.entry("perplexity", List.of("PERPLEXITY_API_BASE")),
            Map.entry("mistral", List.of("MISTRAL_AZURE_API_BASE")), Map.entry("mistralai", List.of("MISTRAL_AZURE_API_BASE")),
            Map.entry("codestral", List.of("CODESTRAL_API_BASE")), Map.entry("lm_studio", List.of("LM_STUDIO_API_BASE")));
    /** The keys of {@link #PROVIDER_KEYS} that are body fields of the provider's API: sent through extra_body. */
    private static final Set<String> BODY_FIELDS = Set.of("transforms", "models", "route");
    private static final Set<String> VERTEX_PROVIDERS = Set.of("vertex_ai", "vertex_ai_beta");
    private static final Set<String> AWS_PROVIDERS = Set.of("bedrock", "sagemaker", "sagemaker_chat");

    private final YamlWalker w;
    private final Map<String, Node> defaults;
    private final String defaultsSource;
    private final Map<String, Map<String, Node>> credentials;
    /** Whether a base URL is the listening gateway's own address (ConfigLoader#ignoringBasesAt); null when unknown. */
    private final java.util.function.Predicate<String> ownAddress;
    private final String ownAddressShown;
    /** The base variables already warned as the gateway's own address: one warning each, not one per entry. */
    private final Set<String> ignoredWarned = new java.util.HashSet<>();

    /**
     * @param defaults    {@code router_settings.default_litellm_params}, empty when absent
     * @param credentials LiteLLM's top-level {@code credential_list}: each credential_name's credential_values
     * @param ownAddress  whether a base URL is the gateway's own listening address, or null when not known
     */
    DeploymentReader(YamlWalker w, Map<String, Node> defaults, String defaultsSource, Map<String, Map<String, Node>> credentials,
                     java.util.function.Predicate<String> ownAddress, String ownAddressShown) {
        this.w = w;
        this.defaults = defaults;
        this.defaultsSource = defaultsSource;
        this.credentials = credentials;
        this.ownAddress = ownAddress;
        this.ownAddressShown = ownAddressShown;
    }

    /**
     * The base variables of a provider's deployment, in LiteLLM's order: {@link #BASE_VARIABLES}, and for a gemini/
     * embedding deployment GEMINI_API_BASE (LiteLLM's embedding call: {@code api_base or litellm.api_base or
     * get_secret_str("GEMINI_API_BASE")}, a base of the same form as gemini/'s api_base here). Its chat call does not
     * read it, so a gemini/ entry of another mode (or none) does not either.
     */
    private static List<String> baseVariables(String provider, Map<String, Object> info) {
        if (provider.equals("gemini")) {
            return info.get("mode") instanceof String m && m.trim().equalsIgnoreCase("embedding") ? List.of("GEMINI_API_BASE") : List.of();
        }
        return BASE_VARIABLES.getOrDefault(provider, List.of());
    }

    /** @param failedAliases collects the model_names of entries that did not load (their errors are reported) */
    Deployment read(Node entry, String path, Set<String> failedAliases) {
        int errorsBefore = w.errors.size();
        Map<String, Node> e = w.mapping(entry, path);
        e.forEach((k, v) -> {
            if (!ENTRY_KEYS.contains(k)) {
                w.unknownKey(v, path + "." + k, k, new java.util.TreeSet<>(ENTRY_KEYS),
                        "unknown key, ignored. Known: " + new java.util.TreeSet<>(ENTRY_KEYS) + ".");
            }
        });
        String alias = required(entry, e, "model_name", path, "model_name: <the alias apps will ask for>");
        Node paramsNode = e.get("litellm_params");
        String pp = path + ".litellm_params";
        if (paramsNode == null) {
            w.error(entry, pp, "missing. Fix: add litellm_params with at least model: provider/model-id.");
            if (alias != null) failedAliases.add(alias);
            return null;
        }
        Map<String, Node> p = new LinkedHashMap<>(w.mapping(paramsNode, pp));
        Map<String, String> sources = new LinkedHashMap<>();
        p.forEach((k, v) -> sources.put(k, w.source(v)));
        for (String k : new String[] {"tpm", "rpm"}) {
            if (e.containsKey(k) && !p.containsKey(k)) {
                p.put(k, e.get(k));
                sources.put(k, w.source(e.get(k)) + " (beside litellm_params)");
            }
        }
        defaults.forEach((k, v) -> {
            if (!p.containsKey(k)) {
                p.put(k, v);
                sources.put(k, defaultsSource + " (" + w.source(v) + ")");
            }
        });

        // litellm_credential_name: the named credential_list entry's values fill what the entry does not set.
        Node credName = p.get("litellm_credential_name");
        if (credName != null) {
            String cn = w.string(credName, pp + ".litellm_credential_name");
            Map<String, Node> cred = cn == null ? null : credentials.get(cn);
            if (cn != null && cred == null) {
                w.error(credName, pp + ".litellm_credential_name", "'" + cn + "' is not a credential_name of credential_list. "
                        + "Fix: use one of " + credentials.keySet() + ", or set api_key here.");
            } else if (cred != null) {
                cred.forEach((k, v) -> {
                    if (!p.containsKey(k)) {
                        p.put(k, v);
                        sources.put(k, "credential_list '" + cn + "' (" + w.source(v) + ")");
                    }
                });
            }
        }
        String full = required(paramsNode, p, "model", pp, "model: provider/model-id, e.g. openai/gpt-4o-mini");
        String apiKey = w.string(p.get("api_key"), pp + ".api_key");
        Node baseNode = p.containsKey("api_base") ? p.get("api_base") : p.get("base_url");
        String apiBase = w.string(baseNode, pp + ".api_base");
        if (!p.containsKey("api_base") && p.containsKey("base_url")) sources.put("api_base", sources.get("base_url"));
        Double timeout = wait(p.get("timeout"), pp + ".timeout");
        Double streamTimeout = wait(p.get("stream_timeout"), pp + ".stream_timeout");
        Integer maxTokens = w.integer(p.get("max_tokens"), pp + ".max_tokens");
        Map<String, String> headers = new LinkedHashMap<>(w.stringMap(p.get("headers"), pp + ".headers"));
        headers.putAll(w.stringMap(p.get("extra_headers"), pp + ".extra_headers"));

        Map<String, Object> info = new LinkedHashMap<>();
        w.mapping(e.get("model_info"), path + ".model_info").forEach((k, v) -> {
            String kp = path + ".model_info." + k;
            KeyRule rule = LiteLlmKeys.find(LiteLlmKeys.INFO, k);
            if (rule == null && customMetadata(k)) {
                // LiteLLM's model_info takes keys of one's own (its docs' my_custom_key: my_custom_value), shown by
                // /model/info: kept and shown here too, not warned as a typo
                sources.put("model_info." + k, w.source(v));
                info.put(k, w.plain(v, kp));
                return;
            }
            if (!applies(LiteLlmKeys.INFO, k, rule, v, kp)) return;
            sources.put("model_info." + k, w.source(v));
            if (k.equals("allowed_fails_policy")) {
                RoutingKeys.allowedFailsPolicy(w, v, kp);
                info.put(k, w.plain(v, kp));
            } else if (k.equals("allowed_fails")) {
                Integer n = w.integer(v, kp); // a whole number of 0 or more, or an error
                if (n != null) info.put(k, n);
            } else if (k.equals("health_check_max_tokens")) {
                Integer n = RoutingKeys.atLeastOne(w, v, kp, "output tokens of a health check");
                if (n != null) info.put(k, n);
            } else if (k.equals("health_check_timeout")) {
                Double n = w.number(v, kp);
                if (n != null && !(n > 0 && n <= 86_400)) w.error(v, kp, "must be more than 0 and at most 86400 (seconds), found " + YamlWalker.written(v, n) + ".");
                else if (n != null) info.put(k, n);
            } else if (k.equals("mode") || k.equals("health_check_model")) {
                String text = w.string(v, kp);
                if (text != null && text.isBlank()) w.error(v, kp, "is empty. Fix: write it, or leave it out.");
                else if (text != null) info.put(k, text);
                if (k.equals("mode") && text != null && !text.isBlank()
                        && !Deployment.LITELLM_MODES.contains(text.trim().toLowerCase(java.util.Locale.ROOT))) {
                    // the router judges fallbacks by mode: a typo must not read as a known other mode (ServingMode)
                    w.warn(v, kp, "'" + text.trim() + "' is not one of LiteLLM's modes " + new java.util.TreeSet<>(Deployment.LITELLM_MODES)
                            + ": this entry's mode is unknown, so fallbacks are not judged by it. Fix: write one of them, or leave it out.");
                }
            } else if (k.equals("cooldown_time")) {
                Double n = w.number(v, kp);
                if (n != null && (n < 0 || n.isNaN() || n.isInfinite())) w.error(v, kp, "must be 0 or more (seconds), found " + YamlWalker.written(v, n) + ".");
                else if (n != null) info.put(k, n);
            } else if (k.equals("search_context_cost_per_query")) {
                // LiteLLM's shape: a price per search context size ({search_context_size_low: …, _medium: …, _high: …});
                // a plain number is one price for every search
                if (v instanceof org.yaml.snakeyaml.nodes.MappingNode) {
                    Map<String, Object> sizes = new LinkedHashMap<>();
                    w.mapping(v, kp).forEach((size, price) -> {
                        Double n = w.number(price, kp + "." + size);
                        if (n != null && n < 0) w.error(price, kp + "." + size, "must be 0 or more (USD a search), found " + YamlWalker.written(price, n) + ".");
                        else if (n != null) sizes.put(size, n);
                    });
                    info.put(k, sizes);
                } else {
                    Double n = w.number(v, kp);
                    if (n != null && n < 0) w.error(v, kp, "must be 0 or more (USD a search), found " + YamlWalker.written(v, n) + ".");
                    else if (n != null) info.put(k, n);
                }
            } else if (k.contains("cost") || k.startsWith("max_")) {
                Double n = w.number(v, kp);
                if (n != null) info.put(k, n);
            } else {
                info.put(k, w.plain(v, kp));
            }
        });

        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, Node> providerSpecific = new LinkedHashMap<>();
        p.forEach((k, v) -> {
            String kp = pp + "." + k;
            KeyRule rule = LiteLlmKeys.find(LiteLlmKeys.PARAMS, k);
            if (!applies(LiteLlmKeys.PARAMS, k, rule, v, kp)) return;
            switch (k) {
                case "model", "api_key", "api_base", "base_url", "timeout", "stream_timeout", "max_tokens",
                     "extra_headers", "headers", "litellm_credential_name" -> { } // read above
                default -> {
                    if (LiteLlmKeys.PRICE_KEYS.contains(k)) {
                        // LiteLLM's custom pricing lives in litellm_params; it wins over model_info's.
                        Double n = w.number(v, kp);
                        if (n != null) {
                            info.put(k, n);
                            sources.put("model_info." + k, sources.get(k) + " (litellm_params." + k + ")");
                        }
                    } else if (k.equals("custom_user_agent")) {
                        String ua = w.string(v, kp);
                        if (ua != null && !ua.isBlank()) headers.putIfAbsent("User-Agent", ua);
                    } else if (k.equals("drop_params")) {
                        Boolean b = w.bool(v, kp);
                        if (b != null) params.put(k, b);
                    } else if (k.equals("additional_drop_params")) {
                        if (!(w.plain(v, kp) instanceof List<?> l) || l.stream().anyMatch(o -> !(o instanceof String))) {
                            w.error(v, kp, "expected a list of request field names, e.g. [temperature, seed].");
                        } else {
                            params.put(k, List.copyOf(l));
                        }
                    } else if (k.equals("max_budget")) {
                        Double usd = w.number(v, kp);
                        if (usd != null && (usd < 0 || usd.isInfinite() || usd.isNaN())) {
                            w.error(v, kp, "must be 0 or more (US dollars), found " + YamlWalker.written(v, usd) + ".");
                        } else if (usd != null) {
                            params.put(k, usd);
                        }
                    } else if (k.equals("budget_duration")) {
                        String period = w.string(v, kp);
                        if (period != null && !dev.switchboard.model.DurationSpec.isValid(period)) {
                            w.error(v, kp, "'" + period + "' is not a duration. Fix: write " + dev.switchboard.model.DurationSpec.FORMS + ".");
                        } else if (period != null) {
                            params.put(k, period);
                        }
                    } else if (k.equals("tag_regex")) {
                        List<String> patterns = tagRegex(w, v, kp);
                        if (patterns != null) params.put(k, patterns);
                    } else if (k.equals("max_parallel_requests")) {
                        Integer n = RoutingKeys.atLeastOne(w, v, kp, "calls at once");
                        if (n != null) params.put(k, n);
                    } else if (NUMBERS.contains(k)) {
                        Double n = w.number(v, kp);
                        if (n != null && k.equals("cooldown_time") && !(n >= 0 && n < Double.POSITIVE_INFINITY)) {
                            w.error(v, kp, "must be 0 or more (seconds), found " + YamlWalker.written(v, n) + ".");
                        } else if (n != null && NOT_NEGATIVE.contains(k) && n < 0) {
                            // as max_parallel_requests: 0 is refused; a negative rate or weight means nothing (QA-D 9)
                            w.error(v, kp, "must be 0 or more, found " + YamlWalker.written(v, n) + ".");
                        } else if (n != null) {
                            params.put(k, n);
                        }
                    } else if (PROVIDER_KEYS.containsKey(k) || k.equals("organization") || k.equals("region_name")
                            || k.startsWith("aws_") || k.startsWith("vertex_")) {
                        providerSpecific.put(k, v);
                    } else {
                        params.put(k, w.plain(v, kp));
                    }
                }
            }
        });
        ConfigLoader.checkInjectionPoints(w, p.get("cache_control_injection_points"), pp + ".cache_control_injection_points",
                params.get("cache_control_injection_points"));
        if (full != null && alias != null && full.contains("*") && !alias.contains("*")) {
            w.error(p.get("model"), pp + ".model", "'" + full + "' has a * but model_name '" + alias + "' has none, so nothing"
                    + " would fill it in. Fix: give model_name the pattern too (model_name: \"*\" or \"" + full + "\"), or name one model.");
        }
        if (apiBase != null && !apiBase.startsWith("http://") && !apiBase.startsWith("https://")) {
            w.error(baseNode, pp + ".api_base", "'" + apiBase + "' is not an http(s) URL. Fix: write it like https://host/v1.");
        }
        ProviderInference.Result provider = null;
        if (full != null) {
            provider = ProviderInference.infer(full, w.string(p.get("custom_llm_provider"), pp + ".custom_llm_provider"),
                    info.get("litellm_provider") instanceof String s ? s : null);
            if (provider == null && full.contains("*")) {
                // LiteLLM's wildcard without a provider (model: "*"): each requested name brings its own (Deployment#wildcard)
                provider = new ProviderInference.Result("", full, "a wildcard: the provider comes from each requested name");
            } else if (provider == null) {
                w.error(p.get("model"), pp + ".model", "cannot tell the provider of '" + full + "' (LiteLLM refuses it too: "
                        + "\"LLM Provider NOT provided\"). Fix: write provider/" + full + ", e.g. openai/" + full
                        + " with api_base for an OpenAI-compatible server, or set custom_llm_provider.");
            }
        }
        if (w.errors.size() > errorsBefore || alias == null || full == null || provider == null) {
            // the keys a provider reads (api_version, azure_ad_token, vertex_*, aws_*) are resolved below, after the
            // others: read them here too, so that one check names every unset os.environ/ variable of the entry, not
            // those of the first pass only
            if (provider != null) {
                String prov = provider.provider();
                providerSpecific.forEach((k, v) -> providerKey(prov, k, v, pp + "." + k, new LinkedHashMap<>(), new LinkedHashMap<>()));
            }
            if (alias != null) failedAliases.add(alias);
            return null;
        }
        sources.put("provider", provider.how() + (p.containsKey("custom_llm_provider") ? ", " + sources.get("custom_llm_provider")
                : info.containsKey("litellm_provider") && provider.how().startsWith("model_info") ? ", " + sources.get("model_info.litellm_provider")
                : ", " + sources.get("model")));
        String prov = provider.provider();
        providerSpecific.forEach((k, v) -> providerKey(prov, k, v, pp + "." + k, params, headers));
        if (apiBase == null) {
            // a bare * has no provider yet: each provider's variable is kept, for the provider a requested name brings
            // (route.ModelNames#served); the environment (and its environment_variables overlay) as it is at load
            for (String p2 : prov.isEmpty() ? new java.util.TreeSet<>(BASE_VARIABLES.keySet()) : Set.of(prov)) {
                for (String var : baseVariables(p2, info)) {
                    String v = w.env(var);
                    if (v == null || v.isBlank()) continue; // LiteLLM: get_secret(...) or ..., a blank one is passed over
                    String base = v.trim();
                    if (!base.startsWith("http://") && !base.startsWith("https://")) {
                        if (prov.isEmpty()) {
                            // a bare * reads every provider's variable: one malformed variable of a provider the config may
                            // never be asked for must not fail the entry, only that provider's base
                            w.warn(entry, pp + ".api_base", "environment variable " + var + " ('" + base + "') is not an http(s) "
                                    + "URL: ignored, so this '*' entry's " + p2 + "/ requests go to the provider's own address. "
                                    + "Fix: export it like https://host/v1, or unset it.");
                            continue;
                        }
                        w.error(entry, pp + ".api_base", "environment variable " + var + " ('" + base + "'), which LiteLLM "
                                + "sends " + p2 + "/ deployments without api_base to, is not an http(s) URL. Fix: export it "
                                + "like https://host/v1, unset it, or set api_base.");
                        failedAliases.add(alias);
                        return null;
                    }
                    if (ownAddress != null && ownAddress.test(base)) {
                        // exported for apps to reach the gateway (Claude Code's ANTHROPIC_BASE_URL), never meant as a
                        // route: taken, every request would come back here. The next variable, else the default, applies.
                        sources.put(Deployment.IGNORED_BASE + p2, var + " " + base);
                        if (ignoredWarned.add(var)) {
                            w.warnings.add("environment variable " + var + " (" + base + ") is this gateway's own address "
                                    + "(listening on " + ownAddressShown + "), exported for apps to reach it: ignored as a route "
                                    + "(LiteLLM's base for " + p2 + "/ entries without api_base), so those entries go to the next "
                                    + "base variable LiteLLM reads, else the provider's own address.");
                        }
                        continue;
                    }
                    if (prov.isEmpty()) {
                        sources.put(Deployment.ENVIRONMENT_BASE + p2, var + " " + base);
                    } else {
                        apiBase = base;
                        sources.put("api_base", Deployment.environmentBaseSource(var, prov));
                    }
                    break;
                }
            }
        }
        if (w.fileOf(entry) != null) sources.put(Deployment.INCLUDED_FROM, w.fileOf(entry));
        return new Deployment(alias, provider.provider(), provider.model(), apiBase, apiKey == null ? null : new Secret(apiKey),
                seconds(timeout), seconds(streamTimeout), maxTokens, Map.copyOf(headers), params, info,
                YamlWalker.line(entry), Map.copyOf(sources));
    }

    /**
     * A text every entry needs ({@code model_name}, {@code litellm_params.model}): absent, null ({@code model:} left
     * blank, e.g. an empty template variable) or blank is an error naming the line, as LiteLLM's Deployment refuses it,
     * never an entry silently left out of the gateway. Null (error reported) when it is not there.
     */
    private String required(Node parent, Map<String, Node> m, String key, String path, String example) {
        Node v = m.get(key);
        int errorsBefore = w.errors.size();
        String s = w.string(v, path + "." + key);
        if (v == null) {
            w.error(parent, path + "." + key, "missing. Fix: add " + example + ".");
        } else if ((s == null || s.isBlank()) && w.errors.size() == errorsBefore) {
            w.error(v, path + "." + key, "is empty. Fix: write " + example + ", or remove the entry.");
            return null;
        }
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * Whether an undocumented model_info key is the user's own metadata rather than a misspelt LiteLLM key: a name like a
     * price, a token limit or a capability ({@code input_cost_per_tokens}, {@code max_output_token}, {@code supports_x})
     * is still an "unknown key" warning, since taking a misspelt price as metadata would leave the model unpriced quietly.
     */
    private static boolean customMetadata(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return !k.contains("cost") && !k.contains("token") && !k.startsWith("max_") && !k.startsWith("supports_")
                && !k.contains("price");
    }

    /** Reports a warned, refused or unknown key; true when the key is applied and should be read. */
    private boolean applies(String section, String key, KeyRule rule, Node v, String kp) {
        if (rule == null) {
            w.unknownKey(v, kp, key, LiteLlmKeys.keys(section), "unknown key (LiteLLM documents none of that name), ignored.");
            return false;
        }
        return switch (rule.state()) {
            case APPLIED -> true;
            case WARNED -> {
                w.unsupported(v, kp.replaceFirst("^model_list\\[\\d+]\\.", ""), rule.note());
                yield false;
            }
            case REFUSED -> {
                w.error(v, kp, "not supported: " + rule.note() + ".");
                yield false;
            }
        };
    }

    /** A key only some providers read: kept for them, warned (naming the provider) on others. */
    private void providerKey(String provider, String k, Node v, String kp, Map<String, Object> params, Map<String, String> headers) {
        if (k.equals("organization")) {
            String org = w.string(v, kp);
            if (provider.equals("openai")) {
                if (org != null && !org.isBlank()) headers.putIfAbsent("OpenAI-Organization", org);
            } else {
                w.warn(v, kp, "not used: organization is sent only to openai/ deployments, this one is " + provider + "/.");
            }
            return;
        }
        Set<String> readers = k.startsWith("aws_") || k.equals("region_name") ? AWS_PROVIDERS
                : k.startsWith("vertex_") ? VERTEX_PROVIDERS : PROVIDER_KEYS.get(k);
        if (readers.contains(provider) && BODY_FIELDS.contains(k)) {
            // a default of the request body, as extra_body's members are (extra_body's own value of the field wins)
            Map<String, Object> body = new LinkedHashMap<>();
            if (params.get("extra_body") instanceof Map<?, ?> given) given.forEach((a, b) -> body.put(a.toString(), b));
            body.putIfAbsent(k, w.plain(v, kp));
            params.put("extra_body", body);
        } else if (readers.contains(provider)) {
            params.put(k, w.plain(v, kp));
        } else {
            w.warn(v, kp, "not used: " + k + " is read by " + new java.util.TreeSet<>(readers) + " deployments, this one is "
                    + provider + "/.");
        }
    }

    /** The waits already warned as 0: a default_litellm_params value is one node shared by every entry, warned once. */
    private final Set<Node> warnedZero = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /**
     * A deployment's {@code timeout} / {@code stream_timeout}, as router_settings' are read: LiteLLM's router picks them
     * with {@code x or y} (the deployment's, then the router's, then default_litellm_params'), so a 0 is "not set"
     * there: null here, with a warning, and the router's value or the default applies (0 s would fail every call at
     * once). A negative one is an error.
     */
    private Double wait(Node n, String path) {
        Double d = w.number(n, path);
        if (d == null) return null;
        if (d < 0) {
            w.error(n, path, "must be more than 0 seconds, found " + YamlWalker.written(n, d) + ". Fix: leave it out for router_settings' or the default.");
            return null;
        }
        if (d == 0) {
            boolean shared = defaults.containsValue(n);
            if (warnedZero.add(n)) {
                w.warn(n, shared ? defaultsSource + path.substring(path.lastIndexOf('.')) : path, "0 is not set, as in LiteLLM: "
                        + "router_settings' value or the default applies. Fix: leave it out, or give the seconds.");
            }
            return null;
        }
        return d;
    }

    private static Duration seconds(Double s) {
        return s == null ? null : Duration.ofMillis((long) (s * 1000));
    }

    /**
     * {@code tag_regex}: patterns (one, or a list) searched in {@code "User-Agent: <the client's>"} (LiteLLM's form, e.g.
     * {@code ^User-Agent: claude-code/}); each must compile, checked here with its line rather than skipped at run time.
     */
    private static List<String> tagRegex(YamlWalker w, Node v, String kp) {
        Object plain = w.plain(v, kp);
        List<?> given = plain instanceof List<?> l ? l : plain instanceof String one ? List.of(one) : null;
        if (given == null || given.isEmpty() || given.stream().anyMatch(o -> !(o instanceof String))) {
            w.error(v, kp, "expected a list of regular expressions, e.g. [\"^User-Agent: claude-code/\"].");
            return null;
        }
        for (Object o : given) {
            if (((String) o).isBlank()) {
                w.error(v, kp, "an empty pattern matches every client. Fix: e.g. \"^User-Agent: claude-code/\", or leave tag_regex out.");
                return null;
            }
            try {
                java.util.regex.Pattern.compile((String) o);
            } catch (java.util.regex.PatternSyntaxException e) {
                w.error(v, kp, "'" + o + "' is not a regular expression: " + e.getDescription() + ". Fix: e.g. \"^User-Agent: claude-code/\".");
                return null;
            }
        }
        return given.stream().map(String.class::cast).toList();
    }
}
