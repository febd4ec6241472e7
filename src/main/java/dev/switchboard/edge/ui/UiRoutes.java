package dev.switchboard.edge.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.SpendQuery;
import dev.switchboard.account.SpendReports;
import dev.switchboard.edge.DialectCall;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.edge.admin.KeyLabel;
import dev.switchboard.edge.admin.QueryParams;
import dev.switchboard.edge.admin.SpendJson;
import dev.switchboard.edge.admin.TimeRange;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The dashboard at {@code /ui}: a master-key login that opens a server-side session (cookie {@value #COOKIE}:
 * {@code HttpOnly}, {@code SameSite=Strict}, {@code Path=/ui}, {@code Secure} over TLS), the page and its files, and
 * the JSON it reads under {@code /ui/api/} (the session, or the master key in {@code Authorization}, as the admin API
 * takes it). Writes ({@code POST /ui/api/keys/...}) also need the header {@code x-switchboard-ui: 1}, which a form on
 * another site cannot send. Database work runs on worker threads.
 */
public final class UiRoutes {
    static final String COOKIE = "sb_ui_session";
    static final String WRITE_HEADER = "x-switchboard-ui";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    private static final long FAILED_LOGIN_DELAY_MILLIS = 300;
    /** The refused view counts no more matching request-log rows than this (the page says 10,000+). */
    static final long REFUSED_COUNT_CAP = 10_000;
    private static final long LOGIN_BODY_BYTES = 4096;
    private static final long KEY_OP_BODY_BYTES = 64 * 1024;
    /** Keys a page of the Keys tab lists (and the most {@code /ui/api/keys?page_size} takes). */
    static final int KEYS_PAGE = 1000;
    private static final Map<String, String> KEY_OPS = Map.of("generate", "generate", "update", "update", "block", "block",
            "unblock", "unblock", "delete", "delete", "regenerate", "regenerate");

    private final Vertx vertx;
    private final EdgeContext edge;
    private final DialectCall call;
    private final UiSessions sessions;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UiRoutes.class);
    /** Whether a CSV download (requestsCsv) is being sent: one at a time in the process (shared by every instance). */
    private final java.util.concurrent.atomic.AtomicBoolean csvExport;
    private final UiAssets assets = new UiAssets();
    private final DashboardFigures figures;
    private final TeamFigures teamFigures;

    /**
     * @param call     the OpenAI dialect's call helper (request ids, OpenAI-shaped errors), as the admin API uses
     * @param sessions shared by every server instance, so a login on one event loop holds on all
     */
    public UiRoutes(Vertx vertx, EdgeContext edge, DialectCall call, UiSessions sessions) {
        this.vertx = vertx;
        this.edge = edge;
        this.call = call;
        this.sessions = sessions;
        this.csvExport = sessions.csvDownload;
        this.figures = new DashboardFigures(edge.gateway());
        this.teamFigures = new TeamFigures(edge.gateway());
    }

    public void mount(Router router) {
        // vertx-web matches "/ui" and "/ui/" alike: one route, and the page's relative links need the slash
        router.getWithRegex("/ui/?").handler(rc -> {
            if (!rc.request().path().endsWith("/")) redirect(rc, "/ui/");
            else if (!hasSession(rc)) redirect(rc, "/ui/login");
            else page(rc.response(), 200, assets.ours("index.html"));
        });
        router.get("/ui/login").handler(rc -> {
            if (hasSession(rc)) redirect(rc, "/ui/");
            else page(rc.response(), 200, loginPage());
        });
        // No vertx-web BodyHandler anywhere: it writes multipart uploads to ./file-uploads before any route runs (and
        // never deletes them). Bodies are read by DialectCall.body, in memory, within a limit, after authentication.
        router.post("/ui/login").handler(rc -> {
            call.identify(rc.response());
            noStore(rc.response());
            call.body(rc.request(), LOGIN_BODY_BYTES, body -> login(rc, body));
        });
        // A JSON POST from the page's script, like the login (the browser guard refuses form posts)
        router.post("/ui/logout").handler(rc -> {
            sessions.end(sessionId(rc));
            rc.response().addCookie(cookie("", 0, rc.request().isSSL()));
            noStore(rc.response());
            json(rc.response(), DashboardFigures.JSON.createObjectNode().put("ok", true).put("location", "/ui/login"));
        });
        router.get("/ui/static/:name").handler(rc -> {
            UiAssets.Asset a = assets.ours(rc.pathParam("name"));
            if (a == null || a.contentType().startsWith("text/html")) rc.next();
            else file(rc.response(), a);
        });
        router.get("/ui/vendor/echarts.min.js").handler(rc -> file(rc.response(), assets.echarts()));
        api(router);
    }

    private void api(Router router) {
        get(router, "/ui/api/session", Set.of(), rc -> Future.succeededFuture(null));
        get(router, "/ui/api/overview", Set.of("days"), rc -> {
            int days = intParam(rc.request(), "days", 30, 1, 366);
            return vertx.executeBlocking(() -> {
                long t0 = System.nanoTime();
                ObjectNode out = figures.overview(days, System.currentTimeMillis());
                out.put("compute_ms", (System.nanoTime() - t0) / 1_000_000.0);
                return out;
            }, false);
        });
        get(router, "/ui/api/teams", Set.of("days"), rc -> {
            int days = intParam(rc.request(), "days", 30, 1, 366);
            var gw = edge.gateway();
            long t0 = System.nanoTime();
            // what the admin API answers for each row (budget, the spend of its period), then the rollup's days; the
            // users by spend, most first (each user's spend is one ledger read, as /user/list sorted by spend reads it)
            Future<ArrayNode> teams = gw.teams().list(null, null);
            Future<ObjectNode> users = gw.users().list(null, null, null, "spend", "desc", 1, 1000);
            Future<ArrayNode> customers = gw.customers().list();
            return Future.all(teams, users, customers).compose(all -> vertx.executeBlocking(() -> {
                ObjectNode out = teamFigures.page(days, System.currentTimeMillis(), teams.result(), users.result(), customers.result());
                out.put("compute_ms", (System.nanoTime() - t0) / 1_000_000.0);
                return out;
            }, false));
        });
        get(router, "/ui/api/requests", Set.of("page", "page_size", "app", "key_alias", "key_id", "model", "tag", "status", "since"), rc -> {
            HttpServerRequest q = rc.request();
            int page = intParam(q, "page", 1, 1, 1_000_000);
            int size = intParam(q, "page_size", 25, 1, 200);
            RequestsFilter f = requestsFilter(q);
            return vertx.executeBlocking(() -> requestsPage(f, page, size), false);
        });
        // The same rows as a CSV file (a download link on the Requests view): the same filters, at most
        // REFUSED_COUNT_CAP rows (newest first), read in keyset pages (short transactions, none held while the client
        // is slow; no count, the filter resolved once); a file cut there ends with a line saying so. One file at a time:
        // each holds a worker while it is sent, and a second download meanwhile is a 429 rather than a second such read
        router.get("/ui/api/requests.csv").handler(rc -> {
            HttpServerResponse resp = rc.response();
            call.identify(resp);
            noStore(resp);
            try {
                requireAuthorized(rc);
                QueryParams.readable(rc.request());
                QueryParams.only(rc.queryParams(), Set.of("app", "key_alias", "key_id", "model", "tag", "status", "since"));
                RequestsFilter f = requestsFilter(rc.request());
                if (!csvExport.compareAndSet(false, true)) {
                    throw new GatewayException(ErrorKind.RATE_LIMIT, 429, "Another CSV download of the requests is being "
                            + "written; one is written at a time. Retry when it has finished.", null, "export_in_progress", null, 5L);
                }
                // streamed (CsvDownload): the rows read on a worker and sent in chunks as they are read, the read
                // waiting while the client's socket is full. The flag covers the whole download: cleared once the last
                // byte has gone to the socket, or the read or the write failed, or the client went away or stalled
                String file = f.status() == null ? "requests" : "refused-requests";
                Future<Void> sending;
                try {
                    sending = CsvDownload.send(vertx.getOrCreateContext(), resp, REFUSED_COUNT_CAP, row -> requestsCsv(f, row),
                            r -> r.putHeader("content-type", "text/csv; charset=utf-8")
                                    .putHeader("content-disposition", "attachment; filename=\"" + file + ".csv\"")
                                    .putHeader("x-content-type-options", "nosniff"),
                            call::fail);
                } catch (RuntimeException e) {
                    csvExport.set(false); // never left set by a download that did not start
                    throw e;
                }
                sending.onComplete(sent -> {
                    csvExport.set(false);
                    // after the first byte a failure reaches no one but the log (the client sees a reset); a client
                    // gone or stalled is its own doing, not worth a warning
                    if (sent.failed() && !(sent.cause() instanceof CsvDownload.Gone)) {
                        log.warn("CSV download of the requests failed: {}", sent.cause().toString());
                    }
                });
            } catch (Throwable t) {
                call.fail(resp, t);
            }
        });
        get(router, "/ui/api/requests/:id", Set.of(), rc -> {
            String id = rc.pathParam("id");
            return vertx.executeBlocking(() -> {
                var rows = edge.gateway().spend().request(id);
                // a refused request (or one that failed on every attempt before any row was metered) has only its
                // request-log row: the panel shows that, with its error, rather than a 404
                var log = edge.gateway().requestLog(id);
                if (rows.isEmpty() && log == null) {
                    throw new GatewayException(ErrorKind.NOT_FOUND, 404, "No ledger or request-log row has the request id '" + id + "'.",
                            null, "not_found", null, null);
                }
                ObjectNode out = DashboardFigures.JSON.createObjectNode();
                out.put("request_id", id);
                var attempts = out.putArray("rows");
                rows.forEach(r -> attempts.add(SpendJson.row(r)));
                // The request log's row (prompt and completion as the key's policy keeps them, trace id, TTFT): the
                // trace view of one request. Null when the log is off, or its batched writer has not written it yet.
                if (log == null) out.putNull("log");
                else out.set("log", dev.switchboard.edge.admin.ObserveRoutes.json(log));
                return out;
            }, false);
        });
        // each key's spend is read from the ledger (every gateway's calls): on a worker. A page of keys (newest first) with
        // total_count and total_pages, so the Keys tab can say how many there are and page past the first 1,000
        get(router, "/ui/api/keys", Set.of("page", "page_size"), rc -> {
            int page = intParam(rc.request(), "page", 1, 1, 1_000_000);
            int size = intParam(rc.request(), "page_size", KEYS_PAGE, 1, KEYS_PAGE);
            var keys = edge.gateway().keys();
            return vertx.executeBlocking(() -> {
                ObjectNode out = keys.list(page, size, null, true);
                // what Regenerate's grace field starts at: LITELLM_KEY_ROTATION_GRACE_PERIOD (null: the old secret stops at once)
                out.put("grace_period_default", keys.defaultGracePeriod());
                return out;
            }, false);
        });
        router.post("/ui/api/keys/:op").handler(rc -> {
            HttpServerResponse resp = rc.response();
            call.identify(resp);
            noStore(resp);
            String op;
            try {
                // who is asking, and what, before a byte of the body is read
                requireAuthorized(rc);
                if (!"1".equals(rc.request().getHeader(WRITE_HEADER))) {
                    throw GatewayException.badRequest("Changes from the dashboard need the header '" + WRITE_HEADER + ": 1'.", null);
                }
                op = KEY_OPS.get(rc.pathParam("op"));
                if (op == null) {
                    throw new GatewayException(ErrorKind.NOT_FOUND, 404, "Unknown key operation '" + rc.pathParam("op")
                            + "'. Known: " + new java.util.TreeSet<>(KEY_OPS.keySet()) + ".", null, "unknown_url", null, null);
                }
            } catch (Throwable t) {
                call.fail(resp, t);
                return;
            }
            call.body(rc.request(), KEY_OP_BODY_BYTES, raw -> {
                ObjectNode body = body(raw);
                var keys = edge.gateway().keys();
                Future<ObjectNode> f = switch (op) {
                    case "generate" -> keys.generate(body);
                    case "update" -> keys.update(body);
                    case "block" -> keys.block(body, true);
                    case "unblock" -> keys.block(body, false);
                    case "delete" -> keys.delete(body);
                    default -> keys.regenerate(body);
                };
                f.onComplete(ar -> {
                    if (ar.succeeded()) json(resp, ar.result());
                    else call.fail(resp, ar.cause());
                });
            });
        });
    }

    /** The Requests view's filters, checked on the event loop (a bad one is a 400 before any work). */
    private record RequestsFilter(SpendQuery filters, String app, String status) {}

    private static RequestsFilter requestsFilter(HttpServerRequest q) {
        // since: the last 1h, 24h, 7d… (the /logs and /spend routes' form); status: "error" or a code other than 200
        // lists the requests that did not succeed (refused by a key's budget, rate limit, allowlist or expiry, or
        // failed on every attempt) from the request log, one row a request with its error: the ledger has no row
        // for a call that was never metered, so without it "why were my agent's calls refused?" had no answer here
        TimeRange range = TimeRange.parse(null, null, blankToNull(q.getParam("since")), System.currentTimeMillis());
        String status = blankToNull(q.getParam("status"));
        if (status != null && !status.equals("error") && !(status.matches("[1-5][0-9][0-9]") && !status.equals("200"))) {
            throw GatewayException.badRequest("'status' must be error (every request that did not succeed) or an HTTP "
                    + "status other than 200 such as 429, found '" + status + "'.", "status");
        }
        SpendQuery filters = new SpendQuery(blankToNull(q.getParam("key_id")), blankToNull(q.getParam("key_alias")),
                blankToNull(q.getParam("tag")), blankToNull(q.getParam("model")), range.fromMillis(), range.toMillis());
        return new RequestsFilter(filters, blankToNull(q.getParam("app")), status);
    }

    /**
     * The Requests view's rows for its CSV file, newest first, at most REFUSED_COUNT_CAP of them, each handed to
     * {@code row} as the store reads it (named as {@code /ui/api/requests} names its cells); whether more matched.
     * Blocking: on a worker.
     */
    private boolean requestsCsv(RequestsFilter f, java.util.function.Consumer<JsonNode> row) {
        var gw = edge.gateway();
        SpendReports spend = gw.spend();
        SpendQuery query = AppFilter.narrow(f.filters(), f.app(), gw.keys(),
                f.status() != null ? gw::keyIdsCalledAs : spend::keyIdsCalledAs);
        int cap = (int) REFUSED_COUNT_CAP;
        return f.status() != null
                ? gw.exportRequestLogs(AppFilter.logQuery(query, f.status()), cap, r -> row.accept(
                        dev.switchboard.edge.admin.ObserveRoutes.json(r).put("attempt", 0)
                                .put("app", KeyLabel.of(gw.keys(), r.keyId(), r.keyAlias()).app())))
                : spend.export(query, cap, r -> row.accept(SpendJson.row(r)
                        .put("app", KeyLabel.of(gw.keys(), r.keyId(), r.keyAlias()).app())));
    }

    /** One page of the Requests view's rows. Blocking: on a worker. */
    private ObjectNode requestsPage(RequestsFilter f, int page, int size) {
        String status = f.status();
        // app: what the page's App column and the overview show (AppFilter), which its filter box sends
        var gw = edge.gateway();
        SpendReports spend = gw.spend();
        // a deleted key's calls are found by the ids of the keys that made calls under its alias: in the refused view
        // the request log's rows count too (a deleted key whose every call was refused has no ledger row)
        SpendQuery query = AppFilter.narrow(f.filters(), f.app(), gw.keys(),
                status != null ? gw::keyIdsCalledAs : spend::keyIdsCalledAs);
        ObjectNode out = DashboardFigures.JSON.createObjectNode();
        var data = out.putArray("data");
        long total;
        int at;
        int pageSize;
        if (status != null) {
            // the count stops at REFUSED_COUNT_CAP: status error has no index, and a long log would be read
            // whole for the count alone (the page itself stops at its rows); the page says "10,000+"
            var p = gw.requestLogs(AppFilter.logQuery(query, status), page, size, REFUSED_COUNT_CAP);
            p.rows().forEach(r -> {
                ObjectNode row = dev.switchboard.edge.admin.ObserveRoutes.json(r);
                row.remove("prompt"); // the request's panel shows them; a page of 25 need not carry them
                row.remove("completion");
                data.add(row.put("attempt", 0).put("app", KeyLabel.of(gw.keys(), r.keyId(), r.keyAlias()).app()));
            });
            total = p.total();
            at = p.page();
            pageSize = p.pageSize();
            if (p.totalCapped()) out.put("total_capped", true);
            // an empty page is not "none refused" when the log is off (or rows are past its retention)
            out.put("log_enabled", gw.requestLogEnabled());
            if (gw.requestLogRetentionDays() != null) out.put("log_retention_days", gw.requestLogRetentionDays());
        } else {
            SpendReports.Page p = spend.logs(query, page, size);
            // each row also says its app as the overview names it: the key's alias now (a deleted key's marked)
            p.rows().forEach(r -> data.add(SpendJson.row(r)
                    .put("app", KeyLabel.of(gw.keys(), r.keyId(), r.keyAlias()).app())));
            total = p.total();
            at = p.page();
            pageSize = p.pageSize();
        }
        out.put("total", total);
        out.put("page", at);
        out.put("page_size", pageSize);
        return out;
    }

    /**
     * {@code POST /ui/login} with {@code {"master_key": "..."}} as JSON (the login page's script sends it): the gateway's
     * browser guard lets no form post reach a route, so a page on another site cannot post a login either.
     */
    private void login(RoutingContext rc, Buffer raw) {
        HttpServerResponse resp = rc.response();
        String key;
        try {
            JsonNode k = body(raw).get("master_key");
            if (k == null || !k.isTextual()) throw GatewayException.badRequest("Send {\"master_key\": \"...\"}.", "master_key");
            key = k.textValue().trim();
        } catch (GatewayException e) {
            call.fail(resp, e);
            return;
        }
        Caller caller = null;
        try {
            caller = edge.authenticate(rc.request(), key); // a wrong key counts against the address (AuthThrottle)
        } catch (GatewayException e) {
            if (e.status() == 429) { // the address is locked out: the answer says so, whatever the key
                call.fail(resp, e);
                return;
            }
            // a wrong key: the same answer as a virtual key, below
        }
        // The master key, or anyone where no key is required; never a token: an admin JWT is checked at each request
        // against its exp and the IdP's keys, a session would hold for 12 hours whatever became of the token (QA
        // security finding 2). A JWT may still call /ui/api/ with each request, as the admin API takes it.
        if (caller == Caller.MASTER || caller == Caller.ANONYMOUS) {
            resp.addCookie(cookie(sessions.create(), UiSessions.TTL_MILLIS / 1000, rc.request().isSSL()));
            json(resp, DashboardFigures.JSON.createObjectNode().put("ok", true).put("location", "/ui/"));
            return;
        }
        // A pause per failed try makes a person's typo cost little and a script's guess more; what limits guessing is the
        // lockout of an address after repeated failures (AuthThrottle). The key comparison itself is constant-time.
        String why = caller != null && caller.admin()
                ? "A JWT does not log in to the dashboard (a session would outlive the token). The dashboard takes the "
                        + "gateway's master key only; a script may send an admin token as 'Authorization: Bearer' to /ui/api/."
                : "That is not the master key. The dashboard takes the gateway's master key only.";
        vertx.setTimer(FAILED_LOGIN_DELAY_MILLIS, t -> call.fail(resp, new GatewayException(ErrorKind.AUTHENTICATION, 401,
                why, null, "invalid_api_key", null, null)));
    }

    private static Cookie cookie(String value, long maxAgeSeconds, boolean tls) {
        return Cookie.cookie(COOKIE, value).setPath("/ui").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(tls).setMaxAge(maxAgeSeconds);
    }

    private static String sessionId(RoutingContext rc) {
        Cookie c = rc.request().getCookie(COOKIE);
        return c == null || c.getValue().isEmpty() ? null : c.getValue();
    }

    private boolean hasSession(RoutingContext rc) { return sessions.valid(sessionId(rc)); }

    /** The session, or the master key as the admin API takes it. */
    private void requireAuthorized(RoutingContext rc) {
        if (hasSession(rc)) return;
        String presented = EdgeContext.presentedKey(rc.request());
        if (presented != null) {
            Caller caller = edge.authenticate(rc.request(), presented);
            if (caller.admin()) return;
            throw new GatewayException(ErrorKind.PERMISSION, 403, "The dashboard's API needs the master key; a virtual key "
                    + "cannot read it.", null, "admin_only", null, null);
        }
        throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "Log in at /ui/login (or send the master key as "
                + "'Authorization: Bearer <key>').", null, "login_required", null, null);
    }

    /**
     * A read of the dashboard's API. Its query is checked as the admin API checks its own (QueryParams): a parameter the
     * route does not take is a 400 naming it, not ignored (a misspelt filter, {@code modle=gpt}, answered every row as
     * if unfiltered), and a query with a bad %-escape is a 400, not the decoder's exception as a 500.
     */
    private void get(Router router, String path, Set<String> params, Function<RoutingContext, Future<ObjectNode>> op) {
        router.get(path).handler(rc -> {
            HttpServerResponse resp = rc.response();
            call.identify(resp);
            noStore(resp);
            try {
                requireAuthorized(rc);
                QueryParams.readable(rc.request());
                // the query's own parameters: the router adds a route's path parameters (/ui/api/requests/:id) to the
                // request's, so a query id beside the path's passed as a path parameter (it was ignored without a word)
                QueryParams.only(rc.queryParams(), params);
                op.apply(rc).onComplete(ar -> {
                    if (ar.succeeded()) json(resp, ar.result() == null ? DashboardFigures.JSON.createObjectNode().put("ok", true) : ar.result());
                    else call.fail(resp, ar.cause());
                });
            } catch (Throwable t) {
                call.fail(resp, t);
            }
        });
    }

    private static ObjectNode body(Buffer b) {
        if (b == null || b.length() == 0) return DashboardFigures.JSON.createObjectNode();
        try {
            // the dashboard's key operations are admin calls: a field given twice is refused, as on /key/*
            JsonNode n = dev.switchboard.edge.JsonBody.readNoDuplicateKeys(b.getBytes());
            if (n instanceof ObjectNode o) return o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw GatewayException.badRequest("We could not parse the JSON body: " + dev.switchboard.edge.JsonSyntax.describe(e) + ".", null);
        } catch (java.io.IOException e) {
            // answered below
        }
        throw GatewayException.badRequest("The request body must be a JSON object.", null);
    }

    private String loginPage() {
        String html = new String(assets.ours("login.html").bytes(), StandardCharsets.UTF_8);
        String note = !edge.gateway().authenticator().required()
                ? "<p class=\"note\">No master key is configured: this gateway listens on loopback only, and any key (or none) logs in.</p>"
                : "";
        return html.replace("<!--notes-->", note);
    }

    private static void redirect(RoutingContext rc, String to) {
        rc.response().setStatusCode(rc.request().method().name().equals("POST") ? 303 : 302).putHeader("location", to).end();
    }

    private static void page(HttpServerResponse resp, int status, UiAssets.Asset a) {
        page(resp, status, new String(a.bytes(), StandardCharsets.UTF_8));
    }

    private static void page(HttpServerResponse resp, int status, String html) {
        if (resp.closed()) return;
        noStore(resp);
        resp.setStatusCode(status).putHeader("content-type", "text/html; charset=utf-8")
                .putHeader("content-security-policy", CSP).putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer").putHeader("x-frame-options", "DENY").end(html);
    }

    private static void file(HttpServerResponse resp, UiAssets.Asset a) {
        resp.putHeader("content-type", a.contentType()).putHeader("x-content-type-options", "nosniff")
                .putHeader("cache-control", "no-cache").end(Buffer.buffer(a.bytes()));
    }

    private static void noStore(HttpServerResponse resp) { resp.putHeader("cache-control", "no-store"); }

    private static void json(HttpServerResponse resp, ObjectNode body) {
        if (resp.closed()) return;
        try {
            resp.putHeader("content-type", "application/json").end(Buffer.buffer(DashboardFigures.JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int intParam(HttpServerRequest q, String name, int dflt, int min, int max) {
        String v = q.getParam(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) throw GatewayException.badRequest("'" + name + "' must be between " + min + " and " + max + ".", name);
            return n;
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("'" + name + "' must be a whole number, found '" + v + "'.", name);
        }
    }

    private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s.trim(); }
}
