package dev.switchboard.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A hostile upstream for the key-isolation tests: it speaks OpenAI's, Anthropic's and Gemini's paths and echoes
 * the key it received (as sent and upper-cased) into every field of its errors and into stream events, with
 * line breaks that would forge log lines. What it does is chosen by a word in the request body (the prompt):
 * {@code echo-fields} (a JSON error with the key in every field), {@code echo-plain} (a text body whose key
 * straddles the gateway's 500-character cut) or {@code echo-stream} (a 200 stream that fails mid-way).
 */
public final class KeyEchoUpstream implements AutoCloseable {
    public static final String FORGED = "\r\n12:00:00.000 ERROR Forged - upstream wrote this line";

    private final Vertx vertx;
    private final HttpServer server;

    private KeyEchoUpstream(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static KeyEchoUpstream start() {
        Vertx vertx = TestGateway.vertx(new io.vertx.core.VertxOptions());
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> answer(req, b.toString())));
        return new KeyEchoUpstream(vertx, TestGateway.await(server.listen(0, "127.0.0.1")));
    }

    public String rootUrl() { return "http://127.0.0.1:" + server.actualPort(); }

    private static void answer(HttpServerRequest req, String body) {
        String key = keyOf(req);
        String upper = key.toUpperCase();
        String provider = req.path().startsWith("/v1/messages") ? "anthropic" : req.path().startsWith("/v1beta") ? "gemini" : "openai";
        HttpServerResponse resp = req.response();
        if (body.contains("echo-plain")) {
            // 490 characters, then the key: a cut at 500 before scrubbing would leave its first 10 characters
            resp.setStatusCode(500).putHeader("content-type", "text/plain")
                    .end(FORGED + "x".repeat(490 - FORGED.length()) + key + " trailing text");
        } else if (body.contains("echo-stream")) {
            resp.setStatusCode(200).putHeader("content-type", "text/event-stream").end(switch (provider) {
                case "anthropic" -> "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                        + "\"stop_reason\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n"
                        + "event: future_event\ndata: " + new JsonObject().put("type", "future_event").put("note", "saw " + key)
                                .put(upper, "as a name too").encode() + "\n\n"
                        + "data: " + new JsonObject().put("error", new JsonObject().put("message", "mid " + key + FORGED)) + "\n\n";
                case "gemini" -> "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"hi\"}]}}],"
                        + "\"modelVersion\":\"gemini-2.5-flash\"}\n\n"
                        + "data: " + new JsonObject().put("error", new JsonObject().put("code", 500).put("message", "mid " + key + FORGED)
                                .put("status", upper)) + "\n\n";
                default -> "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
                        + "data: " + new JsonObject().put("error", new JsonObject().put("message", "mid " + key + FORGED)
                                .put("type", upper).put("param", key).put("code", key)) + "\n\n";
            });
        } else {
            JsonObject error = switch (provider) {
                case "anthropic" -> new JsonObject().put("type", "error").put("error", new JsonObject()
                        .put("type", key).put("message", "bad " + upper + FORGED));
                case "gemini" -> new JsonObject().put("error", new JsonObject().put("code", 400)
                        .put("message", "bad " + key + FORGED).put("status", upper));
                default -> new JsonObject().put("error", new JsonObject().put("message", "bad " + key + FORGED)
                        .put("type", upper).put("param", key).put("code", key));
            };
            resp.setStatusCode(400).putHeader("content-type", "application/json").end(error.encode());
        }
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
