package dev.switchboard.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny raw upstream that answers exactly what a test registered, byte for byte, on any provider's path: the
 * simulator only speaks correct wire formats, and the tests of a misbehaving upstream need the wrong ones. Each
 * registered answer gets a tag; the request whose body (the prompt) holds the tag gets that answer. {@code {KEY}}
 * in a body is replaced by the key the request carried (any provider's header), so an upstream can echo it, and
 * {@code {KEY:from:to}} by that piece of it.
 */
public final class CannedUpstream implements AutoCloseable {
    private record Canned(int status, String contentType, String body, String[] headers) {}

    private static final Pattern TAG = Pattern.compile("canned-\\d+-x");
    private static final Pattern KEY = Pattern.compile("\\{KEY(?::(\\d+):(\\d+))?}");
    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, Canned> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    private CannedUpstream(Vertx vertx) {
        this.vertx = vertx;
        this.server = TestGateway.await(vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(b -> answer(req, b.toString())))
                .listen(0, "127.0.0.1"));
    }

    public static CannedUpstream start() { return new CannedUpstream(TestGateway.vertx(new io.vertx.core.VertxOptions())); }

    public String rootUrl() { return "http://127.0.0.1:" + server.actualPort(); }

    /** Registers an answer; returns the tag a prompt must hold to get it. {@code headers} are name, value pairs. */
    public String answer(int status, String contentType, String body, String... headers) {
        String tag = "canned-" + next.incrementAndGet() + "-x";
        answers.put(tag, new Canned(status, contentType, body, headers));
        hits.put(tag, new AtomicInteger());
        return tag;
    }

    public String json(int status, String body, String... headers) { return answer(status, "application/json", body, headers); }

    /** A 200 event stream with these raw bytes as its body. */
    public String sse(String events) { return answer(200, "text/event-stream", events); }

    /** How many requests asked for the answer with this tag. */
    public int hits(String tag) { return hits.get(tag).get(); }

    private void answer(HttpServerRequest req, String body) {
        Matcher m = TAG.matcher(body);
        Canned c = m.find() ? answers.get(m.group()) : null;
        if (c == null) {
            req.response().setStatusCode(404).end("{\"error\":{\"message\":\"no canned answer\"}}");
            return;
        }
        hits.get(m.group()).incrementAndGet();
        var resp = req.response().setStatusCode(c.status()).putHeader("content-type", c.contentType());
        for (int i = 0; i + 1 < c.headers().length; i += 2) resp.putHeader(c.headers()[i], c.headers()[i + 1]);
        String key = keyOf(req);
        resp.end(KEY.matcher(c.body()).replaceAll(r -> Matcher.quoteReplacement(r.group(1) == null ? key
                : key.substring(Integer.parseInt(r.group(1)), Integer.parseInt(r.group(2))))));
    }

    private static String keyOf(HttpServerRequest req) {
        String auth = req.getHeader("authorization");
        if (auth != null && auth.startsWith("Bearer ")) return auth.substring(7);
        String k = req.getHeader("x-api-key");
        return k != null ? k : String.valueOf(req.getHeader("x-goog-api-key"));
    }

    @Override
    public void close() { TestGateway.await(vertx.close()); }
}
