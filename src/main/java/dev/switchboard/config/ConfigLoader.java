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

    /** Every top-level section this loader reads: the one list the "unknown top-level key" hint names. */
    private static final Set<String> TOP_KEYS = Set.of("model_list", "router_settings", "litellm_settings", "general_settings",
            "environment_variables", "credential_list", "guardrails");
    /** LiteLLM's "one location for all Vertex models": litellm_settings values every deployment without its own takes. */
    private static final Set<String> VERTEX_DEFAULTS = Set.of("vertex_project", "vertex_location");
    /** LiteLLM's other top-level sections, for features Switchboard does not have: one warning each. */
    private static final Set<String> OTHER_LITELLM_TOP_KEYS = Set.of("finetune_settings", "files_settings", "callback_settings",
            "mcp_servers", "assistant_settings", "search_tools", "vector_store_registry", "pass_through_endpoints", "prompts",
            "guardrail_settings", "mcp_tool_permissions", "agent_list", "model_group_settings");

    private final Function<String, String> env;
    /** Whether a base URL is the listening gateway's own address; null: no address known (nothing ignored). */
    private final java.util.function.Predicate<String> ownAddress;
    /** The gateway's address as messages name it ({@code http://127.0.0.1:4000}); null with ownAddress. */
    private final String ownAddressShown;

    public ConfigLoader(Function<String, String> env) { this(env, null, null); }

    private ConfigLoader(Function<String, String> env, java.util.function.Predicate<String> ownAddress, String ownAddressShown) {
        this.env = env;
        this.ownAddress = ownAddress;
        this.ownAddressShown = ownAddressShown;
    }

    /**
     * A loader that passes over a LiteLLM base variable (ANTHROPIC_BASE_URL, OPENAI_BASE_URL, …) whose value is the
     * gateway's own address, with a warning: such a variable is exported for apps to reach the gateway (Claude Code's
     * ANTHROPIC_BASE_URL), never meant as a route, and taken as one every request would come back here. The next
     * variable in LiteLLM's order, else the provider's default, applies (Deployment#ignoredBases records what was passed over).
     *
     * @param isOwnAddress whether a base URL reaches the listening gateway
     * @param shown        that address as messages name it
     */
    public ConfigLoader ignoringBasesAt(java.util.function.Predicate<String> isOwnAddress, String shown) {
        return new ConfigLoader(env, isOwnAddress, shown);
    }

    /** Uses the process environment. */
    public static ConfigLoader fromEnvironment() { return new ConfigLoader(System::getenv); }

    public GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            // the JDK's text ("Input length = 4") says nothing to someone who passed a binary or Latin-1 file
            throw ConfigException.unreadable(file + ": the config file is not UTF-8 text. Fix: pass the YAML config with "
                    + "--config, saved as UTF-8.");
        } catch (java.nio.file.NoSuchFileException e) {
            throw ConfigException.unreadable(file + ": cannot read the config file (no such file). Fix: pass an existing "
                    + "file with --config.");
        } catch (IOException e) {
            throw ConfigException.unreadable(file + ": cannot read the config file (" + (Files.isDirectory(file)
                    ? "a directory" : e.getMessage()) + "). Fix: pass an existing file with --config.");
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, dir == null ? Path.of("").toAbsolutePath() : dir, file);
    }

    /**
     * A YAML syntax error at its line. At the end of the file (an unclosed quote or bracket) the problem's own mark is
     * past the last line, so the line of what was left open is named instead, from SnakeYAML's context mark
     * ("while scanning a quoted scalar", as PyYAML says it): the QA's unclosed quote on line 3 was reported at line 4
     * of a 3-line file.
     */
    static String yamlError(MarkedYAMLException e, String yamlText) {
        org.yaml.snakeyaml.error.Mark problem = e.getProblemMark();
        org.yaml.snakeyaml.error.Mark context = e.getContextMark();
        // SnakeYAML's index counts code points, String.length() UTF-16 units: an emoji (two units) before an unclosed quote
        // put the end of the stream "before" the end of the text, and the error was named at the last line
        boolean atEnd = problem == null || problem.getIndex() >= yamlText.codePointCount(0, yamlText.length());
        if (atEnd && context != null) {
            return "line " + (context.getLine() + 1) + ": the file is not valid YAML: " + e.getContext() + " starting at column "
                    + (context.getColumn() + 1) + ", " + e.getProblem() + ". Fix: close it (a quote, a bracket) on that line.";
        }
        long lines = Math.max(1, yamlText.lines().count());
        long line = problem == null ? lines : Math.min(problem.getLine() + 1, lines);
        return "line " + line + ": the file is not valid YAML: " + e.getProblem() + ". Fix: check the indentation and quoting on that line.";
    }

    /** A config given as text: {@code include:} paths are read from the working directory. */
    public GatewayConfig parse(String yamlText) {
        return parse(yamlText, Path.of("").toAbsolutePath());
    }

    /** @param baseDir the directory {@code include:} paths are relative to (the config file's, as in LiteLLM) */
    public GatewayConfig parse(String yamlText, Path baseDir) {
        return parse(yamlText, baseDir, null);
    }

    /** @param mainFile the config file itself (an {@code include:} of it is a loop at once), or null */
    private GatewayConfig parse(String yamlText, Path baseDir, Path mainFile) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            throw new ConfigException(List.of(yamlError(e, yamlText)));
        } catch (RuntimeException e) {
            throw new ConfigException(List.of("the file is not valid YAML: " + e.getMessage()));
        }
        if (root == null) {
            throw new ConfigException(List.of("line 1: the config is empty. Fix: add a model_list (see the README)."));
        }
        Yaml11 yaml = new Yaml11();
        try {
            yaml.flattenMerges(root);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(List.of("line " + line + ": a merge key (<<) " + e.getProblem()
                    + ". Fix: merge a mapping anchor, <<: *name, or a list of them, <<: [*a, *b]."));
        }
        // environment_variables (LiteLLM) set values that os.environ/ references see, ahead of the process env
        // (GatewayConfig#env: the same overlay for everything the gateway reads from the environment).
        Map<String, String> declared = new HashMap<>();
        YamlWalker w = new YamlWalker(name -> GatewayConfig.overlay(declared, env).apply(name), yaml);
        ConfigIncludes.apply(w, yaml, root, baseDir, mainFile);
        Map<String, Node> top = w.mapping(root, "(top level)");
        declared.putAll(w.environmentMap(top.get("environment_variables"), "environment_variables"));
        Map<String, Node> misspeltGeneral = new LinkedHashMap<>();
        top.forEach((k, v) -> {
            if (TOP_KEYS.contains(k)) {
                return; // each read below
            } else if (k.equals("policies") || k.equals("policy_attachments")) {
                w.error(v, k, "not supported: LiteLLM's guardrail policies are not in Switchboard; requests to the models they "
                        + "attach would reach providers without their guardrails. Fix: set default_on on the guardrails, or "
                        + "have clients ask for them (guardrails: [...] in the request).");
            } else if (OTHER_LITELLM_TOP_KEYS.contains(k)) {
                w.unsupported(v, k, "LiteLLM's " + k + " (files, fine-tuning, MCP, assistants, pass-through, callbacks) is not in Switchboard");
            } else {
                Set<String> known = new java.util.TreeSet<>(TOP_KEYS);
                known.addAll(OTHER_LITELLM_TOP_KEYS);
                known.addAll(List.of("policies", "policy_attachments", "include"));
                // A place for YAML anchors (x-common: &common …, as docker compose spells it, or any key whose value is
                // an anchor the file merges elsewhere) is how LiteLLM configs share settings: LiteLLM ignores such keys
                // silently, and so does this, unless the key is a misspelt section (router_setings: &r …).
                boolean anchorHolder = k.startsWith("x-") || v.getAnchor() != null;
                String near = KeySuggestions.closest(k, known);
                if ("general_settings".equals(near) && v instanceof org.yaml.snakeyaml.nodes.MappingNode m
                        && m.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode s
                        && s.getValue().equals("master_key"))) {
                    misspeltGeneral.put(k, v); // its master_key is not read: warned below, with what that means
                } else if (!anchorHolder || near != null) {
                    w.unknownKey(v, k, k, known, "unknown top-level key, ignored. Known: " + new java.util.TreeSet<>(TOP_KEYS) + ".");
                }
            }
        });

        Set<String> failedAliases = new java.util.LinkedHashSet<>();
        // each further entry of one provider/model gets an id of its own, as LiteLLM gives every entry one (DeploymentIds)
        List<Deployment> deployments = DeploymentIds.distinct(readModelList(w, top, failedAliases));
        GeneralSettings general = readGeneral(w, top.get("general_settings"));
        for (Map.Entry<String, Node> e : misspeltGeneral.entrySet()) {
            masterKeyTypo(w, general, e.getKey(), e.getKey(), e.getValue(), "general_settings");
        }
        RoutingKeys routing = new RoutingKeys(w, aliases(deployments), failedAliases)
                .withOtherNames(deployments, top.get("router_settings"));
        Map<String, Object> router = readRecognised(w, top.get("router_settings"), LiteLlmKeys.ROUTER, routing);
        Map<String, Object> litellm = readRecognised(w, top.get("litellm_settings"), LiteLlmKeys.LITELLM, routing);
        RoutingKeys.overridden(w, top.get("router_settings"), router, top.get("litellm_settings"), litellm);
        List<GuardrailConfig> guardrails = new GuardrailReader(w).read(top.get("guardrails"));
        general = messageLogging(w, general, top.get("general_settings"), litellm);
        deploymentBudgetWarnings(w, deployments, router);
        w.flushUnsupported();

        List<String> warnings = ConfigMessages.inLineOrder(w.warnings);
        if (!w.errors.isEmpty()) throw new ConfigException(ConfigMessages.inLineOrder(w.errors), warnings);
        return new GatewayConfig(List.copyOf(withVertexDefaults(deployments, litellm)), general, router, litellm, warnings,
                guardrails, declared, routing.fallbackRefs);
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
                    d.maxTokens(), d.headers(), params, d.modelInfo(), d.line(), d.sources()));
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
        if (entries.isEmpty() && !(list instanceof org.yaml.snakeyaml.nodes.ScalarNode)) {
            w.error(list, "model_list", "is empty. Fix: add at least one entry with model_name and litellm_params.model.");
        }
        Map<String, Node> router = w.mapping(top.get("router_settings"), "router_settings");
        Node defaults = router.get("default_litellm_params");
        DeploymentReader reader = new DeploymentReader(w, w.mapping(defaults, "router_settings.default_litellm_params"),
                "router_settings.default_litellm_params", credentials(w, top.get("credential_list")), ownAddress, ownAddressShown);
        for (int i = 0; i < entries.size(); i++) {
            Deployment d = reader.read(entries.get(i), "model_list[" + i + "]", failedAliases);
            if (d != null) out.add(d);
        }
        return out;
    }

    private static final List<String> INJECTION_ROLES = List.of("system", "developer", "user", "assistant", "tool");

    /** LiteLLM's {@code [{location: message, role: system}, {location: message, index: -1}]}; anything else is an error. */
    /** LiteLLM's {@code credential_list}: {@code [{credential_name, credential_values: {api_key, api_base, …}}]}. */
    private static Map<String, Map<String, Node>> credentials(YamlWalker w, Node list) {
        Map<String, Map<String, Node>> out = new LinkedHashMap<>();
        List<Node> items = w.sequence(list, "credential_list");
        for (int i = 0; i < items.size(); i++) {
            String ip = "credential_list[" + i + "]";
            Map<String, Node> c = w.mapping(items.get(i), ip);
            String name = w.string(c.get("credential_name"), ip + ".credential_name");
            if (name == null) {
                w.error(items.get(i), ip + ".credential_name", "missing. Fix: name the credential, e.g. credential_name: default_azure.");
                continue;
            }
            out.put(name, w.mapping(c.get("credential_values"), ip + ".credential_values"));
        }
        return out;
    }

    static void checkInjectionPoints(YamlWalker w, Node node, String path, Object value) {
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
        EnvironmentFallbacks.Sourced master = EnvironmentFallbacks.masterKey(w, g.get("master_key"),
                w.string(g.get("master_key"), "general_settings.master_key"));
        Map<String, Node> masterKeyTypos = new LinkedHashMap<>();
        g.forEach((k, v) -> {
            if (g.get("master_key") == null && LiteLlmKeys.find(LiteLlmKeys.GENERAL, k) == null
                    && "master_key".equals(KeySuggestions.closest(k, LiteLlmKeys.keys(LiteLlmKeys.GENERAL)))) {
                masterKeyTypos.put(k, v); // warned below, once it is known whether anything else asks for a key
                return;
            }
            known(w, LiteLlmKeys.GENERAL, k, v);
        });
        EnvironmentFallbacks.Sourced dbUrl = EnvironmentFallbacks.databaseUrl(w, g.get("database_url"),
                w.string(g.get("database_url"), "general_settings.database_url"));
        String db = dbUrl.value();
        String dbPath = w.string(g.get("database_path"), "general_settings.database_path");
        if (db != null && !db.startsWith("postgres://") && !db.startsWith("postgresql://") && !db.startsWith("jdbc:postgresql:")) {
            String problem = "only PostgreSQL URLs are supported (postgresql://user:password@host:5432/db or "
                    + "jdbc:postgresql://host:5432/db). Fix: use such a URL, or remove ";
            if (g.get("database_url") != null) {
                w.error(g.get("database_url"), "general_settings.database_url", problem
                        + "database_url to keep the embedded SQLite file at database_path.");
            } else { // LiteLLM exits on a DATABASE_URL of another scheme too; the URL may hold a password, so not shown
                w.errors.add(EnvironmentFallbacks.DATABASE_URL_VAR + " (environment, read as LiteLLM reads it when "
                        + "general_settings.database_url is not set): " + problem + "the variable to keep the embedded "
                        + "SQLite file at database_path.");
            }
            db = null;
        }
        Double mb = w.number(g.get("max_request_size_mb"), "general_settings.max_request_size_mb");
        long max = mb == null ? GeneralSettings.DEFAULT_MAX_REQUEST_BYTES : (long) (mb * 1024 * 1024);
        if (mb != null && max < 1) {
            // A limit under one byte would answer 413 to every request with a body: a typo, not a policy.
            max = GeneralSettings.DEFAULT_MAX_REQUEST_BYTES;
            w.error(g.get("max_request_size_mb"), "general_settings.max_request_size_mb", "must be more than 0, found "
                    + YamlWalker.written(g.get("max_request_size_mb"), mb) + ". Fix: give the limit in MiB, e.g. 10 (fractions work: 0.5 is 512 KiB).");
        }
        Double bufferedMb = w.number(g.get("max_buffered_mb"), "general_settings.max_buffered_mb");
        long buffered = 0;
        if (bufferedMb != null && bufferedMb * 1024 * 1024 < 1) {
            w.error(g.get("max_buffered_mb"), "general_settings.max_buffered_mb", "must be more than 0, found "
                    + YamlWalker.written(g.get("max_buffered_mb"), bufferedMb) + ". Fix: give the bound in MiB, e.g. 512, or leave it out for half the heap.");
        } else if (bufferedMb != null) {
            buffered = (long) (bufferedMb * 1024 * 1024);
        }
        GeneralSettings settings = new GeneralSettings(master.value() == null ? null : new Secret(master.value()),
                db, dbPath, max,
                hostList(w, g.get("allowed_hosts"), "general_settings.allowed_hosts"),
                originList(w, g.get("cors_allowed_origins"), "general_settings.cors_allowed_origins"), buffered,
                ObservabilityKeys.otel(w, g.get("otel")), ObservabilityKeys.requestLog(w, g.get("request_log")),
                upstream(w, g), JwtAuthKeys.read(w, g), eventLoopTransport(w, g.get("event_loop_transport")),
                new RequestChecks(Boolean.TRUE.equals(w.bool(g.get("enforce_user_param"), "general_settings.enforce_user_param")),
                        Boolean.TRUE.equals(w.bool(g.get("reject_clientside_metadata_tags"),
                                "general_settings.reject_clientside_metadata_tags"))),
                globalMaxParallel(w, g.get("global_max_parallel_requests")), healthChecks(w, g), AlertingKeys.read(w, g),
                new SettingSources(master.source(), db == null ? null : dbUrl.source()), EnvironmentFallbacks.keyRotationGracePeriod(w),
                backgroundThreadNice(w, g.get("background_thread_nice")),
                !Boolean.FALSE.equals(w.bool(g.get("check_key_models"), "general_settings.check_key_models")));
        masterKeyTypos.forEach((k, v) -> masterKeyTypo(w, settings, "general_settings." + k, k, v, "master_key"));
        return settings;
    }

    /**
     * A key a letter or two from {@code master_key} ({@code master_kye}, {@code masterkey}), or a misspelt general_settings
     * holding one: the one typo that changes who
     * may call. When nothing else asks callers for a key (no master key, not from LITELLM_MASTER_KEY either, no JWT auth),
     * the gateway takes every request on loopback unasked, so the warning says that, not only "unknown key".
     */
    private static void masterKeyTypo(YamlWalker w, GeneralSettings settings, String path, String key, Node v, String meant) {
        String unknown = meant.equals("general_settings")
                ? "unknown top-level key, ignored with the master_key in it. Did you mean general_settings?"
                : "unknown key (LiteLLM documents none of that name), ignored. Did you mean master_key?";
        if (settings.masterKey() != null || settings.jwtAuthEnabled()) {
            w.warn(v, path, unknown);
            return;
        }
        w.warn(v, path, unknown + " No master key is set (neither general_settings.master_key nor LITELLM_MASTER_KEY), so "
                + "AUTHENTICATION IS OFF: every caller on this machine may use every model and the admin API without a key. "
                + "Fix: rename " + key + " to " + meant + ".");
    }

    /** LiteLLM's {@code background_health_checks}, {@code health_check_interval} (seconds, more than 0) and {@code health_check_details}. */
    private static HealthCheckSettings healthChecks(YamlWalker w, Map<String, Node> g) {
        Boolean background = w.bool(g.get("background_health_checks"), "general_settings.background_health_checks");
        Boolean details = w.bool(g.get("health_check_details"), "general_settings.health_check_details");
        Double seconds = w.number(g.get("health_check_interval"), "general_settings.health_check_interval");
        java.time.Duration interval = HealthCheckSettings.DEFAULT_INTERVAL;
        if (seconds != null && !(seconds >= 1 && seconds < 1e9)) {
            w.error(g.get("health_check_interval"), "general_settings.health_check_interval", "must be 1 or more (seconds), found "
                    + YamlWalker.written(g.get("health_check_interval"), seconds) + ". Fix: e.g. 300, or leave it out for 300.");
        } else if (seconds != null) {
            interval = java.time.Duration.ofMillis(Math.round(seconds * 1000));
        }
        return new HealthCheckSettings(Boolean.TRUE.equals(background), interval, !Boolean.FALSE.equals(details));
    }

    /** {@code global_max_parallel_requests}: a whole number, 1 or more; absent for no limit. */
    private static Integer globalMaxParallel(YamlWalker w, Node node) {
        if (node == null) return null;
        String path = "general_settings.global_max_parallel_requests";
        Integer n = w.integer(node, path);
        if (n != null && n < 1) {
            w.error(node, path, "must be 1 or more, found " + YamlWalker.written(node, n) + ". Fix: give the most model calls this gateway runs at once, "
                    + "or leave it out for no limit.");
            return null;
        }
        return n;
    }

    /**
     * {@code background_thread_nice}: how far the store writers lower their threads' nice below the process's own (its
     * nice plus this, at most 19; 0 off, up to 19; absent:
     * {@link GeneralSettings#DEFAULT_BACKGROUND_THREAD_NICE}). A negative value would raise them, which needs
     * privileges and would take the core from the event loop: refused.
     */
    private static Integer backgroundThreadNice(YamlWalker w, Node node) {
        if (node == null) return null;
        String path = "general_settings.background_thread_nice";
        Integer n = w.integer(node, path);
        if (n != null && (n < 0 || n > GeneralSettings.MAX_BACKGROUND_THREAD_NICE)) {
            w.error(node, path, "must be a whole number from 0 to " + GeneralSettings.MAX_BACKGROUND_THREAD_NICE + ", found "
                    + YamlWalker.written(node, n) + ". Fix: give the nice value for the store writers' threads (0 keeps "
                    + "them at the gateway's priority), or leave it out for " + GeneralSettings.DEFAULT_BACKGROUND_THREAD_NICE + ".");
            return null;
        }
        return n;
    }

    /** {@code event_loop_transport}: auto (absent), io_uring, epoll or nio. Whether the machine has it is checked at start. */
    private static EventLoopTransport eventLoopTransport(YamlWalker w, Node node) {
        String text = w.string(node, "general_settings.event_loop_transport");
        if (text == null || text.isBlank()) return EventLoopTransport.AUTO;
        EventLoopTransport t = EventLoopTransport.parse(text);
        if (t == null) {
            w.error(node, "general_settings.event_loop_transport", "'" + text + "' is not a transport. Fix: use one of "
                    + EventLoopTransport.configNames() + ", or leave it out for auto (io_uring, else epoll, else NIO).");
            return EventLoopTransport.AUTO;
        }
        return t;
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
            w.error(node, path, "must be a whole number from 1 to 1000000, found " + YamlWalker.written(node, n) + ". Fix: e.g. " + dflt + ", or leave it out for "
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

    /**
     * Looks a section's key up in {@link LiteLlmKeys}: unknown and not-supported keys are warnings, refused ones errors;
     * true when the key is applied.
     */
    static boolean known(YamlWalker w, String section, String k, Node v) {
        KeyRule rule = LiteLlmKeys.find(section, k);
        if (rule == null) {
            w.unknownKey(v, section + "." + k, k, LiteLlmKeys.keys(section), "unknown key (LiteLLM documents none of that name), ignored.");
            return false;
        }
        switch (rule.state()) {
            case WARNED -> w.unsupported(v, section + "." + k, rule.note());
            case REFUSED -> w.error(v, section + "." + k, "not supported: " + rule.note() + ".");
            case APPLIED -> { return true; }
        }
        return false;
    }

    /**
     * Budget routing counts spend by the ledger's deployment id ({@code provider/model}): a wildcard entry's
     * {@code max_budget} names no served model, and entries of the same provider and model share one budget.
     */
    private static void deploymentBudgetWarnings(YamlWalker w, List<Deployment> deployments, Map<String, Object> router) {
        if (router.get("provider_budget_config") instanceof Map<?, ?> budgets) {
            Set<String> providers = new java.util.HashSet<>();
            boolean anyProvider = false; // a bare "*" entry serves whichever provider a request names
            for (Deployment d : deployments) {
                providers.add(d.provider());
                anyProvider |= d.wildcard() && d.provider().isEmpty();
            }
            for (Object p : budgets.keySet()) {
                if (!anyProvider && !providers.contains(String.valueOf(p))) {
                    w.warnings.add("router_settings.provider_budget_config." + p + ": no deployment of this config is of provider '"
                            + p + "' (its models' prefix: " + new java.util.TreeSet<>(providers) + "), so this budget never applies.");
                }
            }
        }
        Map<String, Deployment> seen = new LinkedHashMap<>();
        for (Deployment d : deployments) {
            if (d.params().containsKey("budget_duration") && !d.params().containsKey("max_budget")) {
                w.warnings.add(d.where() + ": model_list entry '" + d.alias() + "': budget_duration without max_budget does "
                        + "nothing. Fix: add max_budget (US dollars), or remove budget_duration.");
            }
            if (!d.params().containsKey("max_budget")) continue;
            if (d.wildcard()) {
                w.warnings.add(d.where() + ": model_list entry '" + d.alias() + "': max_budget on a wildcard entry has no "
                        + "effect (each model it serves is counted by its own provider/model). Fix: set router_settings."
                        + "provider_budget_config for the provider, or name the model.");
                continue;
            }
            Deployment twin = seen.putIfAbsent(d.id(), d);
            if (twin != null) {
                w.warnings.add(d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + ") shares its provider/model "
                        + "with " + twin.where() + ": the ledger counts their spend together, so they share one max_budget "
                        + "(the smaller).");
            }
        }
    }

    /**
     * LiteLLM's switches for keeping messages, as the request log's default policy (which traces' content follows too):
     * {@code litellm_settings.turn_off_message_logging: true} keeps none; else {@code general_settings.
     * store_prompts_in_spend_logs} keeps them whole (true) or not at all (false). Switchboard's own
     * {@code request_log.policy}, when set, wins; with none of the three, the default stays {@code truncated:2000}.
     */
    private static GeneralSettings messageLogging(YamlWalker w, GeneralSettings general, Node generalNode, Map<String, Object> litellm) {
        Boolean turnedOff = litellm.get("turn_off_message_logging") instanceof Boolean b ? b : null;
        Node stored = w.mapping(generalNode, "general_settings").get("store_prompts_in_spend_logs");
        Boolean store = stored == null ? null : w.bool(stored, "general_settings.store_prompts_in_spend_logs");
        if (general.requestLog().containsKey("policy")) return general;
        String policy = Boolean.TRUE.equals(turnedOff) ? "off" : store == null ? null : store ? "full" : "off";
        if (policy == null) return general;
        Map<String, Object> log = new LinkedHashMap<>(general.requestLog());
        log.put("policy", policy);
        return general.withRequestLog(log);
    }

    private Map<String, Object> readRecognised(YamlWalker w, Node node, String section, RoutingKeys routing) {
        Map<String, Object> out = new LinkedHashMap<>();
        w.mapping(node, section).forEach((k, v) -> {
            if (section.equals(LiteLlmKeys.LITELLM) && k.equals(DefaultTeamSettingsKeys.KEY)) {
                DefaultTeamSettingsKeys.check(w, v); // warned or refused per entry: see there
                return;
            }
            if (!known(w, section, k, v)) return;
            if (section.equals(LiteLlmKeys.LITELLM) && KeyGenerateParamsKeys.handles(k)) {
                Map<String, Object> fields = KeyGenerateParamsKeys.read(w, k, v);
                if (fields != null) out.put(k, fields);
                return;
            }
            int errorsBefore = w.errors.size();
            routing.check(section + "." + k, k, v);
            Object cacheParams = null;
            if (section.equals("litellm_settings")) {
                checkBudgetKey(w, section + "." + k, k, v);
                if (k.equals("cache_params")) cacheParams = new CacheParamsReader(w).read(v);
                if (k.equals("cache") || k.equals("drop_params") || k.equals("turn_off_message_logging")) w.bool(v, section + "." + k);
                if (LiteLlmCallbacks.KEYS.contains(k)) LiteLlmCallbacks.check(w, section + "." + k, v);
            }
            // A wrong value is reported once, by the check, and not read again.
            if (w.errors.size() == errorsBefore) out.put(k, cacheParams != null ? cacheParams : w.plain(v, section + "." + k));
        });
        return out;
    }

    /**
     * What a budget refusal may answer: the client-error statuses LiteLLM's users set. Not 401, 403, 404 or 413, which the
     * SDKs and the gateway read as another failure, nor 499 (a client that left, in the ledger and the dashboard).
     */
    private static final java.util.List<Integer> BUDGET_STATUSES = java.util.List.of(400, 402, 409, 422, 429);

    /** The global cap over every key: {@code max_budget} (USD, ≥ 0) and {@code budget_duration} (its reset period). */
    private static void checkBudgetKey(YamlWalker w, String path, String key, Node v) {
        if (key.equals("max_budget") || key.equals("max_end_user_budget") || key.equals("max_internal_user_budget")) {
            Double d = w.number(v, path);
            if (d != null && (d < 0 || d.isInfinite() || d.isNaN())) {
                w.error(v, path, "must be 0 or more (US dollars), found " + YamlWalker.written(v, d) + ".");
            }
        } else if (key.equals("budget_exceeded_status_code")) {
            Integer status = w.integer(v, path);
            if (status != null && !BUDGET_STATUSES.contains(status)) {
                w.error(v, path, "must be one of " + BUDGET_STATUSES + ", found " + status + ". Fix: 400 (the default), 422 "
                        + "(LiteLLM v1.104's default) or 429 (the SDKs retry it).");
            }
        } else if (key.equals("timezone")) {
            String s = w.string(v, path);
            // LiteLLM falls back to UTC on a name it cannot read; a typo here would move every budget's reset unnoticed
            if (s != null && !validZone(s)) {
                w.error(v, path, "'" + s + "' is not a time zone. Fix: write an IANA name such as UTC, US/Eastern or Asia/Kolkata.");
            }
        } else if (key.equals("budget_duration") || key.equals("response_retention") || key.equals("internal_user_budget_duration")) {
            String s = w.string(v, path);
            if (s != null && !dev.switchboard.model.DurationSpec.isValid(s)) {
                w.error(v, path, "'" + s + "' is not a duration. Fix: write " + dev.switchboard.model.DurationSpec.FORMS + ".");
            }
        }
    }

    private static boolean validZone(String s) {
        try {
            java.time.ZoneId.of(s.trim());
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    private static Set<String> aliases(List<Deployment> deployments) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (Deployment d : deployments) out.add(d.alias());
        return out;
    }
}
