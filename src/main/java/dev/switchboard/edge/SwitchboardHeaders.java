package dev.switchboard.edge;

import dev.switchboard.model.Answer;
import io.vertx.core.http.HttpServerResponse;

/** The {@code x-switchboard-*} response headers of DESIGN §4, set in one place for every dialect. */
public final class SwitchboardHeaders {
    public static final String MODEL = "x-switchboard-model";
    public static final String ROUTE = "x-switchboard-route";
    public static final String CACHE = "x-switchboard-cache";
    public static final String COST = "x-switchboard-cost";
    public static final String REQUEST_ID = "x-switchboard-request-id";
    /** The auto alias's cost-tier decision and its reason; only on answers to the auto alias. */
    public static final String TIER = "x-switchboard-tier";

    private SwitchboardHeaders() {}

    public static void apply(HttpServerResponse resp, Answer<?> answer) {
        resp.putHeader(MODEL, answer.deployment());
        resp.putHeader(ROUTE, answer.route());
        resp.putHeader(CACHE, answer.cache());
        if (answer.tier() != null) resp.putHeader(TIER, answer.tier());
        answer.headers().forEach(resp::putHeader);
    }
}
