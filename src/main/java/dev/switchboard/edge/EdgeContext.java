package dev.switchboard.edge;

import dev.switchboard.pipeline.Gateway;
import io.vertx.core.http.HttpServerRequest;

/** What every route handler shares: the gateway, request ids, the body limit and the start time. */
public record EdgeContext(Gateway gateway, RequestIds requestIds, long maxBodyBytes, long startedEpochSeconds) {

    /** The key a client presents: {@code Authorization: Bearer …} (OpenAI) or {@code x-api-key} (Anthropic). */
    public static String presentedKey(HttpServerRequest req) {
        String auth = req.getHeader("authorization");
        if (auth != null) {
            String a = auth.trim();
            return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : a;
        }
        return req.getHeader("x-api-key");
    }
}
