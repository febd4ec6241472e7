package dev.switchboard.govern;

import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who a verified token's claims say the caller is, as LiteLLM's {@code JWTHandler} reads them: user id, email, team
 * ids, org, end user and roles from the configured fields (dot paths into the claims), admin by the admin scope or a
 * role mapped to {@code proxy_admin}, and the models its scopes allow.
 *
 * <p>The caller's ledger identity: {@code user:<user id>}, else {@code team:<team id>}, else {@code jwt:<sub>}; its
 * alias is the email (else the id); its user (unless an admin), teams, org and end user are tags ({@code user:…},
 * {@code team:…}, {@code org:…}, {@code end_user:…}), so {@code /global/spend/report?group_by=key} answers per user and
 * {@code group_by=tag} per team, and a stored user's row governs and counts the token's calls of no team as a key's.
 */
final class JwtIdentity {
    private JwtIdentity() {}

    /** @param issuer the trusted issuer the token matched (its fields override the global ones) */
    static Caller of(JwtSettings s, JwtSettings.Issuer issuer, Map<String, Object> claims) {
        java.util.Map<String, String> fields = new java.util.HashMap<>(s.fields());
        if (issuer != null) fields.putAll(issuer.fields());
        String userId = text(nested(claims, fields.get("user_id_jwt_field")));
        String email = text(nested(claims, fields.get("user_email_jwt_field")));
        String org = text(nested(claims, fields.get("org_id_jwt_field")));
        String endUser = text(nested(claims, fields.get("end_user_id_jwt_field")));
        Set<String> teams = new LinkedHashSet<>();
        teams.addAll(texts(nested(claims, fields.get("team_id_jwt_field"))));
        teams.addAll(texts(nested(claims, fields.get("team_ids_jwt_field"))));
        if (teams.isEmpty() && s.teamIdDefault() != null) teams.add(s.teamIdDefault());

        List<String> scopes = words(claims.get("scope"));
        List<String> roles = words(nested(claims, s.rolesField()));
        String mapped = mappedRole(s, roles);
        Object objectId = nested(claims, fields.get("object_id_jwt_field"));
        if (objectId != null && "team".equals(mapped)) teams.add(text(objectId));
        if (objectId != null && mapped != null && mapped.startsWith("internal_user") && userId == null) userId = text(objectId);
        boolean allowedUserRole = s.userRolesField() != null
                && words(nested(claims, s.userRolesField())).stream().anyMatch(s.userAllowedRoles()::contains);
        boolean admin = scopes.contains(s.adminScope()) || "proxy_admin".equals(mapped);

        // LiteLLM's get_rbac_role: admin, else team, else user, else a mapped role.
        boolean hasRole = admin || !teams.isEmpty() || userId != null || allowedUserRole || mapped != null;
        if (s.enforceRbac() && !hasRole) {
            throw forbidden("Unmatched token passed in. enforce_rbac is set to True. Token must belong to a proxy admin, team, or user.");
        }
        if (s.allowedEmailDomain() != null) {
            String domain = email == null ? null : email.substring(email.lastIndexOf('@') + 1);
            if (!s.allowedEmailDomain().equalsIgnoreCase(domain)) {
                throw forbidden("This token's email " + (email == null ? "is missing" : "'" + LogSafe.text(email) + "' is not of the domain "
                        + s.allowedEmailDomain()) + " (litellm_jwtauth.user_allowed_email_domain).");
            }
        }
        List<String> models = null;
        if (s.scopeModels() != null && !admin) {
            Set<String> allowed = new LinkedHashSet<>();
            for (String scope : scopes) allowed.addAll(s.scopeModels().getOrDefault(scope, List.of()));
            models = List.copyOf(allowed);
        }
        List<String> tags = new ArrayList<>();
        // the user: a stored user's row governs the token's calls of no team, and counts them (their user: tag), as a
        // key's; an admin's calls count for no user
        if (userId != null && !admin) tags.add("user:" + userId);
        for (String t : teams) tags.add("team:" + t);
        if (org != null) tags.add("org:" + org);
        if (endUser != null) tags.add("end_user:" + endUser);
        String team = teams.isEmpty() ? null : teams.iterator().next();
        String sub = text(claims.get("sub"));
        // what the token names goes into the ledger, the log and /metrics' key label, as a key's admin-set names do:
        // the same rule (RowAdmin.holdsControl), a refusal rather than a forged line or label
        refuseControl("user id", userId);
        refuseControl("email", email);
        refuseControl("org", org);
        refuseControl("end user", endUser);
        for (String t : teams) refuseControl("team", t);
        refuseControl("sub", sub);
        String id = userId != null ? "user:" + userId : team != null ? "team:" + team : sub != null ? "jwt:" + sub : "jwt";
        String alias = email != null ? email : userId != null ? userId : team;
        return Caller.jwt(id, admin, alias, tags, models);
    }

    /** The first role mapping a token role matches, as LiteLLM returns the first: exact ones, then globs. */
    static String mappedRole(JwtSettings s, List<String> roles) {
        if (roles.isEmpty()) return null;
        for (JwtSettings.RoleMapping m : s.roleMappings()) {
            for (String r : roles) {
                boolean match = m.glob() ? fnmatch(m.role(), r) : m.role().equals(r);
                if (match) return m.internalRole();
            }
        }
        return null;
    }

    /** Python's fnmatch for the common forms: {@code *} any run, {@code ?} one character. */
    static boolean fnmatch(String pattern, String s) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') re.append(".*");
            else if (c == '?') re.append('.');
            else re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return s.matches(re.toString());
    }

    /** A claim by dot path ({@code resource_access.my-client.roles}), as LiteLLM's get_nested_value reads it. */
    static Object nested(Map<String, Object> claims, String path) {
        if (path == null) return null;
        if (claims.containsKey(path)) return claims.get(path);
        Object at = claims;
        for (String part : path.split("\\.")) {
            if (!(at instanceof Map<?, ?> m)) return null;
            at = m.get(part);
        }
        return at;
    }

    /** Roles and scopes: a list, or a space-separated string. */
    static List<String> words(Object v) {
        if (v == null) return List.of();
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) if (o != null) out.add(o.toString());
            return out;
        }
        return List.of(v.toString().trim().split("\\s+"));
    }

    private static List<String> texts(Object v) {
        if (v == null) return List.of();
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) if (o != null && !o.toString().isEmpty()) out.add(o.toString());
            return out;
        }
        String s = text(v);
        return s == null ? List.of() : List.of(s);
    }

    /** A claim as text (a list gives its first element, as LiteLLM's get_team_id does); null for none or empty. */
    private static String text(Object v) {
        if (v instanceof List<?> l) return l.isEmpty() ? null : text(l.get(0));
        if (v == null || v instanceof Map) return null;
        String s = v.toString();
        return s.isEmpty() ? null : s;
    }

    /** A 403 when a name the token gives holds a control character (a line break, a tab, ...). */
    private static void refuseControl(String what, String value) {
        if (value != null && RowAdmin.holdsControl(value)) {
            throw forbidden("This token's " + what + " '" + LogSafe.text(value) + "' holds control characters (line breaks, tabs, ...); "
                    + "names from a token label the ledger, the log and /metrics, where admin-set names may not hold them either. "
                    + "Fix the claim at the identity provider.");
        }
    }

    private static GatewayException forbidden(String message) {
        return new GatewayException(ErrorKind.PERMISSION, 403, message, null, "jwt_not_allowed", null, null);
    }
}
