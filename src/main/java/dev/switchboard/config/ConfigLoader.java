package dev.switchboard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads LiteLLM's {@code config.yaml} (a superset where Switchboard needs more). Unknown keys are warnings
 * with their line; wrong types, missing required keys and unset {@code os.environ/} variables are errors
 * that name the line, the key and the fix, all reported together.
 */
public final class ConfigLoader {

    private static final Set<String> TOP_KEYS = Set.of(
            "model_list", "router_settings", "litellm_settings", "general_settings", "environment_variables");
    private static final Set<String> ENTRY_KEYS = Set.of("model_name", "litellm_params", "model_info");
    /** litellm_params keys we read into Deployment fields. */
    private static final Set<String> TYPED_PARAMS = Set.of(
            "model", "api_key", "api_base", "base_url", "timeout", "stream_timeout", "max_tokens",
            "extra_headers", "headers");
    /** litellm_params keys kept in Deployment.params for the stages that read them (numbers unless noted). */
    private static final Set<String> NUMBER_PARAMS = Set.of(
            "rpm", "tpm", "weight", "order", "max_retries", "mock_latency_ms", "mock_chunk_delay_ms",
            "mock_fault_rate", "temperature", "top_p");
    private static final Set<String> OTHER_PARAMS = Set.of(
            "mock_response", "mock_fault", "organization", "api_version", "cache_control_injection_points", "cache",
            "region_name", "custom_llm_provider",
            // Vertex AI (provider.vertex), as LiteLLM names them
            "vertex_project", "vertex_location", "vertex_credentials", "vertex_ai_project", "vertex_ai_location", "vertex_ai_credentials",
            // Azure (azure/, azure_ai/): Entra ID credentials as LiteLLM names them
            "azure_ad_token", "tenant_id", "client_id", "client_secret", "azure_scope", "azure_authority_host",
            "azure_username", "azure_password",
            // AWS Bedrock, as LiteLLM reads them (provider.bedrock.BedrockAuth)
            "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region_name", "aws_profile_name",
            "aws_bedrock_runtime_endpoint", "aws_role_name", "aws_session_name", "aws_web_identity_token", "aws_sts_endpoint");
    /** LiteLLM's "one location for all Vertex models": litellm_settings values every deployment without its own takes. */
    private static final Set<String> VERTEX_DEFAULTS = Set.of("vertex_project", "vertex_location");
    private static final Set<String> GENERAL_KEYS = Set.of("master_key", "database_url", "database_path", "max_request_size_mb",
            "allowed_hosts", "cors_allowed_origins", "max_buffered_mb", "otel", "request_log",
            "upstream_max_connections_per_host", "upstream_http2", "upstream_http2_connections_per_host",
            "upstream_http2_streams_per_connection", "upstream_ca_file");
    /**
     * router_settings keys: LiteLLM's, plus Switchboard's {@code prompt_cache_affinity}, {@code retry_backoff},
     * {@code stream_timeout} and {@code auto_router}. The routing ones are checked by {@link RoutingKeys}; the
     * rest (redis_*, model_group_alias, enable_pre_call_checks) are accepted for compatibility.
     */
    private static final Set<String> ROUTER_KEYS = Set.of(
            "routing_strategy", "num_retries", "allowed_fails", "cooldown_time", "fallbacks",
            "context_window_fallbacks", "content_policy_fallbacks", "timeout", "stream_timeout", "retry_after",
            "retry_backoff", "prompt_cache_affinity", "model_group_alias", "enable_pre_call_checks", "redis_host",
            "redis_port", "redis_password", "auto_router");
    private static final Set<String> LITELLM_KEYS = Set.of(
            "cache", "cache_params", "fallbacks", "context_window_fallbacks", "content_policy_fallbacks",
            "num_retries", "request_timeout", "drop_params", "set_verbose", "json_logs", "success_callback",
            "failure_callback", "callbacks", "redact_messages_in_exceptions", "turn_off_message_logging",
            "max_budget", "budget_duration", "response_retention", "vertex_project", "vertex_location");

    private final Function<String, String> env;

    public ConfigLoader(Function<String, String> env) { this.env = env; }

    /** Uses the process environment. */
    public static ConfigLoader fromEnvironment() { return new ConfigLoader(System::getenv); }

    public GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read the config file (" + e.getMessage()
                    + "). Fix: pass an existing file with --config."));
        }
        return parse(text);
    }

    public GatewayConfig parse(String yamlText) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(List.of("line " + line + ": the file is not valid YAML: " + e.getProblem()
                    + ". Fix: check the indentation and quoting on that line."));
        } catch (RuntimeException e) {
            throw new ConfigException(List.of("the file is not valid YAML: " + e.getMessage()));
        }
        if (root == null) {
            throw new ConfigException(List.of("line 1: the config is empty. Fix: add a model_list (see the README)."));
        }
        // environment_variables (LiteLLM) set values that os.environ/ references see, ahead of the process env.
        Map<String, String> declared = new HashMap<>();
        YamlWalker w = new YamlWalker(name -> declared.containsKey(name) ? declared.get(name) : env.apply(name));
        Map<String, Node> top = w.mapping(root, "(top level)");
        declared.putAll(w.stringMap(top.get("environment_variables"), "environment_variables"));
        top.forEach((k, v) -> {
            if (!TOP_KEYS.contains(k)) w.warn(v, k, "unknown top-level key, ignored. Known: " + TOP_KEYS + ".");
        });

        Set<String> failedAliases = new java.util.LinkedHashSet<>();
        List<Deployment> deployments = readModelList(w, top, failedAliases);
        GeneralSettings general = readGeneral(w, top.get("general_settings"));
        RoutingKeys routing = new RoutingKeys(w, aliases(deployments), failedAliases)
                .withOtherNames(deployments, top.get("router_settings"));
        Map<String, Object> router = readRecognised(w, top.get("router_settings"), "router_settings", ROUTER_KEYS, routing);
        Map<String, Object> litellm = readRecognised(w, top.get("litellm_settings"), "litellm_settings", LITELLM_KEYS, routing);

        if (!w.errors.isEmpty()) throw new ConfigException(w.errors);
        return new GatewayConfig(List.copyOf(withVertexDefaults(deployments, litellm)), general, router, litellm, List.copyOf(w.warnings));
    }

    /** {@code litellm_settings.vertex_project} / {@code vertex_location} into every deployment that sets neither spelling itself. */
    private static List<Deployment> withVertexDefaults(List<Deployment> deployments, Map<String, Object> litellm) {
        if (VERTEX_DEFAULTS.stream().noneMatch(litellm::containsKey)) return deployments;
        List<Deployment> out = new ArrayList<>();
        for (Deployment d : deployments) {
            Map<String, Object> params = new LinkedHashMap<>(d.params());
            for (String k : VERTEX_DEFAULTS) {
                String ai = k.replace("vertex_", "vertex_ai_");
                if (litellm.get(k) != null && !params.containsKey(k) && !params.containsKey(ai)) params.put(k, litellm.get(k).toString());
            }
            out.add(new Deployment(d.alias(), d.provider(), d.model(), d.apiBase(), d.apiKey(), d.timeout(), d.streamTimeout(),
                    d.maxTokens(), d.headers(), params, d.modelInfo(), d.line()));
        }
        return out;
    }

    /** @param failedAliases collects the model_names of entries that did not load (their errors are reported) */
    private List<Deployment> readModelList(YamlWalker w, Map<String, Node> top, Set<String> failedAliases) {
        Node list = top.get("model_list");
        List<Deployment> out = new ArrayList<>();
        if (list == null) {
            w.errors.add("line 1: model_list: missing. Fix: add a model_list with at least one entry "
                    + "(model_name + litellm_params.model), e.g. model_name: demo, litellm_params: {model: mock/echo}.");
            return out;
        }
        List<Node> entries = w.sequence(list, "model_list");
        // litellm_settings.vertex_project / vertex_location: LiteLLM's "one location for all Vertex models", whose
        // example lists bare Gemini names
        boolean vertexSettings = top.get("litellm_settings") instanceof org.yaml.snakeyaml.nodes.MappingNode m
                && m.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode k
                && VERTEX_DEFAULTS.contains(k.getValue()));
        if (entries.isEmpty() && !(list instanceof org.yaml.snakeyaml.nodes.ScalarNode)) {
            w.error(list, "model_list", "is empty. Fix: add at least one entry with model_name and litellm_params.model.");
        }
        for (int i = 0; i < entries.size(); i++) {
            Deployment d = readEntry(w, entries.get(i), "model_list[" + i + "]", failedAliases, vertexSettings);
            if (d != null) out.add(d);
        }
        return out;
    }

    private Deployment readEntry(YamlWalker w, Node entry, String path, Set<String> failedAliases, boolean vertexSettings) {
        int errorsBefore = w.errors.size();
        Map<String, Node> e = w.mapping(entry, path);
        e.forEach((k, v) -> {
            if (!ENTRY_KEYS.contains(k)) w.warn(v, path + "." + k, "unknown key, ignored. Known: " + ENTRY_KEYS + ".");
        });
        String alias = w.string(e.get("model_name"), path + ".model_name");
        if (alias == null && !e.containsKey("model_name")) {
            w.error(entry, path + ".model_name", "missing. Fix: add model_name: <the alias apps will ask for>.");
        }
        Node paramsNode = e.get("litellm_params");
        String pp = path + ".litellm_params";
        if (paramsNode == null) {
            w.error(entry, pp, "missing. Fix: add litellm_params with at least model: provider/model-id.");
            if (alias != null) failedAliases.add(alias);
            return null;
        }
        Map<String, Node> p = w.mapping(paramsNode, pp);
        String full = w.string(p.get("model"), pp + ".model");
        if (full == null && !p.containsKey("model")) {
            w.error(paramsNode, pp + ".model", "missing. Fix: add model: provider/model-id, e.g. openai/gpt-4o-mini.");
        }
        String apiKey = w.string(p.get("api_key"), pp + ".api_key");
        String apiBase = w.string(p.containsKey("api_base") ? p.get("api_base") : p.get("base_url"), pp + ".api_base");
        Double timeout = w.number(p.get("timeout"), pp + ".timeout");
        Double streamTimeout = w.number(p.get("stream_timeout"), pp + ".stream_timeout");
        Integer maxTokens = w.integer(p.get("max_tokens"), pp + ".max_tokens");
        Map<String, String> headers = new LinkedHashMap<>(w.stringMap(p.get("headers"), pp + ".headers"));
        headers.putAll(w.stringMap(p.get("extra_headers"), pp + ".extra_headers"));

        Map<String, Object> params = new LinkedHashMap<>();
        p.forEach((k, v) -> {
            String kp = pp + "." + k;
            if (TYPED_PARAMS.contains(k)) return;
            if (NUMBER_PARAMS.contains(k)) {
                Double n = w.number(v, kp);
                if (n != null) params.put(k, n);
            } else if (OTHER_PARAMS.contains(k)) {
                params.put(k, w.plain(v, kp));
            } else {
                w.warn(v, kp, "unknown litellm_params key, ignored.");
            }
        });
        checkInjectionPoints(w, p.get("cache_control_injection_points"), pp + ".cache_control_injection_points",
                params.get("cache_control_injection_points"));
        Map<String, Object> info = new LinkedHashMap<>();
        w.mapping(e.get("model_info"), path + ".model_info").forEach((k, v) -> {
            String kp = path + ".model_info." + k;
            if (k.endsWith("_cost_per_token") || k.endsWith("_token_cost") || k.startsWith("max_")) {
                Double n = w.number(v, kp);
                if (n != null) info.put(k, n);
            } else {
                info.put(k, w.plain(v, kp));
            }
        });
        if (apiBase != null && !apiBase.startsWith("http://") && !apiBase.startsWith("https://")) {
            w.error(p.get("api_base") != null ? p.get("api_base") : p.get("base_url"), pp + ".api_base",
                    "'" + apiBase + "' is not an http(s) URL. Fix: write it like https://host/v1.");
        }
        if (full != null && alias != null && full.contains("*") && !alias.contains("*")) {
            w.error(p.get("model"), pp + ".model", "'" + full + "' has a * but model_name '" + alias + "' has none, so nothing"
                    + " would fill it in. Fix: give model_name the pattern too (model_name: \"*\" or \"" + full + "\"), or name one model.");
        }
        if (w.errors.size() > errorsBefore || alias == null || full == null) {
            if (alias != null) failedAliases.add(alias);
            return null;
        }

        int slash = full.indexOf('/');
        // Like LiteLLM, a model without a provider prefix is an OpenAI model; a bare wildcard (model: "*") has no
        // provider until a request names the model (see Deployment#wildcard).
        // LiteLLM sends its bare Gemini and Claude names to Vertex AI; a bare name with Vertex's settings is one of those.
        boolean vertexParams = params.keySet().stream().anyMatch(k -> k.startsWith("vertex_"))
                || vertexSettings && full.startsWith("gemini-");
        String provider = slash > 0 ? full.substring(0, slash) : full.contains("*") ? "" : vertexParams ? "vertex_ai" : "openai";
        String model = slash > 0 ? full.substring(slash + 1) : full;
        return new Deployment(alias, provider, model, apiBase, apiKey == null ? null : new Secret(apiKey),
                seconds(timeout), seconds(streamTimeout), maxTokens, Map.copyOf(headers), params, info,
                YamlWalker.line(entry));
    }

    private static final List<String> INJECTION_ROLES = List.of("system", "developer", "user", "assistant", "tool");

    /** LiteLLM's {@code [{location: message, role: system}, {location: message, index: -1}]}; anything else is an error. */
    private static void checkInjectionPoints(YamlWalker w, Node node, String path, Object value) {
        if (node == null) return;
        String example = " Fix: write e.g. [{location: message, role: system}, {location: message, index: -1}].";
        if (!(value instanceof List<?> list)) {
            w.error(node, path, "must be a list of injection points." + example);
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String ip = path + "[" + i + "]";
            Node at = node instanceof org.yaml.snakeyaml.nodes.SequenceNode seq ? seq.getValue().get(i) : node;
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                w.error(at, ip, "must be a mapping with location and role or index." + example);
                continue;
            }
            Object location = m.get("location");
            Object role = m.get("role");
            Object index = m.get("index");
            if (!"message".equals(location)) {
                w.error(at, ip + ".location", "must be 'message' (the only location LiteLLM defines)." + example);
            } else if (role == null && index == null) {
                w.error(at, ip, "needs a role (" + String.join(", ", INJECTION_ROLES) + ") or an index (negative counts from the end)." + example);
            } else if (role != null && !INJECTION_ROLES.contains(role.toString())) {
                w.error(at, ip + ".role", "'" + role + "' is not a message role. Fix: use one of " + INJECTION_ROLES + ".");
            } else if (index != null && !(index instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()))) {
                w.error(at, ip + ".index", "'" + index + "' is not a whole number. Fix: e.g. index: -1 for the last message.");
            }
        }
    }

    private GeneralSettings readGeneral(YamlWalker w, Node node) {
        Map<String, Node> g = w.mapping(node, "general_settings");
        g.forEach((k, v) -> {
            if (!GENERAL_KEYS.contains(k)) w.warn(v, "general_settings." + k, "not used by Switchboard, ignored.");
        });
        String master = w.string(g.get("master_key"), "general_settings.master_key");
        String db = w.string(g.get("database_url"), "general_settings.database_url");
        String dbPath = w.string(g.get("database_path"), "general_settings.database_path");
        if (db != null && !db.isBlank() && !db.startsWith("postgres://") && !db.startsWith("postgresql://")
                && !db.startsWith("jdbc:postgresql:")) {
            w.error(g.get("database_url"), "general_settings.database_url", "only PostgreSQL URLs are supported "
                    + "(postgresql://user:password@host:5432/db or jdbc:postgresql://host:5432/db). Fix: use such a URL, "
                    + "or remove database_url to keep the embedded SQLite file at database_path.");
            db = null;
        }
        Double mb = w.number(g.get("max_request_size_mb"), "general_settings.max_request_size_mb");
        long max = mb == null ? GeneralSettings.DEFAULT_MAX_REQUEST_BYTES : (long) (mb * 1024 * 1024);
        if (mb != null && max < 1) {
            // A limit under one byte would answer 413 to every request with a body: a typo, not a policy.
            max = GeneralSettings.DEFAULT_MAX_REQUEST_BYTES;
            w.error(g.get("max_request_size_mb"), "general_settings.max_request_size_mb", "must be more than 0, found "
                    + mb + ". Fix: give the limit in MiB, e.g. 10 (fractions work: 0.5 is 512 KiB).");
        }
        Double bufferedMb = w.number(g.get("max_buffered_mb"), "general_settings.max_buffered_mb");
        long buffered = 0;
        if (bufferedMb != null && bufferedMb * 1024 * 1024 < 1) {
            w.error(g.get("max_buffered_mb"), "general_settings.max_buffered_mb", "must be more than 0, found "
                    + bufferedMb + ". Fix: give the bound in MiB, e.g. 512, or leave it out for half the heap.");
        } else if (bufferedMb != null) {
            buffered = (long) (bufferedMb * 1024 * 1024);
        }
        return new GeneralSettings(master == null || master.isEmpty() ? null : new Secret(master),
                db == null || db.isBlank() ? null : db, dbPath, max,
                hostList(w, g.get("allowed_hosts"), "general_settings.allowed_hosts"),
                originList(w, g.get("cors_allowed_origins"), "general_settings.cors_allowed_origins"), buffered,
                ObservabilityKeys.otel(w, g.get("otel")), ObservabilityKeys.requestLog(w, g.get("request_log")),
                upstream(w, g));
    }

    /** {@code upstream_*}: the connection pool per upstream host, HTTP/2, extra CAs. */
    private static UpstreamSettings upstream(YamlWalker w, Map<String, Node> g) {
        int h1 = positive(w, g.get("upstream_max_connections_per_host"), "general_settings.upstream_max_connections_per_host",
                UpstreamSettings.DEFAULT_MAX_CONNECTIONS_PER_HOST);
        Boolean h2 = w.bool(g.get("upstream_http2"), "general_settings.upstream_http2");
        int h2Connections = positive(w, g.get("upstream_http2_connections_per_host"),
                "general_settings.upstream_http2_connections_per_host", UpstreamSettings.DEFAULT_HTTP2_CONNECTIONS_PER_HOST);
        int h2Streams = positive(w, g.get("upstream_http2_streams_per_connection"),
                "general_settings.upstream_http2_streams_per_connection", UpstreamSettings.DEFAULT_HTTP2_STREAMS_PER_CONNECTION);
        String ca = w.string(g.get("upstream_ca_file"), "general_settings.upstream_ca_file");
        if (ca != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(ca))) {
            w.error(g.get("upstream_ca_file"), "general_settings.upstream_ca_file", "cannot read '" + ca
                    + "'. Fix: give the path of a PEM file of CA certificates, or remove the key.");
            ca = null;
        }
        return new UpstreamSettings(h1, h2 == null || h2, h2Connections, h2Streams, ca);
    }

    /** A whole number of at least 1, or the default when absent (an error naming the fix otherwise). */
    private static int positive(YamlWalker w, Node node, String path, int dflt) {
        Double n = w.number(node, path);
        if (n == null) return dflt;
        if (n < 1 || n != Math.rint(n) || n > 1_000_000) {
            w.error(node, path, "must be a whole number from 1 to 1000000, found " + n + ". Fix: e.g. " + dflt + ", or leave it out for "
                    + dflt + ".");
            return dflt;
        }
        return n.intValue();
    }

    /** {@code allowed_hosts}: host names (a port, if given, is ignored: any port is accepted), lower case. */
    private static List<String> hostList(YamlWalker w, Node node, String path) {
        List<String> out = new ArrayList<>();
        if (node == null || YamlWalker.isNull(node)) return out;
        List<Node> items = w.sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String h = w.string(items.get(i), path + "[" + i + "]");
            if (h == null || h.isBlank()) continue;
            h = h.trim().toLowerCase(java.util.Locale.ROOT);
            if (h.contains("/") || h.contains(" ")) {
                w.error(items.get(i), path + "[" + i + "]", "'" + h + "' is not a host name. Fix: give the name alone, "
                        + "as browsers send it in Host, e.g. gateway.internal (no scheme or path).");
                continue;
            }
            int colon = h.lastIndexOf(':');
            if (colon > 0 && !h.endsWith("]") && h.indexOf(':') == colon) h = h.substring(0, colon);
            out.add(h);
        }
        return out;
    }

    /** {@code cors_allowed_origins}: {@code scheme://host[:port]} as browsers send it in Origin, or {@code *}. */
    private static List<String> originList(YamlWalker w, Node node, String path) {
        List<String> out = new ArrayList<>();
        if (node == null || YamlWalker.isNull(node)) return out;
        List<Node> items = w.sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String o = w.string(items.get(i), path + "[" + i + "]");
            if (o == null || o.isBlank()) continue;
            o = o.trim();
            if (o.endsWith("/")) o = o.substring(0, o.length() - 1);
            if (!o.equals("*") && !o.matches("(?i)https?://[^/\\s]+")) {
                w.error(items.get(i), path + "[" + i + "]", "'" + o + "' is not an origin. Fix: write it as the browser "
                        + "sends it in Origin, scheme and host (and port): https://app.example.com, http://localhost:3000.");
                continue;
            }
            out.add(o.toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    private Map<String, Object> readRecognised(YamlWalker w, Node node, String section, Set<String> known,
                                               RoutingKeys routing) {
        Map<String, Object> out = new LinkedHashMap<>();
        w.mapping(node, section).forEach((k, v) -> {
            if (!known.contains(k)) {
                w.warn(v, section + "." + k, "unknown key, ignored.");
                return;
            }
            int errorsBefore = w.errors.size();
            routing.check(section + "." + k, k, v);
            if (section.equals("litellm_settings")) {
                checkBudgetKey(w, section + "." + k, k, v);
                if (k.equals("cache_params")) checkCacheParams(w, v);
                if (k.equals("cache")) w.bool(v, section + ".cache");
            }
            // A wrong value is reported once, by the check, and not read again.
            if (w.errors.size() == errorsBefore) out.put(k, w.plain(v, section + "." + k));
        });
        return out;
    }

    /** The global cap over every key: {@code max_budget} (USD, ≥ 0) and {@code budget_duration} (its reset period). */
    private static void checkBudgetKey(YamlWalker w, String path, String key, Node v) {
        if (key.equals("max_budget")) {
            Double d = w.number(v, path);
            if (d != null && (d < 0 || d.isInfinite() || d.isNaN())) {
                w.error(v, path, "must be 0 or more (US dollars), found " + d + ".");
            }
        } else if (key.equals("budget_duration") || key.equals("response_retention")) {
            String s = w.string(v, path);
            if (s != null && !dev.switchboard.model.DurationSpec.isValid(s)) {
                w.error(v, path, "'" + s + "' is not a duration. Fix: write " + dev.switchboard.model.DurationSpec.FORMS + ".");
            }
        }
    }

    private static final Set<String> CACHE_TYPES = Set.of("local", "redis", "semantic", "redis-semantic");
    private static final Set<String> CACHE_PARAMS = Set.of("type", "ttl", "namespace", "supported_call_types", "host", "port",
            "password", "url", "max_size_mb", "timeout", "similarity_threshold", "embedder", "max_false_hit_rate", "mode",
            "verify", "verify_threshold", "max_entries", "default_in_memory_ttl", "default_in_redis_ttl", "embed_threads",
            "semantic_serves");
    private static final Set<String> SEMANTIC_EMBEDDERS = Set.of("bge-small-en-v15-q", "all-minilm-l6-v2-q");
    private static final Set<String> SEMANTIC_SERVES = Set.of("temperature", "tools", "images");

    /** {@code litellm_settings.cache_params}: a known type, positive numbers; unknown keys are warnings, as everywhere. */
    private static void checkCacheParams(YamlWalker w, Node node) {
        String path = "litellm_settings.cache_params";
        w.mapping(node, path).forEach((k, v) -> {
            String kp = path + "." + k;
            if (!CACHE_PARAMS.contains(k)) {
                w.warn(v, kp, "unknown cache_params key, ignored. Known: " + new java.util.TreeSet<>(CACHE_PARAMS) + ".");
            } else if (k.equals("type")) {
                String t = w.string(v, kp);
                if (t != null && !CACHE_TYPES.contains(t)) {
                    w.error(v, kp, "'" + t + "' is not a cache type Switchboard has. Fix: use one of " + new java.util.TreeSet<>(CACHE_TYPES)
                            + " (LiteLLM's s3, gcs and disk caches are not available).");
                }
            } else if (Set.of("ttl", "port", "max_size_mb", "timeout", "max_entries", "embed_threads").contains(k)) {
                Double d = w.number(v, kp);
                if (d != null && d <= 0) w.error(v, kp, "must be more than 0, found " + d + ".");
            } else if (Set.of("similarity_threshold", "verify_threshold").contains(k)) {
                Double d = w.number(v, kp);
                if (d != null && (d <= 0 || d > 1)) {
                    w.error(v, kp, "is a cosine similarity: more than 0 and at most 1, found " + d + ". Fix: leave it out to use "
                            + "the embedder's own calibrated default, or find one with 'switchboard cache eval'.");
                }
            } else if (k.equals("max_false_hit_rate")) {
                Double d = w.number(v, kp);
                if (d != null && (d <= 0 || d >= 0.5)) w.error(v, kp, "is a share of hits: more than 0 and below 0.5 (0.01 = 1 %), found " + d + ".");
            } else if (k.equals("mode")) {
                String m = w.string(v, kp);
                if (m != null && !m.equals("shadow") && !m.equals("serve")) {
                    w.error(v, kp, "'" + m + "' is not a mode. Fix: shadow (log would-be semantic hits, serve fresh answers) or serve (the default).");
                }
            } else if (k.equals("embedder")) {
                String e = w.string(v, kp);
                if (e != null && !SEMANTIC_EMBEDDERS.contains(e) && !(e.startsWith("alias:") && e.length() > 6)) {
                    w.error(v, kp, "'" + e + "' is not an embedder. Fix: one of " + new java.util.TreeSet<>(SEMANTIC_EMBEDDERS)
                            + " (in process), or alias:<model_name> of an embedding model in model_list.");
                }
            } else if (k.equals("verify")) {
                if (!(v instanceof org.yaml.snakeyaml.nodes.ScalarNode)) w.error(v, kp, "must be the model_name of a cheap chat model, or false.");
            } else if (k.equals("semantic_serves")) {
                Object list = w.plain(v, kp);
                if (!(list instanceof List<?>)) w.error(v, kp, "must be a list, e.g. [temperature, tools].");
                else for (Object o : (List<?>) list) {
                    if (!SEMANTIC_SERVES.contains(String.valueOf(o))) {
                        w.error(v, kp, "'" + o + "' is not something the semantic cache keeps out by default. Fix: any of " + new java.util.TreeSet<>(SEMANTIC_SERVES) + ".");
                    }
                }
            }
        });
    }

    private static Set<String> aliases(List<Deployment> deployments) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (Deployment d : deployments) out.add(d.alias());
        return out;
    }

    private static Duration seconds(Double s) {
        return s == null ? null : Duration.ofMillis((long) (s * 1000));
    }
}
