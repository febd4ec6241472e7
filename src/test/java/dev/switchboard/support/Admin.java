package dev.switchboard.support;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

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

    public static JsonObject ok(HttpResponse<String> r) {
        if (r.statusCode() != 200) throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
        return new JsonObject(r.body());
    }
}
