package dev.switchboard.model;

/**
 * A URL as the gateway shows it (the log, {@code check}, {@code /model/info}, {@code /health}): scheme, host, port and
 * path, without the user part or the query, where a key can ride ({@code https://user:key@host}, {@code ?api-key=…}).
 */
public final class SafeUrl {
    private SafeUrl() {}

    /**
     * What {@link #withoutSecrets} leaves out, as credentials for the scrubbers: the user part (whole, and its password)
     * and every query parameter's value, each as written and URL-decoded (an upstream may quote either). A value
     * such as {@code ?api-version=2024-10-21} is harmless, but telling a key from a version by its name is a guess, and
     * masking a date costs nothing. Empty for a URL without them, or one that does not parse.
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
                if (eq >= 0) addForms(out, pair.substring(eq + 1));
            }
        }
        return java.util.List.copyOf(out);
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
