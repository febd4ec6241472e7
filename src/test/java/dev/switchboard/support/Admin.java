package dev.switchboard.support;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;

/** The admin API of a test gateway, over real HTTP with the master key: keys and spend, as a user's script would. */
public final class Admin {
    private final String base;
    private final String masterKey;

    public Admin(TestGateway gw) { this(gw.baseUrl(), TestGateway.MASTER_KEY); }

    public Admin(String base, String masterKey) {
        this.base = base;
        this.masterKey = masterKey;
    }

    /** {@code POST /key/generate}; fails the test unless it answers 200. */
    public JsonObject generate(JsonObject body) { return ok(post("/key/generate", body)); }

    public JsonObject update(JsonObject body) { return ok(post("/key/update", body)); }

    public JsonObject info(String key) { return ok(Http.get(base + "/key/info?key=" + key, masterKey)).getJsonObject("info"); }

    public HttpResponse<String> post(String path, JsonObject body) { return Http.post(base + path, masterKey, body.encode()); }

    /** {@code POST} an admin route; fails the test unless it answers 200. */
    public JsonObject postOk(String path, JsonObject body) { return ok(post(path, body)); }

    public HttpResponse<String> get(String pathAndQuery) { return Http.get(base + pathAndQuery, masterKey); }

    public JsonObject getOk(String pathAndQuery) { return ok(get(pathAndQuery)); }

    /** The id the gateway gave the call that answered {@code r} (its {@code x-switchboard-request-id}). */
    public static String requestId(HttpResponse<String> r) { return r.headers().firstValue("x-switchboard-request-id").orElseThrow(); }

    /** The ledger rows of the call that answered {@code r}, one per attempt, from {@code /spend/logs?request_id=}. */
    public List<JsonObject> ledgerRows(HttpResponse<String> r) { return ledgerRows(r, "request_id=" + requestId(r)); }

    /**
     * The ledger rows of the call that answered {@code r} among those {@code /spend/logs?<query>} lists, one per
     * attempt: with {@code key=<key_id>}, only the rows charged to that key.
     */
    public List<JsonObject> ledgerRows(HttpResponse<String> r, String query) {
        String id = requestId(r);
        return getOk("/spend/logs?" + query).getJsonArray("data").stream().map(JsonObject.class::cast)
                .filter(row -> row.getString("request_id").equals(id)).toList();
    }

    /** The ledger row of the call that answered {@code r}: attempt 0 (its failed attempts, if any, are rows 1, 2, ...). */
    public JsonObject ledgerRow(HttpResponse<String> r) {
        return ledgerRows(r).stream().filter(row -> row.getInteger("attempt") == 0).findFirst()
                .orElseThrow(() -> new AssertionError("no ledger row for " + requestId(r)));
    }

    public static JsonObject ok(HttpResponse<String> r) {
        if (r.statusCode() != 200) throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
        return new JsonObject(r.body());
    }
}
