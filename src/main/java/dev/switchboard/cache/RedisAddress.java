package dev.switchboard.cache;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import dev.switchboard.model.SafeUrl;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Redis the cache uses and how to reach it, worked out once as LiteLLM does ({@code litellm/_redis.py}): each of
 * {@code cache_params}' {@code host}, {@code port}, {@code password}, {@code username}, {@code db}, {@code url},
 * {@code ssl} over its {@code REDIS_*} environment variable ({@code REDIS_HOST}, {@code REDIS_PORT}, …, as LiteLLM's
 * caching quick start sets them), and a URL from either over host and port. With none of them Switchboard takes
 * 127.0.0.1:6379 (LiteLLM refuses to start), and {@link #source} says so in the start's log line.
 * <p>
 * Kubernetes sets {@code REDIS_PORT=tcp://10.0.0.5:6379} in every pod of a namespace with a Service named redis: that
 * is read as its port. When cache_params names the server itself (host, port or url), a {@code REDIS_*} variable that
 * is still not usable is left out with a warning rather than refusing the config: it was never meant for this cache.
 *
 * @param url            {@code redis://} or {@code rediss://} (TLS), with the credentials; never logged
 * @param description    where it is, without credentials: {@code host:port[/db]}, or the URL as scheme://host:port/db
 * @param source         where the address came from: "from cache_params", "from REDIS_HOST, REDIS_PORT", or the default
 * @param verifyPeer     TLS: the server's certificate is checked ({@code ssl_cert_reqs}: none turns it off)
 * @param verifyHost     TLS: the certificate must name the host ({@code ssl_check_hostname}: false turns it off)
 * @param caFile         TLS: PEM file of the CAs to trust ({@code ssl_ca_certs}), or null for the JVM's
 * @param certFile       TLS: the client's certificate ({@code ssl_certfile}), or null
 * @param keyFile        TLS: the client's key ({@code ssl_keyfile}), or null
 * @param maxConnections the most connections a client of the exact cache opens ({@code max_connections}, default 16)
 */
public record RedisAddress(String url, String description, String source, boolean verifyPeer, boolean verifyHost,
                           String caFile, String certFile, String keyFile, int maxConnections) {
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    /** An address given as a URL alone (tests, tools). */
    public static RedisAddress of(String url, String description) {
        return new RedisAddress(url, description, "from cache_params", true, true, null, null, null, DEFAULT_MAX_CONNECTIONS);
    }

    /**
     * @param p   the checked {@code cache_params} (numbers are numbers, unset keys absent)
     * @param env  the environment as the gateway sees it ({@code environment_variables} over the process's)
     * @param warn gets each {@code REDIS_*} variable left out because it is not usable and cache_params names the server
     * @throws IllegalArgumentException naming the variable when one of the {@code REDIS_*} variables is needed and not usable
     */
    static RedisAddress from(Map<String, Object> p, Function<String, String> env, Consumer<String> warn) {
        boolean named = p.get("host") != null || p.get("port") != null || p.get("url") != null;
        Setting url = usable(setting(p, env, "url"), RedisAddress::checkUrl, named, warn);
        Setting host = setting(p, env, "host");
        Setting port = usable(setting(p, env, "port"), RedisAddress::port, named, warn);
        Setting password = setting(p, env, "password");
        Setting username = setting(p, env, "username");
        Setting db = usable(setting(p, env, "db"), RedisAddress::whole, named, warn);
        Setting ssl = setting(p, env, "ssl");
        boolean tls = ssl.value != null && isTrue(ssl.value);
        String reqs = p.get("ssl_cert_reqs") instanceof String s ? s : null;
        boolean verifyPeer = reqs == null || reqs.equals("required") || reqs.equals("optional");
        boolean verifyHost = verifyPeer && !"false".equalsIgnoreCase(String.valueOf(p.getOrDefault("ssl_check_hostname", "true")));
        int max = p.get("max_connections") instanceof Number n ? n.intValue() : DEFAULT_MAX_CONNECTIONS;
        String ca = (String) p.get("ssl_ca_certs"), cert = (String) p.get("ssl_certfile"), key = (String) p.get("ssl_keyfile");
        if (url.value != null) {
            String u = url.value.toString();
            if (tls && u.regionMatches(true, 0, "redis://", 0, 8)) u = "rediss://" + u.substring(8);
            return new RedisAddress(u, describe(u), "from " + url.from, verifyPeer, verifyHost, ca, cert, key, max);
        }
        String h = host.value == null ? "127.0.0.1" : host.value.toString();
        int portNumber = port.value == null ? 6379 : port(port);
        String auth = password.value == null ? "" : (username.value == null ? "" : encode(username.value)) + ":" + encode(password.value) + "@";
        String path = db.value == null ? "" : "/" + whole(db);
        String hostPart = h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h; // an IPv6 literal
        String source = host.value == null ? "the default: no host or url in cache_params, no REDIS_HOST or REDIS_URL set"
                : "from " + (host.from.equals(port.from) || port.value == null ? host.from : host.from + ", " + port.from);
        return new RedisAddress((tls ? "rediss://" : "redis://") + auth + hostPart + ":" + portNumber + path,
                h + ":" + portNumber + path, source, verifyPeer, verifyHost, ca, cert, key, max);
    }

    /** Options for a client of this Redis: the URL, and TLS as the settings say. */
    public RedisOptions options(int poolSize) {
        RedisOptions o = new RedisOptions().setConnectionString(url).setMaxPoolSize(poolSize).setMaxPoolWaiting(256);
        if (!url.regionMatches(true, 0, "rediss://", 0, 9)) return o;
        NetClientOptions net = new NetClientOptions().setSsl(true)
                // Vert.x 5 leaves the check of the certificate's name to the caller: "HTTPS" is the check browsers make
                .setHostnameVerificationAlgorithm(verifyHost ? "HTTPS" : "");
        if (!verifyPeer) net.setTrustAll(true);
        else if (caFile != null) net.setTrustOptions(new PemTrustOptions().addCertPath(caFile));
        if (certFile != null && keyFile != null) net.setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile).setKeyPath(keyFile));
        return o.setNetClientOptions(net);
    }

    public boolean tls() { return url.regionMatches(true, 0, "rediss://", 0, 9); }

    /** A value and where it came from: the cache_params key (which wins, as in LiteLLM) or REDIS_&lt;KEY&gt;. */
    private record Setting(Object value, String from) {}

    private static Setting setting(Map<String, Object> p, Function<String, String> env, String key) {
        if (p.get(key) != null) return new Setting(p.get(key), "cache_params");
        String var = "REDIS_" + key.toUpperCase(java.util.Locale.ROOT);
        String v = env.apply(var);
        return v == null || v.isBlank() ? new Setting(null, null) : new Setting(v.trim(), var);
    }

    /**
     * The setting, or "not set" with a warning when it is a {@code REDIS_*} variable {@code check} refuses and
     * cache_params names the server ({@code named}); refused with {@code check}'s error when the variable is needed.
     */
    private static Setting usable(Setting s, Consumer<Setting> check, boolean named, Consumer<String> warn) {
        if (s.value == null || s.from.equals("cache_params")) return s; // cache_params' values: checked by the config loader
        try {
            check.accept(s);
            return s;
        } catch (IllegalArgumentException e) {
            if (!named) throw e;
            warn.accept(e.getMessage().replaceFirst(" Fix: .*", "") + " Not used: cache_params names the Redis server.");
            return new Setting(null, null);
        }
    }

    private static void checkUrl(Setting s) {
        if (!s.value.toString().matches("(?i)(rediss?|unix)://.+")) {
            throw new IllegalArgumentException(s.from + ": '" + SafeUrl.withoutSecrets(s.value.toString())
                    + "' is not a Redis URL. Fix: redis://[:password@]host:port[/db], or rediss://… for TLS.");
        }
    }

    /**
     * A URL for the log and {@code check}: scheme://host:port/db as {@link SafeUrl} shows one (no user part, no query,
     * where {@code ?password=} rides), and the path only when it is a database number: a password with an unencoded
     * {@code /} or {@code @} spills into the path or makes the URL unreadable, and must not show either way.
     */
    static String describe(String url) {
        if (url.regionMatches(true, 0, "unix://", 0, 7)) {
            int query = url.indexOf('?');
            return query < 0 ? url : url.substring(0, query); // a socket's path; its password rides in the query
        }
        return SafeUrl.withoutSecrets(url).replaceFirst("^([A-Za-z]+://[^/]*)/(?!\\d+$).*$", "$1");
    }

    private static int port(Setting s) {
        if (s.value instanceof Number n) return n.intValue(); // checked by the config loader
        // Kubernetes' service links: REDIS_PORT=tcp://10.0.0.5:6379 for a Service named redis; its port is the port
        String text = s.value.toString().replaceFirst("^tcp://[^/]*:(\\d+)/?$", "$1");
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 65535) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(s.from + ": '" + s.value + "' is not a port. Fix: export " + s.from + "=6379 (1 to 65535), "
                + "or set cache_params.port.");
    }

    private static long whole(Setting s) {
        if (s.value instanceof Number n) return n.longValue();
        try {
            return Long.parseLong(s.value.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.from + ": '" + s.value + "' is not a database number. Fix: e.g. 0.");
        }
    }

    /** redis-py's REDIS_SSL="True", YAML's true. */
    private static boolean isTrue(Object v) {
        return v instanceof Boolean b ? b : switch (v.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            default -> false;
        };
    }

    private static String encode(Object s) { return URLEncoder.encode(s.toString(), StandardCharsets.UTF_8); }
}
