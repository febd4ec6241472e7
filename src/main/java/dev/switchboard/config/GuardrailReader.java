package dev.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads LiteLLM's top-level {@code guardrails:} list as LiteLLM's guardrail registry reads it: each entry's kind must be
 * one Switchboard has and each mode one that kind supports (LiteLLM refuses an unsupported event hook at start too); every
 * key is applied, warned by name or refused with the reason ({@link GuardrailKeys}). Problems go to the walker with their
 * line, so they are reported with the rest of the config's.
 */
final class GuardrailReader {
    /** The kinds Switchboard has, each with the modes LiteLLM's integration supports (its supported_event_hooks). */
    static final Map<String, List<String>> KINDS = Map.of(
            "tool_permission", List.of(GuardrailConfig.PRE_CALL, GuardrailConfig.POST_CALL),
            "bedrock", List.of(GuardrailConfig.PRE_CALL, GuardrailConfig.DURING_CALL, GuardrailConfig.POST_CALL),
            "aporia", List.of(GuardrailConfig.DURING_CALL, GuardrailConfig.POST_CALL),
            "lakera_v2", List.of(GuardrailConfig.PRE_CALL, GuardrailConfig.DURING_CALL, GuardrailConfig.POST_CALL),
            "litellm_content_filter", List.of(GuardrailConfig.PRE_CALL, GuardrailConfig.POST_CALL));

    /** Keys each kind reads; one of another kind is warned (LiteLLM passes it on and the integration ignores it). */
    private static final Map<String, Set<String>> KIND_KEYS = Map.of(
            "tool_permission", Set.of("rules", "default_action", "on_disallowed_action"),
            "bedrock", Set.of("guardrailIdentifier", "guardrailVersion", "aws_region_name", "aws_access_key_id",
                    "aws_secret_access_key", "aws_session_token", "aws_profile_name", "aws_bedrock_runtime_endpoint",
                    "mask_request_content", "mask_response_content", "disable_exception_on_block"),
            "aporia", Set.of(),
            "lakera_v2", Set.of("project_id", "payload", "breakdown", "metadata", "dev_info", "on_flagged"),
            "litellm_content_filter", Set.of("patterns", "blocked_words", "pattern_redaction_format", "keyword_redaction_tag"));
    private static final Set<String> COMMON = Set.of("guardrail", "mode", "default_on", "api_key", "api_base", "timeout");

    private final YamlWalker w;

    GuardrailReader(YamlWalker w) { this.w = w; }

    List<GuardrailConfig> read(Node list) {
        List<GuardrailConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Node> entries = w.sequence(list, GuardrailKeys.ENTRY);
        for (int i = 0; i < entries.size(); i++) {
            String path = GuardrailKeys.ENTRY + "[" + i + "]";
            int before = w.errors.size();
            GuardrailConfig g = entry(entries.get(i), path);
            if (g == null || w.errors.size() > before) continue;
            if (!names.add(g.name())) {
                w.error(entries.get(i), path + ".guardrail_name", "'" + g.name() + "' is already the name of another guardrail. "
                        + "Fix: give each guardrail its own name.");
                continue;
            }
            out.add(g);
        }
        return out;
    }

    private GuardrailConfig entry(Node n, String path) {
        Map<String, Node> e = w.mapping(n, path);
        String name = null;
        Map<String, Node> params = Map.of();
        for (Map.Entry<String, Node> kv : e.entrySet()) {
            if (!ConfigLoader.known(w, GuardrailKeys.ENTRY, kv.getKey(), kv.getValue())) continue;
            if (kv.getKey().equals("guardrail_name")) name = w.string(kv.getValue(), path + ".guardrail_name");
            else if (kv.getKey().equals("litellm_params")) params = w.mapping(kv.getValue(), path + ".litellm_params");
        }
        if (name == null || name.isBlank()) {
            w.error(n, path, "guardrail_name: missing. Fix: name the guardrail, e.g. guardrail_name: content-check.");
            return null;
        }
        path = path + ".litellm_params";
        String kind = w.string(params.get("guardrail"), path + ".guardrail");
        if (kind == null) {
            w.error(n, path, "guardrail: missing. Fix: set the kind, one of " + new java.util.TreeSet<>(KINDS.keySet()) + ".");
            return null;
        }
        if (!KINDS.containsKey(kind)) {
            w.error(params.get("guardrail"), path + ".guardrail", unsupportedKind(kind));
            return null;
        }
        if (params.get("mode") == null) {
            w.error(n, path, "mode: missing. Fix: set pre_call, during_call or post_call (or a list of them).");
            return null;
        }
        List<String> modes = modes(params.get("mode"), path + ".mode", kind);
        Boolean defaultOn = params.containsKey("default_on") ? w.bool(params.get("default_on"), path + ".default_on") : Boolean.FALSE;
        Map<String, Object> rest = new LinkedHashMap<>();
        for (Map.Entry<String, Node> kv : params.entrySet()) {
            String k = kv.getKey();
            Node v = kv.getValue();
            if (GuardrailKeys.REFUSED_WHEN_TRUE.contains(k) && Boolean.FALSE.equals(w.bool(v, path + "." + k))) continue;
            if (!ConfigLoader.known(w, GuardrailKeys.PARAMS, k, v) || COMMON.contains(k)) continue;
            if (!KIND_KEYS.get(kind).contains(k)) {
                w.unsupported(v, path + "." + k, "read by another kind of guardrail than " + kind);
                continue;
            }
            rest.put(k, w.plain(v, path + "." + k));
        }
        String apiBase = w.string(params.get("api_base"), path + ".api_base");
        String key = w.string(params.get("api_key"), path + ".api_key");
        Duration timeout = GuardrailConfig.DEFAULT_TIMEOUT;
        if (params.containsKey("timeout")) {
            Double s = w.number(params.get("timeout"), path + ".timeout");
            if (s != null && s > 0) timeout = Duration.ofMillis((long) (s * 1000));
            else if (s != null) w.error(params.get("timeout"), path + ".timeout", "must be more than 0 seconds.");
        }
        switch (kind) {
            case "tool_permission" -> toolPermission(params, path);
            case "bedrock" -> require(n, params, path, "guardrailIdentifier", "guardrailVersion");
            case "aporia" -> {
                if (apiBase == null) w.error(n, path, "api_base: missing; aporia is called at {api_base}/validate. Fix: set api_base.");
                if (key == null) w.error(n, path, "api_key: missing; aporia needs its X-APORIA-API-KEY. Fix: set api_key.");
            }
            case "lakera_v2" -> {
                String onFlagged = w.string(params.get("on_flagged"), path + ".on_flagged");
                if (onFlagged != null && !onFlagged.equals("block") && !onFlagged.equals("monitor")) {
                    w.error(params.get("on_flagged"), path + ".on_flagged", "expected block or monitor, found '" + onFlagged + "'.");
                }
            }
            case "litellm_content_filter" -> contentFilter(n, params, path);
            default -> { }
        }
        if (modes == null || defaultOn == null) return null;
        return new GuardrailConfig(name, kind, modes, defaultOn, apiBase, key == null ? null : new Secret(key), timeout,
                Map.copyOf(rest), YamlWalker.line(n), w.fileOf(n));
    }

    private static String unsupportedKind(String kind) {
        if (kind.contains(".")) {
            return "not supported: '" + kind + "' is a custom guardrail class (Python code LiteLLM imports); Switchboard runs no "
                    + "Python, so requests would reach providers unchecked. Fix: use one of " + new java.util.TreeSet<>(KINDS.keySet()) + ".";
        }
        if (kind.equals("lakera")) {
            return "not supported: Lakera's v1 API (guardrail: lakera) is not in Switchboard. Fix: use guardrail: lakera_v2 "
                    + "(Lakera's /v2/guard).";
        }
        return "not supported: the guardrail kind '" + kind + "' is not in Switchboard; requests would reach providers "
                + "unchecked. Fix: use one of " + new java.util.TreeSet<>(KINDS.keySet()) + ", or remove this guardrail.";
    }

    /** {@code mode}: one event hook or a list of them, each one the kind supports. */
    private List<String> modes(Node n, String path, String kind) {
        if (n instanceof MappingNode) {
            w.error(n, path, "not supported: tag-based modes (mode: {tags: …, default: …}) are not in Switchboard. Fix: write "
                    + "one mode or a list of them.");
            return null;
        }
        List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
        List<String> out = new ArrayList<>();
        for (Node item : items) {
            String m = w.string(item, path);
            if (m == null) return null;
            if (m.equals("logging_only")) {
                w.error(item, path, "not supported: logging_only (masking what is logged) is not in Switchboard; the log would "
                        + "keep what the guardrail should mask. Fix: use general_settings.request_log.policy: redacted.");
                return null;
            }
            if (kind.equals("litellm_content_filter") && m.equals(GuardrailConfig.DURING_CALL)) {
                w.error(item, path, "litellm_content_filter does not run during_call in Switchboard (LiteLLM's checks each streamed "
                        + "chunk there). Fix: use pre_call for the request and post_call for the answer: a streamed answer is read "
                        + "whole, checked (and masked), then sent.");
                return null;
            }
            if (!KINDS.get(kind).contains(m)) {
                boolean known = m.equals(GuardrailConfig.PRE_CALL) || m.equals(GuardrailConfig.DURING_CALL) || m.equals(GuardrailConfig.POST_CALL);
                w.error(item, path, known ? "a " + kind + " guardrail does not run " + m + " (LiteLLM's " + kind + " supports "
                        + KINDS.get(kind) + "). Fix: use one of those."
                        : "expected pre_call, during_call or post_call (or a list of them), found '" + m + "'.");
                return null;
            }
            if (!out.contains(m)) out.add(m);
        }
        if (out.isEmpty()) w.error(n, path, "the list is empty. Fix: give at least one mode.");
        return out.isEmpty() ? null : List.copyOf(out);
    }

    private void require(Node at, Map<String, Node> params, String path, String... keys) {
        for (String k : keys) {
            if (w.string(params.get(k), path + "." + k) == null) w.error(at, path, k + ": missing. Fix: set " + k + ".");
        }
    }

    /** LiteLLM's ToolPermissionRule checks, at start: an id, a tool_name or tool_type regex that compiles, allow or deny. */
    private void toolPermission(Map<String, Node> params, String path) {
        List<Node> rules = w.sequence(params.get("rules"), path + ".rules");
        for (int i = 0; i < rules.size(); i++) {
            String rp = path + ".rules[" + i + "]";
            Map<String, Node> r = w.mapping(rules.get(i), rp);
            if (w.string(r.get("id"), rp + ".id") == null) w.error(rules.get(i), rp, "id: missing. Fix: give each rule an id.");
            String name = w.string(r.get("tool_name"), rp + ".tool_name");
            String type = w.string(r.get("tool_type"), rp + ".tool_type");
            if ((name == null || name.isBlank()) && (type == null || type.isBlank())) {
                w.error(rules.get(i), rp, "each rule must specify at least a tool_name or tool_type regex.");
            }
            regex(r.get("tool_name"), name, rp + ".tool_name");
            regex(r.get("tool_type"), type, rp + ".tool_type");
            String decision = w.string(r.get("decision"), rp + ".decision");
            if (decision == null || !(decision.equalsIgnoreCase("allow") || decision.equalsIgnoreCase("deny"))) {
                w.error(rules.get(i), rp + ".decision", "expected allow or deny" + (decision == null ? "" : ", found '" + decision + "'") + ".");
            }
            w.stringMap(r.get("allowed_param_patterns"), rp + ".allowed_param_patterns")
                    .forEach((k, v) -> regex(r.get("allowed_param_patterns"), v, rp + ".allowed_param_patterns." + k));
            for (String k : r.keySet()) {
                if (!Set.of("id", "tool_name", "tool_type", "decision", "allowed_param_patterns").contains(k)) {
                    w.unknownKey(r.get(k), rp + "." + k, k, List.of("id", "tool_name", "tool_type", "decision", "allowed_param_patterns"),
                            "unknown rule key (LiteLLM's rules have id, tool_name, tool_type, decision, allowed_param_patterns), ignored.");
                }
            }
        }
        for (String k : List.of("default_action", "on_disallowed_action")) {
            String v = w.string(params.get(k), path + "." + k);
            List<String> allowed = k.equals("default_action") ? List.of("allow", "deny") : List.of("block", "rewrite");
            if (v != null && !allowed.contains(v.toLowerCase(java.util.Locale.ROOT))) {
                w.error(params.get(k), path + "." + k, "expected " + String.join(" or ", allowed) + ", found '" + v + "'.");
            }
        }
    }

    /**
     * LiteLLM's content filter settings, checked at start: each pattern a prebuilt one Switchboard has or a regex that
     * compiles (named, or {@code custom_regex} as LiteLLM names it); each blocked word a keyword; actions BLOCK or MASK;
     * at least one of them.
     */
    private void contentFilter(Node at, Map<String, Node> params, String path) {
        List<Node> patterns = w.sequence(params.get("patterns"), path + ".patterns");
        for (int i = 0; i < patterns.size(); i++) {
            String pp = path + ".patterns[" + i + "]";
            Map<String, Node> p = w.mapping(patterns.get(i), pp);
            String type = w.string(p.get("pattern_type"), pp + ".pattern_type");
            if ("prebuilt".equals(type)) {
                String name = w.string(p.get("pattern_name"), pp + ".pattern_name");
                if (name == null) w.error(patterns.get(i), pp, "pattern_name: missing. Fix: name a prebuilt pattern, one of "
                        + ContentFilterPatterns.names() + ".");
                else if (ContentFilterPatterns.prebuilt(name) == null) w.error(p.get("pattern_name"), pp + ".pattern_name",
                        "not supported: no prebuilt pattern '" + name + "' in Switchboard. Fix: use one of " + ContentFilterPatterns.names()
                                + ", or pattern_type: regex with your own pattern.");
            } else if ("regex".equals(type)) {
                String regex = w.string(p.get("pattern"), pp + ".pattern");
                if (regex == null || regex.isBlank()) w.error(patterns.get(i), pp, "pattern: missing. Fix: give the regular expression.");
                else regex(p.get("pattern"), regex, pp + ".pattern");
                w.string(p.get("name"), pp + ".name"); // none: LiteLLM's "custom_regex" (the guardrail names it so)
            } else {
                w.error(patterns.get(i), pp + ".pattern_type", "expected prebuilt or regex" + (type == null ? "" : ", found '" + type + "'") + ".");
            }
            action(p.get("action"), pp + ".action");
            for (String k : p.keySet()) {
                if (!Set.of("pattern_type", "pattern_name", "pattern", "name", "action").contains(k)) {
                    w.unknownKey(p.get(k), pp + "." + k, k, List.of("pattern_type", "pattern_name", "pattern", "name", "action"),
                            "unknown pattern key (LiteLLM's patterns have pattern_type, pattern_name, pattern, name, action), ignored.");
                }
            }
        }
        List<Node> words = w.sequence(params.get("blocked_words"), path + ".blocked_words");
        for (int i = 0; i < words.size(); i++) {
            String wp = path + ".blocked_words[" + i + "]";
            Map<String, Node> b = w.mapping(words.get(i), wp);
            String kw = w.string(b.get("keyword"), wp + ".keyword");
            if (kw == null || kw.isBlank()) w.error(words.get(i), wp, "keyword: missing. Fix: give the word or phrase to block.");
            action(b.get("action"), wp + ".action");
            w.string(b.get("description"), wp + ".description");
            for (String k : b.keySet()) {
                if (!Set.of("keyword", "action", "description").contains(k)) {
                    w.unknownKey(b.get(k), wp + "." + k, k, List.of("keyword", "action", "description"),
                            "unknown blocked word key (LiteLLM's have keyword, action, description), ignored.");
                }
            }
        }
        if (patterns.isEmpty() && words.isEmpty()) {
            w.error(at, path, "litellm_content_filter with neither patterns nor blocked_words checks nothing. Fix: list patterns "
                    + "(prebuilt or regex) or blocked_words.");
        }
        String format = w.string(params.get("pattern_redaction_format"), path + ".pattern_redaction_format");
        if (format != null && !format.contains("{pattern_name}")) {
            w.error(params.get("pattern_redaction_format"), path + ".pattern_redaction_format",
                    "must contain {pattern_name} (LiteLLM's rule), e.g. \"[{pattern_name}_REDACTED]\".");
        }
        w.string(params.get("keyword_redaction_tag"), path + ".keyword_redaction_tag");
    }

    /** A content filter action: BLOCK or MASK (LiteLLM's ContentFilterAction), required. */
    private void action(Node n, String path) {
        String a = w.string(n, path);
        if (a == null) w.error(n, path, "action: missing. Fix: set BLOCK or MASK.");
        else if (!a.equalsIgnoreCase("BLOCK") && !a.equalsIgnoreCase("MASK")) w.error(n, path, "expected BLOCK or MASK, found '" + a + "'.");
    }

    private void regex(Node at, String pattern, String path) {
        if (pattern == null || pattern.isBlank()) return;
        try {
            Pattern.compile(pattern.strip());
        } catch (PatternSyntaxException e) {
            w.error(at, path, "'" + pattern + "' is not a valid regular expression: " + e.getDescription() + ".");
        }
    }
}
