package dev.switchboard.provider;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The one pooled HTTP client every provider calls upstream with (Vert.x's, the fastest measured here; the
 * JDK client is kept off the hot path). Explicit timeouts, TCP_NODELAY and a raised pool, as DESIGN §3 asks.
 * Network failures become {@link GatewayException}s: timeouts 504, everything else 502.
 */
public final class UpstreamHttp {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final HttpClientAgent client;
    private final KeyScrubber scrubber;

    public UpstreamHttp(Vertx vertx, int maxConnectionsPerHost) {
        this(vertx, maxConnectionsPerHost, KeyScrubber.NONE);
    }

    /** @param scrubber masks every configured provider key in whatever the upstreams send back */
    public UpstreamHttp(Vertx vertx, int maxConnectionsPerHost, KeyScrubber scrubber) {
        this.scrubber = scrubber;
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setKeepAliveTimeout(60)
                .setMaxInitialLineLength(16 * 1024)
                .setVerifyHost(true);
        client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost)
                .setMaxWaitQueueSize(-1));
    }

    /**
     * A parsed base URL, prepared once per deployment so no request re-parses it. {@code display} names the
     * deployment and the server (never the path or query, which could hold a credential) for error messages.
     */
    public record Endpoint(String host, int port, boolean ssl, String pathPrefix, String display) {
        public static Endpoint parse(String baseUrl, String deploymentId) {
            URI u = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
            boolean ssl = "https".equalsIgnoreCase(u.getScheme());
            int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
            return new Endpoint(u.getHost(), port, ssl, path + query,
                    deploymentId + " (" + u.getScheme() + "://" + u.getHost() + ":" + port + ")");
        }

        public String pathFor(String suffix) {
            int q = pathPrefix.indexOf('?');
            return q < 0 ? pathPrefix + suffix : pathPrefix.substring(0, q) + suffix + pathPrefix.substring(q);
        }
    }

    /**
     * The headers every call of a deployment sends: JSON content type, our user agent, the provider key in the
     * provider's own header (none when there is no key) and the deployment's {@code extra_headers}.
     */
    public static MultiMap baseHeaders(java.util.Map<String, String> deploymentHeaders, String keyHeader, String keyValue) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set("content-type", "application/json");
        h.set("user-agent", "switchboard/0.1");
        if (keyValue != null) h.set(keyHeader, keyValue);
        deploymentHeaders.forEach(h::set);
        return h;
    }

    /**
     * Sends a request and completes with the response once its status line and headers arrived; the body is
     * not read yet. {@code idleTimeout} bounds every wait for bytes, so it is both the time to the first byte
     * and the longest silence inside a stream (the semantics of LiteLLM's httpx timeout).
     */
    public Future<HttpClientResponse> send(Endpoint endpoint, String path, MultiMap headers, Buffer body,
                                           Duration idleTimeout) {
        RequestOptions ro = new RequestOptions()
                .setMethod(body == null ? HttpMethod.GET : HttpMethod.POST)
                .setHost(endpoint.host())
                .setPort(endpoint.port())
                .setSsl(endpoint.ssl())
                .setURI(path)
                .setHeaders(headers)
                .setIdleTimeout((idleTimeout == null ? DEFAULT_TIMEOUT : idleTimeout).toMillis());
        if (body != null) headers.set(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length()));
        return client.request(ro)
                .compose(req -> body == null ? req.send() : req.send(body))
                .recover(t -> Future.failedFuture(UpstreamErrors.scrubbed(networkFailure(t, endpoint), scrubber)));
    }

    /** The scrubber for every configured provider key: providers run what upstreams send through it. */
    public KeyScrubber scrubber() { return scrubber; }

    /** Maps an I/O failure to what the caller sees; never includes request headers (they hold the key). */
    public static GatewayException networkFailure(Throwable t, Endpoint endpoint) {
        if (t instanceof GatewayException g) return g;
        if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
            return GatewayException.of(ErrorKind.TIMEOUT, "Upstream " + endpoint.display() + " did not answer in time.");
        }
        if (t instanceof ConnectException) {
            return GatewayException.of(ErrorKind.UPSTREAM, "Cannot connect to upstream " + endpoint.display()
                    + ": " + t.getMessage());
        }
        return GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.display() + " failed: "
                + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()));
    }

    public Future<Void> close() { return client.close(); }
}
