package dev.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code general_settings.enable_jwt_auth} and {@code litellm_jwtauth} (LiteLLM's JWT auth) with line-numbered
 * errors, every key through the key table ({@link LiteLlmKeys#JWT}), and keeps the result as plain values for the
 * {@code govern} package, which builds its verifier from them.
 *
 * <p>Where the identity provider is: LiteLLM reads the JWKS URL, the audience and the issuer from the environment
 * ({@code JWT_PUBLIC_KEY_URL}, comma-separated URLs allowed; {@code JWT_AUDIENCE}; {@code JWT_ISSUER}), and its
 * per-issuer form from {@code litellm_jwtauth.issuers}. LiteLLM's own Okta example writes {@code public_key_url},
 * {@code audience} and {@code issuer} under {@code litellm_jwtauth}; Switchboard reads those too (they win over the
 * environment). The result: the per-issuer entries ({@code issuers}) and the global one ({@code global}, any issuer
 * unless one is set), used for tokens whose {@code iss} matches no entry, as LiteLLM falls back to its environment.
 */
final class JwtAuthKeys {
    static final String PATH = LiteLlmKeys.JWT;
    /** LiteLLM's internal roles ({@code LitellmUserRoles}) a role mapping may name. */
    static final Set<String> ROLES = Set.of("proxy_admin", "proxy_admin_viewer", "org_admin", "internal_user",
            "internal_user_viewer", "team", "customer");
    /** Claim-field keys a per-issuer entry may set (LiteLLM's {@code JWTIssuerConfig}). */
    static final List<String> ISSUER_FIELDS = List.of("user_id_jwt_field", "user_email_jwt_field", "team_id_jwt_field",
            "team_ids_jwt_field", "org_id_jwt_field", "end_user_id_jwt_field");
    private static final List<String> STRING_KEYS = List.of("admin_jwt_scope", "user_id_jwt_field", "user_email_jwt_field",
            "team_id_jwt_field", "team_ids_jwt_field", "team_id_default", "org_id_jwt_field", "end_user_id_jwt_field",
            "roles_jwt_field", "object_id_jwt_field", "user_roles_jwt_field", "user_allowed_email_domain");
    private static final List<String> BOOL_KEYS = List.of("enforce_scope_based_access", "enforce_rbac", "user_id_upsert",
            "team_id_upsert", "enforce_team_based_model_access");

    private JwtAuthKeys() {}

    /** The JWT settings, or an empty map when {@code enable_jwt_auth} is not true. */
    static Map<String, Object> read(YamlWalker w, Map<String, Node> general) {
        Node enable = general.get("enable_jwt_auth");
        Node jwt = general.get("litellm_jwtauth");
        Boolean enabled = enable == null ? null : w.bool(enable, "general_settings.enable_jwt_auth");
        Map<String, Node> keys = w.mapping(jwt, PATH);
        Map<String, Object> out = new LinkedHashMap<>();
        keys.forEach((k, v) -> {
            if (!ConfigLoader.known(w, PATH, k, v)) return;
            String kp = PATH + "." + k;
            if (STRING_KEYS.contains(k)) out.put(k, w.string(v, kp));
            else if (BOOL_KEYS.contains(k)) out.put(k, w.bool(v, kp));
            else if (k.equals("public_key_ttl")) {
                Double ttl = w.number(v, kp);
                if (ttl != null && ttl < 1) w.error(v, kp, "must be at least 1 second, found " + YamlWalker.written(v, ttl) + ".");
                else out.put(k, ttl);
            } else if (k.equals("user_allowed_roles")) out.put(k, strings(w, v, kp));
            else if (k.equals("role_mappings")) out.put(k, pairs(w, v, kp, "role", "internal_role"));
            else if (k.equals("jwt_litellm_role_map")) out.put(k, pairs(w, v, kp, "jwt_role", "litellm_role"));
            else if (k.equals("scope_mappings")) out.put(k, scopeMappings(w, v, kp));
        });
        if (!Boolean.TRUE.equals(enabled)) {
            if (jwt != null) {
                w.warn(jwt, PATH, "ignored: JWT auth is on only with general_settings.enable_jwt_auth: true, as in LiteLLM.");
            }
            return Map.of();
        }
        List<Map<String, Object>> issuers = issuerList(w, keys.get("issuers"));
        Map<String, Object> global = globalIssuer(w, keys);
        if (issuers.isEmpty() && global == null) {
            w.error(enable, "general_settings.enable_jwt_auth", "JWT auth needs the identity provider's signing keys. Fix: "
                    + "export JWT_PUBLIC_KEY_URL=<its JWKS or .well-known/openid-configuration URL> (as LiteLLM reads it), "
                    + "or set litellm_jwtauth.public_key_url, or list litellm_jwtauth.issuers.");
        }
        out.put("issuers", issuers);
        out.put("global", global);
        if (out.get("object_id_jwt_field") != null && out.get("role_mappings") == null) {
            w.error(keys.get("object_id_jwt_field"), PATH + ".object_id_jwt_field", "needs role_mappings (they say whether "
                    + "the object id is a user or a team), as in LiteLLM.");
        }
        if ((out.get("user_roles_jwt_field") == null) != (out.get("user_allowed_roles") == null)) {
            Node at = keys.getOrDefault("user_roles_jwt_field", keys.get("user_allowed_roles"));
            w.error(at, PATH, "user_roles_jwt_field and user_allowed_roles go together, as in LiteLLM.");
        }
        if (out.get("scope_mappings") != null && !Boolean.TRUE.equals(out.get("enforce_scope_based_access"))) {
            w.error(keys.get("scope_mappings"), PATH + ".scope_mappings", "is read only with enforce_scope_based_access: "
                    + "true (LiteLLM refuses it otherwise). Fix: add enforce_scope_based_access: true.");
        }
        out.values().removeIf(java.util.Objects::isNull);
        return out;
    }

    /** {@code public_key_url}/{@code audience}/{@code issuer}, else LiteLLM's environment variables; null when no URL. */
    private static Map<String, Object> globalIssuer(YamlWalker w, Map<String, Node> keys) {
        String urls = keys.containsKey("public_key_url") ? w.string(keys.get("public_key_url"), PATH + ".public_key_url")
                : w.env("JWT_PUBLIC_KEY_URL");
        if (urls == null) return null;
        List<String> audiences = keys.containsKey("audience") ? strings(w, keys.get("audience"), PATH + ".audience")
                : commaList(w.env("JWT_AUDIENCE"));
        String issuer = keys.containsKey("issuer") ? w.string(keys.get("issuer"), PATH + ".issuer") : w.env("JWT_ISSUER");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("issuer", issuer);
        out.put("audiences", audiences);
        out.put("jwks_urls", urls(w, keys.get("public_key_url"), PATH + ".public_key_url", commaList(urls)));
        return out;
    }

    /** LiteLLM's {@code issuers}: {@code [{issuer, audience, jwks_url, disable_audience_validation, *_jwt_field}]}. */
    private static List<Map<String, Object>> issuerList(YamlWalker w, Node node) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Node> items = w.sequence(node, PATH + ".issuers");
        for (int i = 0; i < items.size(); i++) {
            String ip = PATH + ".issuers[" + i + "]";
            Map<String, Node> e = w.mapping(items.get(i), ip);
            Map<String, Object> m = new LinkedHashMap<>();
            String issuer = w.string(e.get("issuer"), ip + ".issuer");
            if (issuer == null) {
                w.error(items.get(i), ip + ".issuer", "missing: each entry is matched by the token's iss. Fix: issuer: https://idp.example.com/…");
                continue;
            }
            List<String> audiences = e.containsKey("audience") ? strings(w, e.get("audience"), ip + ".audience") : List.of();
            Boolean noAudience = w.bool(e.get("disable_audience_validation"), ip + ".disable_audience_validation");
            if (audiences.isEmpty() && !Boolean.TRUE.equals(noAudience)) {
                w.error(items.get(i), ip + ".audience", "missing: LiteLLM requires an audience per issuer unless "
                        + "disable_audience_validation: true. Fix: audience: <your client id or API identifier>.");
            }
            if (!audiences.isEmpty() && Boolean.TRUE.equals(noAudience)) {
                w.error(e.get("disable_audience_validation"), ip + ".disable_audience_validation", "cannot be combined with audience.");
            }
            String jwks = w.string(e.get("jwks_url"), ip + ".jwks_url");
            // Without jwks_url LiteLLM reads the issuer's discovery document and follows its jwks_uri.
            String url = jwks != null ? jwks : issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration";
            m.put("issuer", issuer);
            m.put("audiences", audiences);
            m.put("jwks_urls", urls(w, e.containsKey("jwks_url") ? e.get("jwks_url") : e.get("issuer"), ip, List.of(url)));
            e.forEach((k, v) -> {
                if (ISSUER_FIELDS.contains(k)) m.put(k, w.string(v, ip + "." + k));
                else if (!Set.of("issuer", "audience", "jwks_url", "disable_audience_validation").contains(k)) {
                    List<String> known = new java.util.ArrayList<>(List.of("issuer", "audience", "jwks_url", "disable_audience_validation"));
                    known.addAll(ISSUER_FIELDS);
                    w.unknownKey(v, ip + "." + k, k, known, "unknown key, ignored. Known: " + String.join(", ", known) + ".");
                }
            });
            out.add(m);
        }
        return out;
    }

    private static List<String> urls(YamlWalker w, Node at, String path, List<String> urls) {
        for (String u : urls) {
            if (!u.startsWith("https://") && !u.startsWith("http://")) {
                if (at != null) w.error(at, path, "'" + u + "' is not an http(s) URL. Fix: the JWKS URL of your identity provider, "
                        + "or its .well-known/openid-configuration URL.");
                else w.errors.add("JWT_PUBLIC_KEY_URL: '" + u + "' is not an http(s) URL. Fix: export the JWKS URL of your identity provider.");
            }
        }
        return urls;
    }

    private static List<String> commaList(String s) {
        List<String> out = new ArrayList<>();
        if (s == null) return out;
        for (String p : s.split(",")) if (!p.isBlank()) out.add(p.trim());
        return out;
    }

    /** A string or a list of strings. */
    private static List<String> strings(YamlWalker w, Node n, String path) {
        if (n instanceof org.yaml.snakeyaml.nodes.SequenceNode) {
            List<String> out = new ArrayList<>();
            List<Node> items = w.sequence(n, path);
            for (int i = 0; i < items.size(); i++) {
                String s = w.string(items.get(i), path + "[" + i + "]");
                if (s != null) out.add(s);
            }
            return out;
        }
        String s = w.string(n, path);
        return s == null ? List.of() : List.of(s);
    }

    /** {@code [{role: x, internal_role: y}]}, the internal role one of LiteLLM's. */
    private static List<Map<String, String>> pairs(YamlWalker w, Node n, String path, String from, String to) {
        List<Map<String, String>> out = new ArrayList<>();
        List<Node> items = w.sequence(n, path);
        for (int i = 0; i < items.size(); i++) {
            String ip = path + "[" + i + "]";
            Map<String, Node> e = w.mapping(items.get(i), ip);
            String a = w.string(e.get(from), ip + "." + from);
            String b = w.string(e.get(to), ip + "." + to);
            if (a == null || b == null) {
                w.error(items.get(i), ip, "needs " + from + " and " + to + ", e.g. {" + from + ": my-admins, " + to + ": proxy_admin}.");
            } else if (!ROLES.contains(b)) {
                w.error(e.get(to), ip + "." + to, "'" + b + "' is not one of LiteLLM's roles: " + new java.util.TreeSet<>(ROLES) + ".");
            } else {
                out.add(Map.of(from, a, to, b));
            }
        }
        return out;
    }

    /** {@code [{scope: s, models: [model_name, …]}]}. */
    private static List<Map<String, Object>> scopeMappings(YamlWalker w, Node n, String path) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Node> items = w.sequence(n, path);
        for (int i = 0; i < items.size(); i++) {
            String ip = path + "[" + i + "]";
            Map<String, Node> e = w.mapping(items.get(i), ip);
            String scope = w.string(e.get("scope"), ip + ".scope");
            if (scope == null) {
                w.error(items.get(i), ip + ".scope", "missing. Fix: {scope: litellm.api.consumer, models: [my-model]}.");
                continue;
            }
            if (e.containsKey("routes")) {
                w.error(e.get("routes"), ip + ".routes", "not supported: route lists are not enforced for JWT callers; "
                        + "a scope would reach more routes than configured.");
            }
            out.add(Map.of("scope", scope, "models", e.containsKey("models") ? strings(w, e.get("models"), ip + ".models") : List.of()));
        }
        return out;
    }
}
