package dev.switchboard.provider;

import dev.switchboard.model.Cancellation;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one pooled HTTP client every provider calls upstream with (Vert.x's, the fastest measured here; the
 * JDK client is kept off the hot path). Explicit timeouts, TCP_NODELAY and a raised pool, as DESIGN §3 asks.
 * Network failures become {@link GatewayException}s: timeouts 504, everything else 502.
 *
 * <p>What an upstream can do to a connection never reaches the log at ERROR: every request, response and pooled
 * connection has an exception handler (Vert.x logs what has none at ERROR, and a stale pooled connection, a
 * reset stream or an upstream answering garbage would each leave one). A failed upstream call is logged once,
 * at WARN, with the request id and the deployment; a call cancelled because its client left, at DEBUG.
 */
public final class UpstreamHttp {
    private static final Logger log = LoggerFactory.getLogger(UpstreamHttp.class);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);
    /**
     * How long an idle pooled connection is kept: below the keep-alive timeout of common servers (Node's default
     * is 5 s, many proxies' 5-15 s), so the gateway closes an idle connection before the upstream does and a
     * request sent on a connection the server is closing at that very moment is the exception, not the rule.
     * (That exception is re-sent once: see {@link #send}.)
     */
    public static final Duration KEEP_ALIVE = Duration.ofSeconds(4);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    /** Plain-HTTP upstreams (local servers, simulators): HTTP/1.1, one request per connection. */
    private final HttpClientAgent client;
    /** HTTPS upstreams: HTTP/2 offered by ALPN (many streams on a few connections), HTTP/1.1 where the server declines. */
    private final HttpClientAgent tlsClient;
    private final dev.switchboard.config.UpstreamSettings settings;
    /** The WARN line for a request that waited over a second for a connection: a slow connect or the per-host limit. */
    private final ConnectionWaits connectionWaits;
    private final ProviderSecrets secrets;
    private final Vertx vertx;
    private final dev.switchboard.model.BufferBudget buffers;
    /** Requests waiting for a pooled connection (the pool is at its per-host limit): what the metric shows as queued. */
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * Connections that have carried a request: a failure on one of these may be a stale keep-alive connection. Marked on
     * the connection's Netty channel (an attribute: lock-free, gone with the channel); the locked weak set is only for a
     * connection that is not a Vert.x {@code ConnectionBase} (none today). The set alone put a lock on every request.
     */
    private static final io.netty.util.AttributeKey<Long> USED = io.netty.util.AttributeKey.valueOf("switchboard.upstream.used");
    /** Each upstream host's calls under way, from asking the pool to the answer's end: at the limit, the next one waits. */
    private final java.util.concurrent.ConcurrentHashMap<HostKey, java.util.concurrent.atomic.AtomicInteger> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    private record HostKey(String host, int port, boolean ssl) {}
    private final Set<HttpConnection> used = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    /** Each event loop's requests waiting for their answer's head (the timeout to the first byte, one timer per list). */
    private final io.netty.util.concurrent.FastThreadLocal<FirstByteDeadlines> deadlines = new io.netty.util.concurrent.FastThreadLocal<>() {
        @Override
        protected FirstByteDeadlines initialValue() { return new FirstByteDeadlines(); }
    };

    public UpstreamHttp(Vertx vertx, int maxConnectionsPerHost) {
        this(vertx, maxConnectionsPerHost, dev.switchboard.model.BufferBudget.unbounded(), KeyScrubber.NONE);
    }

    /** @param buffers the gateway-wide bound that whole upstream answers are read within */
    public UpstreamHttp(Vertx vertx, int maxConnectionsPerHost, dev.switchboard.model.BufferBudget buffers) {
        this(vertx, maxConnectionsPerHost, buffers, KeyScrubber.NONE);
    }

    public UpstreamHttp(Vertx vertx, int maxConnectionsPerHost, dev.switchboard.model.BufferBudget buffers,
                        KeyScrubber scrubber) {
        this(vertx, new dev.switchboard.config.UpstreamSettings(maxConnectionsPerHost, true,
                dev.switchboard.config.UpstreamSettings.DEFAULT_HTTP2_CONNECTIONS_PER_HOST,
                dev.switchboard.config.UpstreamSettings.DEFAULT_HTTP2_STREAMS_PER_CONNECTION, null), buffers, scrubber);
    }

    /**
     * @param buffers the gateway-wide bound that whole upstream answers are read within
     * @param scrubber masks every configured provider key in whatever the upstreams send back
     */
    public UpstreamHttp(Vertx vertx, dev.switchboard.config.UpstreamSettings settings, dev.switchboard.model.BufferBudget buffers,
                        KeyScrubber scrubber) {
        this(vertx, settings, buffers, ProviderSecrets.fixed(scrubber));
    }

    /**
     * @param buffers the gateway-wide bound that whole upstream answers are read within
     * @param secrets every configured provider secret, and the tokens providers mint while running: masked in
     *     whatever the upstreams send back
     */
    public UpstreamHttp(Vertx vertx, dev.switchboard.config.UpstreamSettings settings, dev.switchboard.model.BufferBudget buffers,
                        ProviderSecrets secrets) {
        this.vertx = vertx;
        this.buffers = buffers;
        this.secrets = secrets;
        this.settings = settings;
        this.connectionWaits = new ConnectionWaits(settings);
        client = build(vertx, options(), new PoolOptions().setHttp1MaxSize(settings.maxConnectionsPerHost()).setMaxWaitQueueSize(-1));
        HttpClientOptions tls = options().setSsl(true).setTrustOptions(UpstreamTrust.withExtraCas(settings.caFile()));
        if (settings.http2()) {
            // ALPN offers h2 and http/1.1: OpenAI, Anthropic and Google answer h2, a server that does not gets HTTP/1.1
            tls.setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setUseAlpn(true)
                    .setHttp2MultiplexingLimit(settings.http2StreamsPerConnection())
                    .setHttp2KeepAliveTimeout((int) KEEP_ALIVE.toSeconds());
        }
        tlsClient = build(vertx, tls, new PoolOptions().setHttp1MaxSize(settings.maxConnectionsPerHost())
                .setHttp2MaxSize(settings.http2ConnectionsPerHost()).setMaxWaitQueueSize(-1));
    }

    private static HttpClientOptions options() {
        return new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setKeepAliveTimeout((int) KEEP_ALIVE.toSeconds())
                .setMaxInitialLineLength(16 * 1024)
                .setVerifyHost(true);
    }

    private HttpClientAgent build(Vertx vertx, HttpClientOptions options, PoolOptions pool) {
        return vertx.httpClientBuilder()
                .with(options)
                .with(pool)
                // An idle pooled connection the upstream resets has no request to report to: without this handler
                // Vert.x logs it at ERROR. A request on the connection learns of it through its own handlers.
                .withConnectHandler(conn -> {
                    conn.exceptionHandler(t -> log.debug("upstream connection to {}: {}", conn.remoteAddress(), describe(t)));
                    // one body piece per round of reads for Vert.x, not one per HTTP chunk (HTTP/1.x connections only)
                    if (conn instanceof io.vertx.core.net.impl.ConnectionBase base) UpstreamChunks.install(base.channel().pipeline());
                })
                .build();
    }

    /** The pool settings in effect (the per-host limits the queue log line names). */
    public dev.switchboard.config.UpstreamSettings settings() { return settings; }

    /** The gateway-wide bound on buffered bytes, which providers read whole answers within. */
    public dev.switchboard.model.BufferBudget buffers() { return buffers; }

    /** The Vert.x the client runs on: its timers for a wait between calls ({@link Windowed#pause}). */
    public Vertx vertx() { return vertx; }

    /**
     * A parsed base URL, prepared once per deployment so no request re-parses it. {@code name} is the deployment
     * ({@code openai/gpt-4o}), what error messages to clients say; {@code display} adds the server
     * ({@code openai/gpt-4o (http://10.0.0.5:8000)}, never the path or query, which could hold a credential), for the log
     * only: an internal address means something to the operator, nothing (and too much) to a client.
     */
    public static final class Endpoint {
        private final String host;
        private final int port;
        private final boolean ssl;
        private final String pathPrefix;
        private final String display;
        private final String name;
        /**
         * This host's in-flight counter of the client that last sent through this endpoint, kept here so a call looks
         * it up in the client's map once per endpoint, not once per attempt (a HostKey and a ConcurrentHashMap lookup on
         * every request). Another client (another gateway in the same JVM) replaces it; a race makes one more lookup.
         */
        private volatile Busy busy;

        private record Busy(UpstreamHttp owner, java.util.concurrent.atomic.AtomicInteger count) {}

        public Endpoint(String host, int port, boolean ssl, String pathPrefix, String display, String name) {
            this.host = host;
            this.port = port;
            this.ssl = ssl;
            this.pathPrefix = pathPrefix;
            this.display = display;
            this.name = name;
        }

        public String host() { return host; }

        public int port() { return port; }

        public boolean ssl() { return ssl; }

        public String pathPrefix() { return pathPrefix; }

        public String display() { return display; }

        public String name() { return name; }

        java.util.concurrent.atomic.AtomicInteger busy(UpstreamHttp owner) {
            Busy b = busy;
            if (b != null && b.owner() == owner) return b.count();
            java.util.concurrent.atomic.AtomicInteger count = owner.inFlight.computeIfAbsent(new HostKey(host, port, ssl),
                    k -> new java.util.concurrent.atomic.AtomicInteger());
            busy = new Busy(owner, count);
            return count;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Endpoint e && port == e.port && ssl == e.ssl && java.util.Objects.equals(host, e.host)
                    && java.util.Objects.equals(pathPrefix, e.pathPrefix) && java.util.Objects.equals(display, e.display)
                    && java.util.Objects.equals(name, e.name);
        }

        @Override
        public int hashCode() { return java.util.Objects.hash(host, port, ssl, pathPrefix, display, name); }

        @Override
        public String toString() {
            return "Endpoint[host=" + host + ", port=" + port + ", ssl=" + ssl + ", pathPrefix=" + pathPrefix + ", display="
                    + display + ", name=" + name + "]";
        }

        public static Endpoint parse(String baseUrl, String deploymentId) {
            URI u = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
            boolean ssl = "https".equalsIgnoreCase(u.getScheme());
            int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
            return new Endpoint(u.getHost(), port, ssl, path + query,
                    deploymentId + " (" + u.getScheme() + "://" + u.getHost() + ":" + port + ")", deploymentId);
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
     * A copy of a deployment's fixed headers whose ASCII names and values are Vert.x's pre-hashed form (Netty's
     * {@code AsciiString}, made once per deployment). Every call copies them into the request's own map with
     * {@code setAll}, which re-hashed each String name; with these forms that copy reuses their hashes (~0.6 % of a
     * non-stream request's event loop, bench/profile.sh 2026-12-07). It saves that copy only: Vert.x 5.0.7 hands the
     * map to Netty's headers as Strings ({@code Http1xClientConnection.createRequest}), so Netty still hashes each name
     * and writes each value by chars (docs/architecture.md, "Pre-hashed upstream headers kept"). A name or value with
     * a non-ASCII character stays the String it was (the same bytes reach the wire either way).
     */
    public static MultiMap prehashed(MultiMap headers) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (java.util.Map.Entry<String, String> e : headers) out.add(ascii(e.getKey()), ascii(e.getValue()));
        return out;
    }

    private static CharSequence ascii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return s;
        return io.vertx.core.http.HttpHeaders.createOptimized(s);
    }

    /**
     * Sends a request and completes with the response once its status line and headers arrived; the body is
     * not read yet. {@code headers} are only read (a deployment may pass the same map to every call); the
     * Content-Length is the body's. {@code idleTimeout} bounds the time until the answer's head arrives and, for a body read by
     * {@link BoundedBody} or {@link SseRelay}, every silence inside it ({@link FirstByteDeadlines}; Vert.x 5's own
     * request timer stops at the head).
     */
    public Future<HttpClientResponse> send(Endpoint endpoint, String path, MultiMap headers, Buffer body,
                                           Duration idleTimeout) {
        return send(endpoint, path, headers, body, idleTimeout, CallOptions.DEFAULT);
    }

    /**
     * {@link #send(Endpoint, String, MultiMap, Buffer, Duration)} for one request of a client: the request is reset
     * the moment {@code call}'s cancellation fires (the client left), until its response has been read to the end;
     * a call already cancelled is not sent. A request that fails on a reused pooled connection before any byte of
     * an answer arrived (the server closed or reset the idle connection as the request went out) is sent once more
     * on a fresh connection: nothing of it reached the model, so nothing is generated or billed twice.
     */
    public Future<HttpClientResponse> send(Endpoint endpoint, String path, MultiMap headers, Buffer body,
                                           Duration idleTimeout, CallOptions call) {
        Cancellation cancellation = call.cancellation();
        if (cancellation.cancelled()) return Future.failedFuture(cancellation.failure());
        RequestOptions ro = new RequestOptions()
                .setMethod(body == null ? HttpMethod.GET : HttpMethod.POST)
                .setHost(endpoint.host())
                .setPort(endpoint.port())
                .setSsl(endpoint.ssl())
                .setURI(path)
                .setHeaders(headers); // no idle timeout here: see FirstByteDeadlines
        long timeoutMillis = Math.max(1, (idleTimeout == null ? DEFAULT_TIMEOUT : idleTimeout).toMillis());
        // One promise for the whole call, completed from the callbacks below: the chain of compose / transform / recover
        // it replaces made four futures (and their listener dispatch) per upstream attempt, on every request.
        Promise<HttpClientResponse> answer = Promise.promise();
        attempt(endpoint, ro, body, timeoutMillis, call, true, answer);
        return answer.future();
    }

    private void attempt(Endpoint endpoint, RequestOptions ro, Buffer body, long timeoutMillis, CallOptions call,
                         boolean mayResend, Promise<HttpClientResponse> answer) {
        waiting.incrementAndGet();
        java.util.concurrent.atomic.AtomicInteger busy = endpoint.busy(this); // this host's counter, looked up once per endpoint
        int ahead = busy.getAndIncrement(); // this host's calls asked before this one and not yet over
        long asked = System.nanoTime();
        // client.request completes when the pool hands a connection over: until then the request waits in its queue
        (endpoint.ssl() ? tlsClient : client).request(ro).onComplete(ar -> {
            int stillWaiting = waiting.decrementAndGet();
            long now = System.nanoTime();
            long waited = now - asked;
            if (waited > ConnectionWaits.NOTICED_NANOS) {
                boolean http2 = ar.succeeded() ? ar.result().version() == io.vertx.core.http.HttpVersion.HTTP_2
                        : endpoint.ssl() && settings.http2();
                connectionWaits.waited(endpoint.display(), waited, stillWaiting,
                        ar.failed() || !atLimit(ar.result(), ahead, asked, now), http2);
            }
            if (ar.failed()) {
                busy.decrementAndGet();
                failed(endpoint, call, ar.cause(), answer);
                return;
            }
            try {
                send(endpoint, ro, body, timeoutMillis, call, mayResend, ar.result(), busy, answer);
            } catch (RuntimeException e) {
                busy.decrementAndGet();
                failed(endpoint, call, e, answer); // what a compose would have turned into a failed future
            }
        });
    }

    /** The Content-Length values below 16 KiB, each made once: a request body's length is nearly always one of them. */
    private static final io.netty.util.AsciiString[] LENGTHS = new io.netty.util.AsciiString[16_384];

    /**
     * {@code n} as the Content-Length header's text: a shared {@code AsciiString} (which keeps its own String for
     * Vert.x's copy into Netty's headers) where {@code Integer.toString} made a new one a request. Two event loops
     * may both make one slot's value: equal, immutable, either kept.
     */
    static CharSequence contentLength(int n) {
        if (n < 0 || n >= LENGTHS.length) return Integer.toString(n);
        io.netty.util.AsciiString s = LENGTHS[n];
        if (s == null) LENGTHS[n] = s = io.netty.util.AsciiString.cached(Integer.toString(n));
        return s;
    }

    private void send(Endpoint endpoint, RequestOptions ro, Buffer body, long timeoutMillis, CallOptions call,
                      boolean mayResend, HttpClientRequest req, java.util.concurrent.atomic.AtomicInteger busy,
                      Promise<HttpClientResponse> answer) {
        boolean reused = !firstUse(req.connection());
        // on the request's own headers (Vert.x copied the given ones into them), so a caller's map is never written and
        // a deployment's headers can be one map for all its calls; set, not left to Vert.x, so a forwarded length is replaced
        if (body != null) req.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength(body.length()));
        Cancellation cancellation = call.cancellation();
        // Failures reach the response future below; without a handler Vert.x would also log each at ERROR. Set before
        // the cancel listener: a client that left while this request waited in the pool's queue has it reset the
        // moment the listener is added, and that reset found no handler ("ERROR HttpClientRequestImpl - Stream reset",
        // QA hardening F5). Its leaving is said once, by failed() ("the client left"), not here too.
        req.exceptionHandler(t -> {
            if (!cancellation.cancelled()) log.debug("request {}: upstream {} request: {}", call.requestId(), endpoint.display(), describe(t));
        });
        Runnable off = cancellation.onCancel(() -> reset(req, cancellation));
        // the time to the answer's head is bounded by the event loop's deadline lists; off an event loop, by Vert.x's timer
        io.vertx.core.internal.ContextInternal context = io.vertx.core.internal.ContextInternal.current();
        FirstByteDeadlines.Entry deadline = context != null && context.isEventLoopContext() && context.nettyEventLoop().inEventLoop()
                ? deadlines.get().watch(context, req, timeoutMillis) : null;
        if (deadline == null) req.idleTimeout(timeoutMillis);
        (body == null ? req.send() : req.send(body)).onComplete(ar -> {
            if (deadline != null && ar.failed()) deadline.done();
            if (ar.succeeded()) {
                HttpClientResponse resp = ar.result();
                // Until the provider's reader installs its own (BoundedBody, SseRelay); they replace this one.
                resp.exceptionHandler(t -> {
                    if (call.cancellation().cancelled()) return; // our own reset: the client left
                    log.warn("request {}: upstream {} broke off its answer: {}", call.requestId(), endpoint.display(),
                            describe(t));
                });
                resp.end().onComplete(done -> { // read to the end (or broken): nothing left to reset or time
                    busy.decrementAndGet();
                    off.run();
                    if (deadline != null) deadline.done();
                });
                if (deadline == null) answer.tryComplete(resp);
                else FirstByteDeadlines.headArrived(deadline, () -> answer.tryComplete(resp)); // the body's reader claims it
                return;
            }
            off.run();
            busy.decrementAndGet();
            Throwable t = deadline != null && deadline.timedOut()
                    ? new TimeoutException("no answer head within " + timeoutMillis + " ms") : ar.cause();
            if (mayResend && reused && !call.cancellation().cancelled() && staleConnection(t)) {
                log.debug("request {}: upstream {} closed a pooled connection as the request went out ({}); sending"
                        + " it again on a fresh one", call.requestId(), endpoint.display(), describe(t));
                // the same body: Vert.x writes a slice of it (BufferInternal.getByteBuf), never consuming or releasing it
                attempt(endpoint, ro, body, timeoutMillis, call, false, answer);
                return;
            }
            failed(endpoint, call, t, answer);
        });
    }

    /** The call failed: a cancelled one as the client's leaving, anything else as a scrubbed 502/504, logged once. */
    private void failed(Endpoint endpoint, CallOptions call, Throwable t, Promise<HttpClientResponse> answer) {
        if (call.cancellation().cancelled()) {
            log.debug("request {}: upstream {} reset, the client left", call.requestId(), endpoint.display());
            answer.tryFail(call.cancellation().failure());
            return;
        }
        GatewayException e = (GatewayException) UpstreamErrors.scrubbed(networkFailure(t, endpoint), scrubber());
        log.warn("request {}: upstream {}: {}", call.requestId(), endpoint.display(), describe(t)); // the address, for the operator
        answer.tryFail(e);
    }

    /**
     * True when the request waited at the per-host limit rather than for a connection to open. Three signs, any one
     * enough: (1) when it asked, the host already had as many calls under way as the limit allows (HTTP/1.1: the
     * connections per host; HTTP/2: connections x streams), so it had to wait for one of them to end — this holds also
     * when the pool, a connection having closed meanwhile, opened a new one for it; (2) an HTTP/1.1 connection that
     * carried a request before (it was given back by an earlier call); (3) an HTTP/2 connection whose first request
     * started before this one asked, or more than {@link #HANDOVER_NANOS} before it was handed over: the connection
     * was open, and this call waited for a free stream (a server allowing fewer streams than configured). An HTTP/2
     * connection opened for the calls that waited for it is handed to all of them together, within a few milliseconds
     * of its first request: for those the wait was the connect.
     */
    private boolean atLimit(HttpClientRequest req, int ahead, long asked, long now) {
        boolean h2 = req.version() == io.vertx.core.http.HttpVersion.HTTP_2;
        long limit = h2 ? (long) settings.http2ConnectionsPerHost() * settings.http2StreamsPerConnection() : settings.maxConnectionsPerHost();
        if (ahead >= limit) return true;
        HttpConnection conn = req.connection();
        if (conn instanceof io.vertx.core.net.impl.ConnectionBase base) {
            Long first = base.channel().attr(USED).get();
            if (first == null) return false;
            return !h2 || first - asked < 0 || now - first >= HANDOVER_NANOS;
        }
        return used.contains(conn);
    }

    /** How soon after an HTTP/2 connection's first request the other calls that waited for it to open get it. */
    static final long HANDOVER_NANOS = 100_000_000L;

    /** True the first time a connection carries a request. */
    private boolean firstUse(HttpConnection conn) {
        if (conn instanceof io.vertx.core.net.impl.ConnectionBase base) {
            io.netty.util.Attribute<Long> a = base.channel().attr(USED);
            return a.get() == null && a.setIfAbsent(System.nanoTime()) == null; // when: see atLimit (no Long boxed once used)
        }
        return used.add(conn);
    }

    private static void reset(HttpClientRequest req, Cancellation cancellation) {
        // HTTP/1.1: closes the connection, the upstream sees the client go and stops generating. The cause rides on the
        // reset, so a stream's reader that already took the answer over (SseRelay, BoundedBody) fails it as the client's
        // leaving (499, no cooldown), or as the gateway's stop when it cut the call (its 503), not as the upstream
        // breaking off (502)
        req.reset(0, cancellation.failure());
    }

    /**
     * A connection closed or reset by the peer: what a server's keep-alive timeout does to a pooled connection.
     * Not a timeout (the upstream may be working on it), not a reset of ours, not an answer that did not parse.
     */
    static boolean staleConnection(Throwable t) {
        if (t instanceof HttpClosedException) return true;
        return t instanceof IOException && !(t instanceof ConnectException)
                && !t.getClass().getSimpleName().contains("Timeout");
    }

    /**
     * An exception's message for the log; key runs masked and escaped, since a parser's message can quote what the
     * upstream sent.
     */
    private String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : LogSafe.text(scrubber().text(t.getMessage()));
    }

    /**
     * The scrubber for every provider secret, configured or minted so far: providers run what upstreams send through
     * it. Asked per call (a volatile read), so a token minted after start is masked from its first use.
     */
    public KeyScrubber scrubber() { return secrets.scrubber(); }

    /** Where a provider registers a token it mints (Vertex, Entra, AWS credentials resolved at run time). */
    public ProviderSecrets secrets() { return secrets; }

    /**
     * Maps an I/O failure to what the caller sees: the deployment and what went wrong, never the server's address (the
     * log line has it) and never request headers (they hold the key).
     */
    public static GatewayException networkFailure(Throwable t, Endpoint endpoint) {
        if (t instanceof GatewayException g) return g;
        if (t.getCause() instanceof GatewayException g && Cancellation.isCancellation(g)) return g; // our reset: the client left, or the gateway stopped the call
        if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
            return GatewayException.of(ErrorKind.TIMEOUT, "Upstream " + endpoint.name() + " did not answer in time.");
        }
        if (t instanceof ConnectException || t instanceof java.net.UnknownHostException) {
            return GatewayException.of(ErrorKind.UPSTREAM, "Cannot connect to upstream " + endpoint.name() + ": "
                    + withoutAddress(t) + ".");
        }
        return GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name() + " failed: " + withoutAddress(t) + ".");
    }

    /**
     * What an I/O failure says, less the address Netty and the JDK put in it ({@code Connection refused: /10.0.0.5:8000},
     * {@code Failed to resolve 'gpu-box'}): the kind of failure is the client's business, the server is not.
     */
    static String withoutAddress(Throwable t) {
        if (t instanceof java.net.UnknownHostException) return "the upstream's host name does not resolve";
        String m = t.getMessage();
        if (m == null || m.isBlank()) return t.getClass().getSimpleName();
        int annotated = m.indexOf(": /");
        if (annotated >= 0) m = m.substring(0, annotated); // Netty's AnnotatedConnectException / SocketException suffix
        m = NATIVE_CALL.matcher(m).replaceFirst(""); // the native transports' syscall, which says nothing to a client
        m = ADDRESS.matcher(m).replaceAll("the upstream");
        return m.strip();
    }

    /** How epoll's and io_uring's errors begin: {@code io_uring connect(..) failed with error(-111): Connection refused}. */
    private static final java.util.regex.Pattern NATIVE_CALL = java.util.regex.Pattern.compile(
            "^(?:io_uring )?\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

    /**
     * An address left in an exception's text: an IPv4 or bracketed IPv6 address (with the {@code host/} Netty puts before
     * it, a port, a path), or a host name with a port. A bare dotted word is left alone: class names and versions have dots.
     */
    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile(
            "(?:https?://)?(?:[A-Za-z0-9.-]*/)?(?:\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?|\\[[0-9a-fA-F:]+](?::\\d+)?"
                    + "|[A-Za-z][A-Za-z0-9.-]*:\\d+)(?:/\\S*)?");

    public Future<Void> close() { return Future.join(client.close(), tlsClient.close()).mapEmpty(); }

    /** Requests waiting now for a connection from the pool (all upstream hosts together). */
    public int waitingForConnection() { return waiting.get(); }
}
