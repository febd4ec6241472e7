package dev.switchboard.model;

/**
 * A URL as the gateway shows it (the log, {@code check}, {@code /model/info}, {@code /health}): scheme, host, port and
 * path, without the user part or the query, where a key can ride ({@code https://user:key@host}, {@code ?api-key=…}).
 */
public final class SafeUrl {
    private SafeUrl() {}

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
