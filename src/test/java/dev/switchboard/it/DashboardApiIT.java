package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.DashboardFixture;
import dev.switchboard.support.DashboardFixture.LedgerFigures;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard over plain HTTP: the login and its cookie, every way in that must be refused, and the overview's
 * figures (read from the daily rollups) against the ledger rows of the traffic just sent (read by the admin API).
 */
class DashboardApiIT {
    static TestGateway gw;
    static DashboardFixture traffic;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(DashboardFixture.CONFIG);
        traffic = DashboardFixture.send(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> login(String key) {
        return Http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/ui/login")).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("master_key", key).encode())).build());
    }

    private static String sessionCookie() {
        HttpResponse<String> r = login(TestGateway.MASTER_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        String setCookie = r.headers().firstValue("set-cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static HttpResponse<String> get(String path, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(20)).GET();
        if (cookie != null) b.header("cookie", cookie);
        return Http.send(b.build());
    }

    private static HttpResponse<String> post(String path, String cookie, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) b.header("cookie", cookie);
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return Http.send(b.build());
    }

    @Test
    void loginSetsASessionCookieScriptsCannotReadAndThatHoldsNoKey() {
        HttpResponse<String> r = login(TestGateway.MASTER_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getString("location")).isEqualTo("/ui/");
        String setCookie = r.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).startsWith("sb_ui_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/ui").contains("Max-Age=43200").doesNotContain(TestGateway.MASTER_KEY);
        String value = setCookie.substring("sb_ui_session=".length(), setCookie.indexOf(';'));
        assertThat(value).matches("[A-Za-z0-9_-]{43}"); // 32 random bytes, base64url
        assertThat(login(TestGateway.MASTER_KEY).headers().firstValue("set-cookie").orElseThrow()).doesNotContain(value);

        HttpResponse<String> page = get("/ui/", "sb_ui_session=" + value);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/ui/vendor/echarts.min.js").doesNotContain(TestGateway.MASTER_KEY);
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("script-src 'self'");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
    }

    @Test
    void aFormPostCannotLogIn() {
        // The gateway's browser guard refuses the body types a page on another site could post without asking
        HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/ui/login"))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("master_key=" + TestGateway.MASTER_KEY)).build());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.headers().firstValue("set-cookie")).isEmpty();
        HttpResponse<String> crossSite = Http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/ui/login"))
                .header("content-type", "application/json").header("origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("master_key", TestGateway.MASTER_KEY).encode())).build());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.headers().firstValue("set-cookie")).isEmpty();
    }

    @Test
    void wrongKeysDoNotLogIn() {
        for (String key : List.of("", "sk-wrong", traffic.alphaKey.getString("key"))) {
            HttpResponse<String> r = login(key);
            assertThat(r.statusCode()).as("login with '%s'", key).isEqualTo(401);
            assertThat(r.headers().firstValue("set-cookie")).isEmpty();
            assertThat(r.body()).contains("not the master key");
        }
    }

    @Test
    void everythingBehindTheLoginIsRefusedWithoutIt() {
        assertThat(get("/ui", null).headers().firstValue("location")).hasValue("/ui/");
        HttpResponse<String> page = get("/ui/", null);
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("location")).hasValue("/ui/login");
        assertThat(get("/ui/", "sb_ui_session=made-up").statusCode()).isEqualTo(302);
        for (String path : List.of("/ui/api/overview", "/ui/api/teams", "/ui/api/requests", "/ui/api/keys", "/ui/api/session")) {
            HttpResponse<String> r = get(path, "sb_ui_session=made-up");
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("/ui/login");
            // A virtual key is not the master key
            assertThat(Http.get(gw.baseUrl() + path, traffic.alphaKey.getString("key")).statusCode()).as(path).isEqualTo(403);
        }
        assertThat(post("/ui/api/keys/generate", null, "{\"key_alias\":\"x\"}", "x-switchboard-ui", "1").statusCode()).isEqualTo(401);
        // The master key as the admin API takes it is enough, for scripts
        assertThat(Http.get(gw.baseUrl() + "/ui/api/overview", TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
        // The login page and the static files are public: they hold no data
        assertThat(get("/ui/login", null).statusCode()).isEqualTo(200);
        assertThat(get("/ui/static/app.js", null).statusCode()).isEqualTo(200);
        HttpResponse<String> echarts = get("/ui/vendor/echarts.min.js", null);
        assertThat(echarts.statusCode()).isEqualTo(200);
        assertThat(echarts.headers().firstValue("content-type").orElseThrow()).startsWith("text/javascript");
        assertThat(echarts.body()).contains("echarts").hasSizeGreaterThan(500_000);
    }

    /** A GET sent as written, byte for byte (java.net.URI refuses a bad %-escape before it is sent): status and body. */
    private static String[] rawGet(String pathAndQuery, String key) {
        URI base = URI.create(gw.baseUrl());
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer "
                    + key + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new String[] {all.substring(9, 12), all.substring(all.indexOf("\r\n\r\n") + 4)};
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aQueryTheDashboardApiDoesNotTakeIsA400NeitherIgnoredNorA500() {
        // A misspelt filter answered every row as if unfiltered (QA 2026-12-07): now a 400 naming it, as /spend/logs does
        for (String path : List.of("/ui/api/requests?modle=gpt", "/ui/api/overview?dayz=7", "/ui/api/teams?colour=blue",
                "/ui/api/keys?pagesize=5", "/ui/api/session?x=1", "/ui/api/requests/req_x?y=1")) {
            HttpResponse<String> r = Http.get(gw.baseUrl() + path, TestGateway.MASTER_KEY);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("type")).as(path).isEqualTo("invalid_request_error");
            assertThat(error.getString("message")).as(path).startsWith("Unknown query parameter '");
        }
        // every parameter the page itself sends still answers
        assertThat(Http.get(gw.baseUrl() + "/ui/api/requests?page=1&page_size=25&app=alpha&model=gpt&key_alias=alpha&key_id=key_x&tag=t",
                TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
        assertThat(Http.get(gw.baseUrl() + "/ui/api/keys?page=1&page_size=10", TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
        assertThat(Http.get(gw.baseUrl() + "/ui/api/teams?days=7", TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
        // A bad %-escape was the decoder's exception, a 500 "internal error", on these and on /logs: a 400 saying what to
        // escape, as /spend/logs answers it
        for (String path : List.of("/ui/api/requests?model=%zz", "/ui/api/overview?days=%zz", "/logs?model=%zz", "/spend/logs?model=%zz")) {
            String[] r = rawGet(path, TestGateway.MASTER_KEY);
            assertThat(r[0]).as(path).isEqualTo("400");
            assertThat(new JsonObject(r[1]).getJsonObject("error").getString("message")).as(path)
                    .startsWith("The query string cannot be read").contains("Escape '%' as %25");
        }
        // a virtual key is still refused before its query is looked at
        assertThat(Http.get(gw.baseUrl() + "/ui/api/requests?modle=gpt", traffic.alphaKey.getString("key")).statusCode()).isEqualTo(403);
    }

    /**
     * A route with a path id reads no query: a query {@code id} beside the path's (it passed as the path's own, since
     * Vert.x adds path parameters to the request's), or a filter meant for {@code /logs}, is a 400 naming it, not ignored.
     */
    @Test
    void aRouteWithAPathIdRefusesAQueryItDoesNotRead() {
        for (String path : List.of("/ui/api/requests/req_x?id=req_y", "/ui/api/requests/req_x?model=gpt",
                "/logs/req_x?request_id=req_y", "/logs/req_x?model=gpt")) {
            HttpResponse<String> r = Http.get(gw.baseUrl() + path, TestGateway.MASTER_KEY);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("type")).as(path).isEqualTo("invalid_request_error");
            String name = path.substring(path.indexOf('?') + 1, path.indexOf('='));
            assertThat(error.getString("message")).as(path).startsWith("Unknown query parameter '" + name + "'");
        }
        // without a query both still answer as before (no row by that id: 404)
        assertThat(Http.get(gw.baseUrl() + "/ui/api/requests/req_x", TestGateway.MASTER_KEY).statusCode()).isEqualTo(404);
        assertThat(Http.get(gw.baseUrl() + "/logs/req_x", TestGateway.MASTER_KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void logoutEndsTheSession() {
        String cookie = sessionCookie();
        assertThat(get("/ui/api/session", cookie).statusCode()).isEqualTo(200);
        HttpResponse<String> out = post("/ui/logout", cookie, "{}");
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(get("/ui/api/session", cookie).statusCode()).isEqualTo(401);
    }

    @Test
    void keyChangesNeedTheDashboardHeaderAndShowTheSecretOnce() {
        String cookie = sessionCookie();
        String body = "{\"key_alias\":\"from-ui\",\"max_budget\":5,\"models\":[\"gpt\"]}";
        assertThat(post("/ui/api/keys/generate", cookie, body).statusCode()).isEqualTo(400);
        HttpResponse<String> made = post("/ui/api/keys/generate", cookie, body, "x-switchboard-ui", "1");
        assertThat(made.statusCode()).isEqualTo(200);
        String secret = new JsonObject(made.body()).getString("key");
        assertThat(secret).startsWith("sk-");
        HttpResponse<String> list = get("/ui/api/keys", cookie);
        assertThat(list.body()).contains("from-ui").doesNotContain(secret);
        // Regenerate: a new secret, shown in that answer only; the old one stops working
        HttpResponse<String> again = post("/ui/api/keys/regenerate", cookie, "{\"key\":\"from-ui\"}", "x-switchboard-ui", "1");
        assertThat(again.statusCode()).isEqualTo(200);
        String renewed = new JsonObject(again.body()).getString("key");
        assertThat(renewed).startsWith("sk-").isNotEqualTo(secret);
        // (asked with /key/info, which leaves no ledger row for the overview test to count)
        assertThat(Http.get(gw.baseUrl() + "/key/info", secret).statusCode()).isEqualTo(401);
        assertThat(Http.get(gw.baseUrl() + "/key/info", renewed).statusCode()).isEqualTo(200);
        assertThat(get("/ui/api/keys", cookie).body()).doesNotContain(renewed);
        assertThat(post("/ui/api/keys/block", cookie, "{\"key\":\"from-ui\"}", "x-switchboard-ui", "1").statusCode()).isEqualTo(200);
        assertThat(new Admin(gw).info("from-ui").getBoolean("blocked")).isTrue();
        assertThat(post("/ui/api/keys/delete", cookie, "{\"key_aliases\":[\"from-ui\"]}", "x-switchboard-ui", "1").statusCode())
                .isEqualTo(200);
        assertThat(get("/ui/api/keys", cookie).body()).doesNotContain("from-ui");
        assertThat(post("/ui/api/keys/explode", cookie, "{}", "x-switchboard-ui", "1").statusCode()).isEqualTo(404);
    }

    private static JsonObject row(JsonArray rows, String field, String value) {
        for (Object o : rows) if (value.equals(((JsonObject) o).getString(field))) return (JsonObject) o;
        throw new AssertionError("no row with " + field + "=" + value + " in " + rows.encodePrettily());
    }

    @Test
    void overviewFiguresEqualTheLedgerRows() {
        JsonObject o = new JsonObject(get("/ui/api/overview", sessionCookie()).body());
        LedgerFigures alpha = DashboardFixture.ledger(gw, "alpha");
        LedgerFigures beta = DashboardFixture.ledger(gw, "beta");
        assertThat(alpha.served()).isEqualTo(6);
        assertThat(alpha.exactHits()).isEqualTo(1);
        assertThat(alpha.cacheReadTokens()).isGreaterThanOrEqualTo(1024);
        assertThat(beta.served()).isEqualTo(2);
        assertThat(beta.fallbacks()).isEqualTo(1);
        assertThat(beta.failedAttempts()).isEqualTo(1);

        // Totals against the spend report, which sums the ledger rows themselves
        JsonObject report = new Admin(gw).getOk("/global/spend/report?group_by=key");
        JsonObject totals = o.getJsonObject("totals");
        assertThat(BigDecimal.valueOf(totals.getLong("spend_nanos"), 9)).isEqualByComparingTo(report.getValue("total_spend").toString());
        assertThat(totals.getLong("requests")).isEqualTo(report.getLong("total_requests")).isEqualTo(8);
        assertThat(totals.getLong("fallbacks")).isEqualTo(1);
        assertThat(totals.getLong("failed_attempts")).isEqualTo(1);

        JsonArray apps = o.getJsonObject("spend_by_app").getJsonArray("apps");
        assertThat(o.getJsonArray("days")).hasSize(30);
        for (var e : List.of(java.util.Map.entry("alpha", alpha), java.util.Map.entry("beta", beta))) {
            JsonObject app = row(apps, "app", e.getKey());
            assertThat(app.getLong("total_nanos")).as(e.getKey()).isEqualTo(e.getValue().costNanos()).isPositive();
            assertThat(app.getLong("requests")).isEqualTo(e.getValue().served());
            assertThat(app.getJsonArray("cost_usd")).hasSize(30);
        }

        JsonObject alphaKey = row(o.getJsonArray("keys"), "key_alias", "alpha");
        assertThat(alphaKey.getLong("mtd_spend_nanos")).isEqualTo(alpha.costNanos());
        assertThat(alphaKey.getDouble("max_budget")).isEqualTo(10.0);
        assertThat(alphaKey.getDouble("budget_used")).isCloseTo(alpha.costNanos() / 1e9 / 10, org.assertj.core.data.Offset.offset(1e-12));

        JsonArray layers = o.getJsonObject("cache").getJsonArray("layers");
        JsonObject exact = row(layers, "layer", "exact");
        assertThat(exact.getLong("hits")).isEqualTo(1);
        assertThat(exact.getLong("of")).isEqualTo(8);
        assertThat(exact.getLong("saved_nanos")).isPositive();
        assertThat(row(layers, "layer", "semantic").getLong("hits")).isZero();
        JsonObject prompt = row(layers, "layer", "provider_prompt");
        assertThat(prompt.getLong("hits")).isEqualTo(alpha.cacheReadTokens() + beta.cacheReadTokens());
        assertThat(prompt.getLong("of")).isEqualTo(alpha.promptTokensUpstream() + beta.promptTokensUpstream());
        // gpt-4o-mini: $0.15 input, $0.075 cache read per million tokens
        assertThat(prompt.getLong("saved_nanos")).isEqualTo(Math.round(alpha.cacheReadTokens() * 0.075e-6 * 1e9));

        JsonObject fb = row(o.getJsonArray("fallback"), "app", "beta");
        assertThat(fb.getLong("requests")).isEqualTo(2);
        assertThat(fb.getLong("fallbacks")).isEqualTo(1);
        assertThat(fb.getDouble("share")).isEqualTo(0.5);
        assertThat(fb.getJsonObject("reasons").getLong("error")).isEqualTo(1);
        assertThat(row(o.getJsonArray("fallback"), "app", "alpha").getLong("fallbacks")).isZero();

        JsonObject errors = row(o.getJsonObject("errors").getJsonArray("series"), "deployment", "openai/primary-model");
        assertThat(errors.getLong("total")).as(errors.encode()).isEqualTo(1);
        // the failed attempt keeps the provider's own 500 (the client of a failed call would see 502)
        assertThat(errors.getJsonObject("by_status").getLong("500")).as(errors.encode()).isEqualTo(1);

        JsonObject slow = row(o.getJsonArray("latency"), "deployment", "openai/slow-model");
        assertThat(slow.getLong("requests")).isEqualTo(2);
        assertThat(slow.getLong("p50_ms")).isBetween(DashboardFixture.SLOW_MS, 400L);
        assertThat(slow.getLong("p95_ms")).isBetween(DashboardFixture.SLOW_MS, 400L);
        // The cache hit is not a latency of gpt-4o-mini: 3 upstream calls
        assertThat(row(o.getJsonArray("latency"), "deployment", "openai/gpt-4o-mini").getLong("requests")).isEqualTo(3);
    }

    @Test
    void teamsPageFiguresEqualTheLedgerRowsAndTheAdminApi() {
        JsonObject o = new JsonObject(get("/ui/api/teams", sessionCookie()).body());
        LedgerFigures alpha = DashboardFixture.ledger(gw, "alpha");
        assertThat(o.getJsonArray("days")).hasSize(30);
        // Spend per team: alpha's calls are the team's (its key's team_id); beta's key has no team, so no row
        JsonArray spend = o.getJsonArray("spend_by_team");
        assertThat(spend).as(spend.encode()).hasSize(1);
        JsonObject research = row(spend, "team_id", DashboardFixture.TEAM);
        assertThat(research.getString("team")).isEqualTo("Research");
        assertThat(research.getBoolean("stored")).isTrue();
        assertThat(research.getLong("total_nanos")).isEqualTo(alpha.costNanos()).isPositive();
        assertThat(research.getLong("mtd_spend_nanos")).isEqualTo(alpha.costNanos());
        assertThat(research.getLong("requests")).isEqualTo(alpha.served());
        assertThat(research.getJsonArray("cost_usd")).hasSize(30);
        // the same sum as the ledger's report grouped by team
        JsonObject byTeam = new Admin(gw).getOk("/global/spend/report?group_by=team");
        assertThat(byTeam.encode()).contains(DashboardFixture.TEAM);

        // The stored team: the spend of its budget's period as /team/info answers it, against its $20
        JsonObject team = row(o.getJsonArray("teams"), "team_id", DashboardFixture.TEAM);
        JsonObject info = new Admin(gw).getOk("/team/info?team_id=" + DashboardFixture.TEAM).getJsonObject("team_info");
        assertThat(new BigDecimal(team.getValue("period_spend").toString()))
                .isEqualByComparingTo(info.getValue("spend").toString())
                .isEqualByComparingTo(BigDecimal.valueOf(alpha.costNanos(), 9));
        assertThat(team.getDouble("max_budget")).isEqualTo(20.0);
        assertThat(team.getString("budget_duration")).isEqualTo("30d");
        assertThat(team.getDouble("budget_used")).isCloseTo(alpha.costNanos() / 1e9 / 20, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(team.getInteger("keys")).isEqualTo(1);
        assertThat(team.getLong("mtd_spend_nanos")).isEqualTo(alpha.costNanos());
        assertThat(team.getBoolean("blocked")).isFalse();

        // The stored user: their budget covers calls outside a team, and alpha's are all the team's
        JsonObject ada = row(o.getJsonArray("users"), "user_id", "ada@example.com");
        assertThat(new BigDecimal(ada.getValue("period_spend").toString())).isZero();
        assertThat(ada.getDouble("max_budget")).isEqualTo(5.0);
        assertThat(ada.getDouble("budget_used")).isZero();
        assertThat(ada.getInteger("keys")).isEqualTo(1);
        assertThat(ada.getString("user_email")).isEqualTo("ada@example.com");

        JsonObject acme = row(o.getJsonArray("customers"), "user_id", "acme");
        assertThat(acme.getDouble("max_budget")).isEqualTo(3.0);
        assertThat(new BigDecimal(acme.getValue("period_spend").toString())).isZero();
        assertThat(acme.getBoolean("default_budget")).isFalse();
        assertThat(o.getDouble("compute_ms")).isNotNull();
        assertThat(get("/ui/api/teams?days=0", sessionCookie()).statusCode()).isEqualTo(400);
    }

    @Test
    void requestExplorerShowsTheAttemptChainOfAFallback() {
        String cookie = sessionCookie();
        JsonObject page = new JsonObject(get("/ui/api/requests?key_alias=beta&page_size=10", cookie).body());
        assertThat(page.getLong("total")).isEqualTo(3); // two served calls and the failed attempt
        String fallbackId = null;
        for (Object o : page.getJsonArray("data")) {
            JsonObject r = (JsonObject) o;
            if (String.valueOf(r.getString("route")).startsWith("fallback")) fallbackId = r.getString("request_id");
        }
        assertThat(fallbackId).isNotNull();
        JsonArray rows = new JsonObject(get("/ui/api/requests/" + fallbackId, cookie).body()).getJsonArray("rows");
        assertThat(rows).hasSize(2);
        assertThat(rows.getJsonObject(0).getString("deployment")).isEqualTo("openai/backup-model");
        assertThat(rows.getJsonObject(1).getString("deployment")).isEqualTo("openai/primary-model");
        assertThat(rows.getJsonObject(1).getInteger("status")).as("the provider's own status").isEqualTo(500);
        // The trace view: the request log's row, once its batched writer has written it
        JsonObject log = null;
        for (int i = 0; i < 50 && log == null; i++) {
            log = new JsonObject(get("/ui/api/requests/" + fallbackId, cookie).body()).getJsonObject("log");
            if (log == null) sleep(100);
        }
        assertThat(log).as("the request log's row of " + fallbackId).isNotNull();
        assertThat(log.getString("request_id")).isEqualTo(fallbackId);
        assertThat(log.getString("route")).startsWith("fallback");
        assertThat(log.getString("deployment")).isEqualTo("openai/backup-model");
        assertThat(log.getString("prompt")).isNotBlank();
        assertThat(get("/ui/api/requests/nope", cookie).statusCode()).isEqualTo(404);
        assertThat(get("/ui/api/requests?page_size=100000", cookie).statusCode()).isEqualTo(400);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
