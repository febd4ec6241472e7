package dev.switchboard.govern;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JWT auth as the config loader kept it ({@code general_settings.litellm_jwtauth}, validated): the trusted issuers
 * and how a token's claims name and empower its caller.
 *
 * @param issuers          per-issuer entries ({@code litellm_jwtauth.issuers}), matched by the token's {@code iss}
 * @param global           the entry for other tokens (JWT_PUBLIC_KEY_URL or public_key_url; its issuer null = any), or null
 * @param publicKeyTtlSeconds how often the signing keys are fetched again
 * @param fields           the global claim fields ({@code user_id_jwt_field}, …), each a dot path
 * @param roleMappings     {@code role_mappings} (exact) then {@code jwt_litellm_role_map} (shell globs): token role → LiteLLM role
 * @param scopeModels      {@code scope_mappings} when {@code enforce_scope_based_access}: scope → model names; null when off
 * @param userAllowedRoles {@code user_allowed_roles}: token roles (in {@code user_roles_jwt_field}) that make an internal user
 * @param enforceTeamModels LiteLLM's {@code enforce_team_based_model_access}: a call needs a stored team of the token that may use the model
 */
public record JwtSettings(List<Issuer> issuers, Issuer global, double publicKeyTtlSeconds, String adminScope, Map<String, String> fields,
                          String teamIdDefault, String rolesField, List<RoleMapping> roleMappings, String userRolesField,
                          List<String> userAllowedRoles, Map<String, List<String>> scopeModels, boolean enforceRbac,
                          String allowedEmailDomain, boolean enforceTeamModels) {
    public static final String DEFAULT_ADMIN_SCOPE = "litellm_proxy_admin";

    /** A trusted issuer: its keys, its audience, and the claim fields that override the global ones for its tokens. */
    public record Issuer(String issuer, List<String> audiences, List<String> jwksUrls, Map<String, String> fields) {}

    /** @param glob the mapping is a shell glob ({@code jwt_litellm_role_map}), else an exact role */
    public record RoleMapping(String role, String internalRole, boolean glob) {}

    @SuppressWarnings("unchecked")
    private static Issuer issuer(Map<String, Object> i) {
        Map<String, String> fields = new LinkedHashMap<>();
        i.forEach((k, v) -> { if (k.endsWith("_jwt_field") && v != null) fields.put(k, v.toString()); });
        return new Issuer((String) i.get("issuer"), (List<String>) i.getOrDefault("audiences", List.of()),
                (List<String>) i.get("jwks_urls"), fields);
    }

    /** Every entry: the per-issuer ones, then the global one. */
    public List<Issuer> all() {
        List<Issuer> out = new ArrayList<>(issuers);
        if (global != null) out.add(global);
        return out;
    }

    /** Reads the plain values {@code config.JwtAuthKeys} produced; null when JWT auth is off. */
    @SuppressWarnings("unchecked")
    public static JwtSettings from(Map<String, Object> m) {
        if (m == null || m.isEmpty()) return null;
        List<Issuer> issuers = new ArrayList<>();
        for (Map<String, Object> i : (List<Map<String, Object>>) m.getOrDefault("issuers", List.of())) issuers.add(issuer(i));
        Issuer global = m.get("global") instanceof Map<?, ?> g ? issuer((Map<String, Object>) g) : null;
        Map<String, String> fields = new LinkedHashMap<>();
        m.forEach((k, v) -> { if (k.endsWith("_jwt_field") && v != null) fields.put(k, v.toString()); });
        List<RoleMapping> roles = new ArrayList<>();
        for (Map<String, String> r : (List<Map<String, String>>) m.getOrDefault("role_mappings", List.of())) {
            roles.add(new RoleMapping(r.get("role"), r.get("internal_role"), false));
        }
        for (Map<String, String> r : (List<Map<String, String>>) m.getOrDefault("jwt_litellm_role_map", List.of())) {
            roles.add(new RoleMapping(r.get("jwt_role"), r.get("litellm_role"), true));
        }
        Map<String, List<String>> scopes = null;
        // LiteLLM's check_scope_based_access returns at once when no scope_mappings are configured
        if (Boolean.TRUE.equals(m.get("enforce_scope_based_access")) && m.get("scope_mappings") instanceof List<?> l && !l.isEmpty()) {
            scopes = new LinkedHashMap<>();
            for (Map<String, Object> s : (List<Map<String, Object>>) m.getOrDefault("scope_mappings", List.of())) {
                scopes.computeIfAbsent((String) s.get("scope"), k -> new ArrayList<>()).addAll((List<String>) s.get("models"));
            }
        }
        Object ttl = m.get("public_key_ttl");
        return new JwtSettings(issuers, global, ttl instanceof Number n ? n.doubleValue() : 600,
                (String) m.getOrDefault("admin_jwt_scope", DEFAULT_ADMIN_SCOPE), fields, (String) m.get("team_id_default"),
                (String) m.get("roles_jwt_field"), roles, (String) m.get("user_roles_jwt_field"),
                (List<String>) m.getOrDefault("user_allowed_roles", List.of()), scopes, Boolean.TRUE.equals(m.get("enforce_rbac")),
                (String) m.get("user_allowed_email_domain"), Boolean.TRUE.equals(m.get("enforce_team_based_model_access")));
    }
}
