package dev.switchboard.observe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The OTLP exporter's posts on a Vert.x HTTP client of its own ({@link OtlpVertx}: one event loop that does nothing
 * else), in place of the SDK's default sender (the JDK HttpClient). The JDK client's send path (its CompletableFuture
 * chains, sequential schedulers, selector registration, a thrown exception per post) ran a few times a second, too
 * rarely to be compiled, and was about half of the export threads' CPU (2026-12-01 20:10 note); the Vert.x client's
 * code is the upstream calls' and always hot, and a post is one request with one body buffer. Not the gateway's own
 * Vert.x: there the posts queued behind a saturated request loop and the batch processor's queue overflowed (the
 * 2026-12-02 01:45 note's revert).
 *
 * <p>The body is marshalled on the calling thread (the batch processor's, which waits for the export anyway), never on
 * an event loop: a call from one (a split batch's next part, exported from the previous part's completion) marshals on
 * the instance's worker thread. Retries as the SDK's senders do ({@link RetryPolicy}: 429, 502, 503, 504 and network
 * failures other than TLS ones, jittered exponential backoff, a {@code Retry-After} within the policy's longest backoff
 * honoured), all within the export timeout. {@link #shutdown} (after the batch processor's last export) closes the
 * instance and its threads.
 */
final class VertxHttpSender implements HttpSender {
    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

    private final Vertx vertx;
    /**
     * The instance's event-loop context, where every attempt runs. A request made from another thread (the batch
     * processor's) has its futures' continuations queued as tasks on the loop, and a small answer can arrive and end
     * before the continuation that sets the response's handlers runs: Vert.x then refuses the handlers
     * ({@code IllegalStateException}) and the batch is lost. On the context, the response's future completes in the
     * read that delivers its head, so the handlers are set before its body is handled.
     */
    private final io.vertx.core.Context context;
    private final HttpClientAgent client;
    private final HttpSenderConfig config;
    private final RequestOptions target;
    private final long timeoutNanos;

    /** A sender on a Vert.x instance of its own, closed by {@link #shutdown}. */
    VertxHttpSender(HttpSenderConfig config) { this(OtlpVertx.create(), config); }

    private VertxHttpSender(Vertx vertx, HttpSenderConfig config) {
        this.vertx = vertx;
        this.config = config;
        try {
            this.context = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
            URI u = config.getEndpoint();
            boolean ssl = "https".equalsIgnoreCase(u.getScheme());
            String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            this.target = new RequestOptions().setMethod(HttpMethod.POST).setHost(u.getHost())
                    .setPort(u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80).setSsl(ssl).setURI(path);
            this.timeoutNanos = config.getTimeout().toNanos();
            HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                    .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.getConnectTimeout().toMillis()))
                    .setVerifyHost(true); // the JDK's CAs, as the JDK sender's default SSL context
            this.client = vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp1MaxSize(2)).build();
        } catch (RuntimeException e) {
            vertx.close(); // no sender, so no threads left behind
            throw e;
        }
    }

    @Override
    public void send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        if (Context.isOnEventLoopThread()) {
            vertx.executeBlocking(() -> marshal(writer, config.getCompressor()), false)
                    .onSuccess(b -> post(b, onResponse, onError)).onFailure(onError::accept);
            return;
        }
        ByteBuf body;
        try {
            body = marshal(writer, config.getCompressor());
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        post(body, onResponse, onError);
    }

    /**
     * The message in a pooled direct buffer of its exact size (uncompressed): the socket write takes it as it is, where
     * a heap array would be copied into a direct buffer first. Released when the post is over ({@link Attempt#done}).
     */
    private static ByteBuf marshal(MessageWriter writer, io.opentelemetry.sdk.common.export.Compressor compressor) throws IOException {
        int length = writer.getContentLength();
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(length > 0 && compressor == null ? length : 64 * 1024);
        try (OutputStream out = compressor != null ? compressor.compress(new ByteBufOutputStream(buf)) : new ByteBufOutputStream(buf)) {
            writer.writeMessage(out);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
        return buf;
    }

    private void post(ByteBuf body, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        RequestOptions ro = new RequestOptions(target);
        config.getHeadersSupplier().get().forEach((k, vs) -> vs.forEach(v -> ro.addHeader(k, v)));
        ro.putHeader("content-type", config.getContentType());
        if (config.getCompressor() != null) ro.putHeader("content-encoding", config.getCompressor().getEncoding());
        RetryPolicy policy = config.getRetryPolicy();
        long deadline = System.nanoTime() + timeoutNanos;
        Attempt attempt = new Attempt(ro, body, policy, deadline, onResponse, onError);
        context.runOnContext(v -> attempt.run());
    }

    /** One post and its retries. */
    private final class Attempt {
        private final RequestOptions ro;
        private final ByteBuf body;
        private final Buffer buffer;
        private final RetryPolicy policy;
        private final long deadline;
        private final Consumer<HttpResponse> onResponse;
        private final Consumer<Throwable> onError;
        private int attempts;
        private long nextBackoffNanos;

        Attempt(RequestOptions ro, ByteBuf body, RetryPolicy policy, long deadline, Consumer<HttpResponse> onResponse,
                Consumer<Throwable> onError) {
            this.ro = ro;
            this.body = body;
            this.buffer = BufferInternal.buffer(body); // Vert.x writes an unreleasable slice of it: each attempt sends it whole
            this.policy = policy;
            this.deadline = deadline;
            this.onResponse = onResponse;
            this.onError = onError;
            this.nextBackoffNanos = policy == null ? 0 : policy.getInitialBackoff().toNanos();
        }

        /** One attempt; on {@link #context} (see there why). */
        void run() {
            attempts++;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                done(null, new TimeoutException("OTLP export: no answer within " + config.getTimeout().toMillis() + " ms"));
                return;
            }
            ro.setIdleTimeout(Math.max(1, left / 1_000_000));
            client.request(ro)
                    .compose(req -> req.send(buffer))
                    .compose(resp -> read(resp).map(bytes -> (HttpResponse) new Answer(resp.statusCode(), resp.statusMessage(), bytes)
                            .retryAfter(resp.getHeader("retry-after"))))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            Answer a = (Answer) ar.result();
                            if (RETRYABLE.contains(a.status) && retry(a.retryAfterNanos)) return;
                            done(a, null);
                        } else {
                            if (retryable(ar.cause()) && retry(-1)) return;
                            done(null, ar.cause());
                        }
                    });
        }

        /** Schedules the next attempt if the policy and the deadline allow one. */
        private boolean retry(long retryAfterNanos) {
            if (policy == null || attempts >= policy.getMaxAttempts()) return false;
            long current = Math.min(nextBackoffNanos, policy.getMaxBackoff().toNanos());
            long sleep = retryAfterNanos >= 0 ? Math.min(retryAfterNanos, policy.getMaxBackoff().toNanos())
                    : ThreadLocalRandom.current().nextLong(Math.max(1, current));
            nextBackoffNanos = (long) (current * policy.getBackoffMultiplier());
            if (System.nanoTime() + sleep >= deadline) return false;
            vertx.setTimer(Math.max(1, sleep / 1_000_000), t -> run()); // called on the context: so is the timer
            return true;
        }

        private boolean retryable(Throwable t) {
            if (t instanceof SSLException) return false;
            if (t instanceof IOException io) {
                return policy == null || policy.getRetryExceptionPredicate() == null || policy.getRetryExceptionPredicate().test(io);
            }
            // Vert.x's own: a connection closed under the request, a timeout (the JDK's are IOExceptions)
            return t instanceof io.vertx.core.http.HttpClosedException || t instanceof TimeoutException
                    || t instanceof io.netty.channel.ConnectTimeoutException;
        }

        private void done(HttpResponse response, Throwable error) {
            body.release();
            if (response != null) onResponse.accept(response);
            else onError.accept(error);
        }
    }

    /** The answer's body, at most {@link HttpSenderConfig#getMaxResponseBodySize} bytes (a collector answers a few). */
    private io.vertx.core.Future<byte[]> read(HttpClientResponse resp) {
        long max = config.getMaxResponseBodySize();
        Buffer got = Buffer.buffer();
        io.vertx.core.Promise<byte[]> p = io.vertx.core.Promise.promise();
        resp.exceptionHandler(p::tryFail);
        resp.handler(b -> {
            if (got.length() + (long) b.length() > max) {
                p.tryFail(new IOException("OTLP export: the collector's answer is over " + max + " bytes"));
                resp.request().reset();
            } else {
                got.appendBuffer(b);
            }
        });
        resp.endHandler(v -> p.tryComplete(got.getBytes()));
        return p.future();
    }

    /** Closes the client and the Vert.x instance (its threads end); the SDK calls it after the last export. */
    @Override
    public CompletableResultCode shutdown() {
        CompletableResultCode r = new CompletableResultCode();
        vertx.close().onComplete(ar -> r.succeed()); // the client with it: Vert.x closes what was built on it
        return r;
    }

    private record Answer(int status, String message, byte[] body, long retryAfterNanos) implements HttpResponse {
        Answer(int status, String message, byte[] body) { this(status, message, body, -1); }

        Answer retryAfter(String header) {
            if (header == null) return this;
            try {
                return new Answer(status, message, body, java.util.concurrent.TimeUnit.SECONDS.toNanos(Long.parseLong(header.trim())));
            } catch (NumberFormatException e) {
                return this; // an HTTP date: the policy's own backoff
            }
        }

        @Override
        public int getStatusCode() { return status; }

        @Override
        public String getStatusMessage() { return message; }

        @Override
        public byte[] getResponseBody() { return body; }
    }
}
