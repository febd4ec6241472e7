package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's {@code n}: that many choices of one answer, {@code index} 0 to n-1, their completion tokens all counted in
 * the usage; streamed, each chunk carries one choice, the choices' chunks side by side. The simulator answered one
 * choice whatever {@code n} said, which no OpenAI client would see from OpenAI (and hid whether the gateway carries
 * the others back). Every choice is the same reply: the simulator's answers are fixed.
 */
final class SimChoices {
    private SimChoices() {}

    /** The request's {@code n} (1 when absent; SimValidation has refused one out of OpenAI's range). */
    static int of(JsonObject req) {
        return req.getValue("n") instanceof Number n ? n.intValue() : 1;
    }

    /** {@code n} copies of the answer's one choice, each with its index. */
    static JsonArray choices(JsonObject choice, int n) {
        JsonArray out = new JsonArray();
        for (int i = 0; i < n; i++) out.add(choice.copy().put("index", i));
        return out;
    }

    /** The usage of {@code n} choices: each choice's completion tokens, counted n times (OpenAI bills each). */
    static JsonObject usage(JsonObject one, int n) {
        if (n == 1) return one;
        int completion = one.getInteger("completion_tokens") * n;
        return one.copy().put("completion_tokens", completion).put("total_tokens", one.getInteger("prompt_tokens") + completion);
    }

    /** The stream's chunks for {@code n} choices: each choice chunk once per index, the usage chunk counting them all. */
    static List<String> streamed(List<String> events, int n) {
        if (n == 1) return events;
        return SimChunks.rewrite(events, chunk -> {
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices == null || choices.isEmpty()) {
                if (chunk.getValue("usage") instanceof JsonObject u) chunk.put("usage", usage(u, n));
                return List.of(chunk.encode());
            }
            List<String> copies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                copies.add(chunk.copy().put("choices", new JsonArray().add(choices.getJsonObject(0).copy().put("index", i))).encode());
            }
            return copies;
        });
    }
}
