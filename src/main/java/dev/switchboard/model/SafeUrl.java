package dev.switchboard.model;

/**
 * A URL as the gateway shows it (the log, {@code check}, {@code /model/info}, {@code /health}): scheme, host, port and
 * path, without the user part or the query, where a key can ride ({@code https://user:key@host}, {@code ?api-key=…}).
 */
public final class SafeUrl {
    private SafeUrl() {}

    /**
     * The credentials {@link #withoutSecrets} leaves out, for the scrubbers: the user part (whole, and its password),
     * always, and the value of each query parameter whose name says it is a credential ({@link #credentialName}:
     * {@code ?api-key=}, {@code ?key=}, {@code ?sig=}, {@code ?code=}, {@code ?X-Amz-Security-Token=}), each as written
     * and URL-decoded (an upstream may quote either). Other values ({@code ?api-version=2024-10-21},
     * {@code ?deployment=gpt-4o-prod}) are not: the answer scrubber masks every 8-character run of a secret in what a
     * model writes, so a date or a word taken for a key would be blanked in answers. Empty for a URL without them, or
     * one that does not parse.
     */
    public static java.util.List<String> secrets(String url) {
        if (url == null) return java.util.List.of();
        java.net.URI u;
        try {
            u = new java.net.URI(url.startsWith("jdbc:") ? url.substring(5) : url);
        } catch (java.net.URISyntaxException e) {
            return java.util.List.of();
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        String user = u.getRawUserInfo();
        if (user != null) {
            addForms(out, user);
            int colon = user.indexOf(':');
            if (colon >= 0) addForms(out, user.substring(colon + 1));
        }
        String query = u.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq >= 0 && credentialName(decoded(pair.substring(0, eq)))) addForms(out, pair.substring(eq + 1));
            }
        }
        return java.util.List.copyOf(out);
    }

    /** Words that make a header's or query parameter's name a credential's wherever they stand in it. */
    private static final java.util.List<String> CREDENTIAL_WORDS = java.util.List.of("key", "token", "secret", "auth",
            "password", "passwd", "credential", "signature", "cookie", "jwt");
    // not "session": Helicone-Session-Name / -Path / -Id and the like carry names of a session, not secrets (a session
    // token is named token: X-Amz-Security-Token, session_token)
    /** Short words that do when they stand alone or between '-', '_' or '.' ({@code sig}, Azure Functions' {@code code}). */
    private static final java.util.Set<String> CREDENTIAL_PARTS = java.util.Set.of("sig", "code", "pass", "pwd");

    /**
     * Whether a header or query parameter of this name carries a credential, case-insensitively: {@code Authorization},
     * {@code Proxy-Authorization}, {@code Cookie}, any name containing key, token, secret, auth, password, passwd,
     * credential, signature, session, cookie or jwt ({@code X-Api-Key}, {@code api-key}, {@code x-goog-api-key},
     * {@code Ocp-Apim-Subscription-Key}, {@code Helicone-Auth}, {@code x-portkey-api-key}, {@code cf-aig-authorization},
     * {@code X-Amz-Security-Token}, {@code X-Goog-Signature}, {@code access_token}), or one whose part between
     * separators is sig, code, pass or pwd. Not {@code OpenAI-Organization}, {@code Helicone-Property-*},
     * {@code api-version}: their values are ordinary words, which the answer scrubber must not blank.
     */
    public static boolean credentialName(String name) {
        if (name == null) return false;
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        for (String w : CREDENTIAL_WORDS) {
            if (n.contains(w)) return true;
        }
        for (String part : n.split("[-_.]")) {
            if (CREDENTIAL_PARTS.contains(part)) return true;
        }
        return false;
    }

    private static String decoded(String raw) {
        try {
            return java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    private static void addForms(java.util.Set<String> out, String raw) {
        if (raw.isEmpty()) return;
        out.add(raw);
        try {
            out.add(java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            // the raw form is kept: that is what the upstream received
        }
    }

    public static String withoutSecrets(String url) {
        if (url == null) return null;
        if (url.startsWith("jdbc:")) return "jdbc:" + withoutSecrets(url.substring(5)); // jdbc:postgresql://… is opaque to URI
        try {
            java.net.URI u = new java.net.URI(url);
            if (u.getHost() == null) return u.getScheme() == null ? "(not shown)" : u.getScheme() + ":(not shown)";
            return new java.net.URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (java.net.URISyntaxException e) {
            return "(not shown)";
        }
    }
}
