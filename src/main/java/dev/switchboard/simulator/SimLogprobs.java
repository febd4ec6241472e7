package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OpenAI's log probabilities, as a chat completion carries them when asked ({@code logprobs: true}, and
 * {@code top_logprobs: n} alternatives a token): {@code choices[].logprobs.content[]} of
 * {@code {token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}}, in the answer and in each content chunk
 * for its piece. Each piece of the simulated text (a word and its space, as the stream cuts it) is one token; the
 * numbers are made up but fixed, so tests can compare them.
 */
final class SimLogprobs {
    private SimLogprobs() {}

    /** The choice's {@code logprobs} for {@code text}; null when the request did not ask (OpenAI's null) or there is no text. */
    static JsonObject of(JsonObject req, String text) {
        if (!Boolean.TRUE.equals(req.getValue("logprobs")) || text == null || text.isEmpty()) return null;
        int top = req.getValue("top_logprobs") instanceof Number n ? n.intValue() : 0;
        JsonArray content = new JsonArray();
        for (String token : text.split("(?<= )")) content.add(entry(token, logprob(token), top));
        return new JsonObject().put("content", content).putNull("refusal");
    }

    /** The stream's chunks, each content delta with the log probabilities of its piece, when the request asked. */
    static List<String> addTo(JsonObject req, List<String> events) {
        if (!Boolean.TRUE.equals(req.getValue("logprobs"))) return events;
        return SimChunks.rewrite(events, chunk -> {
            JsonArray choices = chunk.getJsonArray("choices");
            JsonObject choice = choices == null || choices.isEmpty() ? null : choices.getJsonObject(0);
            String piece = choice == null ? null : choice.getJsonObject("delta", new JsonObject()).getString("content");
            JsonObject logprobs = piece == null ? null : of(req, piece);
            if (logprobs != null) choice.put("logprobs", logprobs);
            return List.of(chunk.encode());
        });
    }

    /** A token's made-up log probability: fixed by its length, never 0 (so a test sees it carried). */
    static double logprob(String token) {
        return -0.125 * (token.length() % 8 + 1);
    }

    private static JsonObject entry(String token, double logprob, int top) {
        JsonObject e = token(token, logprob);
        JsonArray alternatives = new JsonArray();
        for (int i = 0; i < top; i++) alternatives.add(i == 0 ? token(token, logprob) : token(token.strip() + "~" + i, logprob - i));
        return e.put("top_logprobs", alternatives);
    }

    private static JsonObject token(String token, double logprob) {
        JsonArray bytes = new JsonArray();
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
        return new JsonObject().put("token", token).put("logprob", logprob).put("bytes", bytes);
    }
}
