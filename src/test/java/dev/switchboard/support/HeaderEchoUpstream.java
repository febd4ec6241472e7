package dev.switchboard.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider that quotes every request header and the request's path and query back, as some real providers and
 * proxies do in their errors: whatever credential the gateway sends (a bearer token, an AWS session token, an
 * extra header, an {@code ?api-key=} in the URL) comes back in the answer. The prompt picks the shape:
 * {@code echo-ok} a successful OpenAI answer whose text is the quote, {@code echo-plain} a text/plain 500, anything
 * else a 400 JSON error with the quote in {@code message} (Bedrock's) and {@code error.message} (OpenAI's, Gemini's).
 * Every credential-bearing value it received is kept ({@link #received()}), so a test can look for it afterwards.
 */
public final class HeaderEchoUpstream implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private HeaderEchoUpstream(Vertx vertx) {
        this.vertx = vertx;
        this.server = TestGateway.await(vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(b -> answer(req, b.toString()))).listen(0, "127.0.0.1"));
    }

    public static HeaderEchoUpstream start() {
        return new HeaderEchoUpstream(TestGateway.vertx(new io.vertx.core.VertxOptions()));
    }

    public String rootUrl() { return "http://127.0.0.1:" + server.actualPort(); }

    /** The header values (the bearer token without "Bearer ") and query strings received so far. */
    public List<String> received() { return List.copyOf(received); }

    private void answer(HttpServerRequest req, String body) {
        StringBuilder quote = new StringBuilder("Incorrect API key provided. Request was: ");
        for (Map.Entry<String, String> h : req.headers()) {
            quote.append(h.getKey()).append(": ").append(h.getValue()).append("; ");
            if (!h.getKey().equalsIgnoreCase("content-length") && !h.getKey().equalsIgnoreCase("host")) {
                received.add(h.getValue().startsWith("Bearer ") ? h.getValue().substring(7) : h.getValue());
            }
        }
        quote.append("path: ").append(req.uri());
        if (req.query() != null) received.add(req.query());
        if (body.contains("echo-ok")) {
            req.response().putHeader("content-type", "application/json").end(new JsonObject().put("id", "c1")
                    .put("object", "chat.completion").put("created", 1).put("model", "gpt-4o")
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
                            .put("message", new JsonObject().put("role", "assistant").put("content", quote.toString()))))
                    .put("usage", new JsonObject().put("prompt_tokens", 1).put("completion_tokens", 1).put("total_tokens", 2))
                    .encode());
        } else if (body.contains("echo-plain")) {
            req.response().setStatusCode(500).putHeader("content-type", "text/plain").end(quote.toString());
        } else {
            req.response().setStatusCode(400).putHeader("content-type", "application/json").end(new JsonObject()
                    .put("message", quote.toString())
                    .put("error", new JsonObject().put("message", quote.toString()).put("type", "invalid_request_error")).encode());
        }
    }

    @Override
    public void close() { TestGateway.await(vertx.close()); }
}
