package dev.switchboard.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the store lives: the embedded SQLite file, or a PostgreSQL server given as LiteLLM's
 * {@code postgresql://user:password@host:5432/db} (also {@code postgres://}) or as a {@code jdbc:postgresql:} URL.
 * {@link #description()} is what logs and errors show: the password is never in it.
 *
 * @param jdbcUrl     the URL the driver gets (no credentials in it for PostgreSQL: they go in {@code properties})
 * @param properties  user and password for PostgreSQL, empty for SQLite
 * @param description {@code SQLite at /abs/path} or {@code PostgreSQL at host:5432/db}
 */
public record DatabaseLocation(Database.Kind kind, String jdbcUrl, Properties properties, String description) {

    public static DatabaseLocation sqlite(String path) {
        Path abs = Path.of(path).toAbsolutePath().normalize();
        return new DatabaseLocation(Database.Kind.SQLITE, "jdbc:sqlite:" + abs, new Properties(), "SQLite at " + abs);
    }

    /** The SQLite file, absolute; only for {@link Database.Kind#SQLITE}. */
    Path sqlitePath() { return Path.of(jdbcUrl.substring("jdbc:sqlite:".length())); }

    /** @throws StoreException when the URL cannot be read (it is named without its password) */
    public static DatabaseLocation postgres(String url) {
        Properties props = new Properties();
        if (url.startsWith("jdbc:postgresql:")) {
            String shown = url.replaceAll("(?i)(password=)[^&;]*", "$1****");
            return new DatabaseLocation(Database.Kind.POSTGRESQL, url, props, "PostgreSQL at " + shown.substring(5));
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new StoreException("database_url is not a URL (" + mask(url) + "). Fix: write it as "
                    + "postgresql://user:password@host:5432/database.", e);
        }
        if (uri.getHost() == null) {
            throw new StoreException("database_url has no host (" + mask(url) + "). Fix: write it as "
                    + "postgresql://user:password@host:5432/database.", null);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            props.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) props.setProperty("password", decode(userInfo.substring(colon + 1)));
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String db = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "postgres" : uri.getRawPath().substring(1);
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String jdbc = "jdbc:postgresql://" + host + ":" + port + "/" + db + query;
        return new DatabaseLocation(Database.Kind.POSTGRESQL, jdbc, props, "PostgreSQL at " + host + ":" + port + "/" + db);
    }

    private static String decode(String s) { return URLDecoder.decode(s, StandardCharsets.UTF_8); }

    /** A URL for an error message: the password part of user:password@ replaced. */
    static String mask(String url) {
        return url.replaceAll("(//[^:/@]*:)[^@]*@", "$1****@");
    }
}
