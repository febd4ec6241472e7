package dev.switchboard.edge;

import dev.switchboard.edge.admin.AdminRoutes;
import dev.switchboard.edge.anthropic.AnthropicRoutes;
import dev.switchboard.edge.openai.OpenAiRoutes;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * All routes of the server. A request no route takes is answered in its path's dialect: Anthropic's error
 * shape under {@code /v1/messages}, OpenAI's everywhere else; 404 for an unknown path, 405 with
 * {@code Allow} for a known path asked with the wrong method.
 */
final class EdgeRouter {
    private static final String ANTHROPIC_PREFIX = "/v1/messages";

    private EdgeRouter() {}

    static Router build(Vertx vertx, EdgeContext edge, dev.switchboard.edge.ui.UiSessions uiSessions) {
        Router router = Router.router(vertx);
        // First of all routes: the browser guard and the forwarded-header check (see BrowserGuard, ForwardedHeaders)
        BrowserGuard guard = new BrowserGuard(edge.gateway().config().general());
        PostRoutes posts = new PostRoutes(); // filled once every route is mounted
        java.util.function.Predicate<String> postRoute = posts::takes;
        router.route().handler(rc -> {
            try {
                ForwardedHeaders.check(rc.request());
                if (guard.check(rc.request(), postRoute) == BrowserGuard.Verdict.PROCEED) rc.next();
            } catch (GatewayException e) {
                errorAnswer(edge, rc.request().path()).accept(rc.response(), e);
            }
        });
        router.get("/health/liveliness").handler(rc -> health(rc, edge, "\"I'm alive!\""));
        router.get("/health/liveness").handler(rc -> health(rc, edge, "\"I'm alive!\""));
        router.get("/health/readiness").handler(rc -> readiness(vertx, rc, edge));
        OpenAiRoutes openai = new OpenAiRoutes(edge);
        AnthropicRoutes anthropic = new AnthropicRoutes(edge);
        anthropic.mountModels(router); // before OpenAI's: it takes only callers that send anthropic-version
        openai.mount(router);
        new dev.switchboard.edge.responses.ResponsesRoutes(edge).mount(router);
        anthropic.mount(router);
        new AdminRoutes(vertx, edge, openai.call()).mount(router);
        new dev.switchboard.edge.admin.ObserveRoutes(vertx, edge, openai.call()).mount(router);
        new dev.switchboard.edge.ui.UiRoutes(vertx, edge, openai.call(), uiSessions).mount(router);
        // No catch-all route: vertx-web tells 404 (no path matched) from 405 (the path matched, the method did
        // not) only when no route takes the request, and hands each to its error handler.
        BiConsumer<RoutingContext, GatewayException> unrouted = (rc, e) -> {
            if (speaksAnthropic(rc)) anthropic.error(rc, e);
            else openai.error(rc, e);
        };
        router.errorHandler(404, rc -> {
            // one of LiteLLM's routes that is not built here says so, and what to use instead, rather than "Invalid URL"
            String unbuilt = dev.switchboard.edge.admin.UnbuiltLiteLlmRoutes.describe(rc.request().method().name(), rc.request().path());
            unrouted.accept(rc, new GatewayException(ErrorKind.NOT_FOUND, 404, unbuilt != null ? unbuilt
                    : "Invalid URL (" + rc.request().method() + " " + rc.request().path() + ")" + doubledVersionHint(rc),
                    null, "unknown_url", null, null));
        });
        // A request vertx-web itself rejects before any route runs (e.g. an invalid %-escape in the path)
        router.errorHandler(400, rc -> unrouted.accept(rc, GatewayException.badRequest("Bad request: "
                + (rc.failure() == null || rc.failure().getMessage() == null ? "malformed request" : rc.failure().getMessage()), null)));
        posts.fill(router);
        router.errorHandler(405, rc -> {
            String allow = allowedMethods(router, rc.request().path());
            rc.response().putHeader("allow", allow);
            unrouted.accept(rc, new GatewayException(ErrorKind.BAD_REQUEST, 405,
                    "Method " + rc.request().method() + " is not allowed on " + rc.request().path() + ". Allowed: "
                            + allow + ".", null, "method_not_allowed", null, null));
        });
        return router;
    }

    /**
     * Readiness: the config's models and the store, which is asked on a worker thread (a query, at most a second). 503
     * when the store does not answer, so an orchestrator keeps traffic away from a gateway that cannot record spend.
     * Only a caller with the master key (or anyone, when there is none) learns the detail — the store, the model count;
     * others get ready or not, which is all a probe needs.
     */
    private static void readiness(Vertx vertx, RoutingContext rc, EdgeContext edge) {
        boolean detail = seesDetail(edge, rc.request());
        vertx.executeBlocking(() -> edge.gateway().storeReady(), false).onComplete(ar -> {
            boolean up = ar.succeeded() && ar.result();
            rc.response().setStatusCode(up ? 200 : 503);
            String status = "{\"status\":\"" + (up ? "healthy" : "unhealthy") + "\"";
            if (!detail) {
                health(rc, edge, status + "}");
                return;
            }
            String store = edge.gateway().storeDescription().replace("\\", "\\\\").replace("\"", "\\\"");
            String cache = edge.gateway().cacheAdmin().type(); // LiteLLM's readiness field: the cache's type, or null
            health(rc, edge, status + ",\"models\":" + edge.gateway().aliases().size()
                    + ",\"db\":\"" + (up ? "connected" : "disconnected") + "\",\"store\":\"" + store + "\""
                    + ",\"cache\":" + (cache == null ? "null" : "\"" + cache.replace("\"", "") + "\"") + "}");
        });
    }

    /** The master key presented (or none configured); a wrong or virtual key is not an error here, just no detail. */
    private static boolean seesDetail(EdgeContext edge, io.vertx.core.http.HttpServerRequest req) {
        try {
            return edge.authenticate(req).admin();
        } catch (GatewayException e) {
            return false;
        }
    }

    /**
     * Answers an error outside any route's own handling (the guard, the HTTP parser) in the path's dialect, with a
     * request id. Dialect objects are cheap to build and this is never the hot path.
     */
    static java.util.function.BiConsumer<io.vertx.core.http.HttpServerResponse, GatewayException> errorAnswer(EdgeContext edge, String path) {
        DialectCall call = path != null && isAnthropicPath(path) ? new AnthropicRoutes(edge).call() : new OpenAiRoutes(edge).call();
        return (resp, e) -> {
            call.identify(resp);
            call.fail(resp, e);
        };
    }

    /** The error JSON for a request path, in its dialect (for answers written below Vert.x, see FramingErrors). */
    static java.util.function.BiFunction<String, GatewayException, io.vertx.core.buffer.Buffer> errorBodies() {
        dev.switchboard.edge.openai.OpenAiResponseEncoder openai = new dev.switchboard.edge.openai.OpenAiResponseEncoder();
        dev.switchboard.edge.anthropic.AnthropicResponseEncoder anthropic = new dev.switchboard.edge.anthropic.AnthropicResponseEncoder();
        return (path, e) -> path != null && isAnthropicPath(path) ? anthropic.error(e) : openai.error(e);
    }

    /**
     * Requests the HTTP decoder itself refused (a bad Content-Length or Transfer-Encoding, a request line over the
     * limit: 414, headers over it: 431, a broken chunk size): Vert.x's default answers these with an empty body; here
     * they get the status it would pick and the path's error shape, and the connection is closed after the answer.
     */
    /**
     * Netty's reason without the header value it quotes after a colon ("a header value contains a prohibited
     * character '\x01': Bearer sk-…"): that value can be a key, which must not come back in an answer (found by FuzzIT).
     */
    static String withoutQuotedValue(String message) {
        int colon = message.indexOf(": ");
        return colon < 0 ? message : message.substring(0, colon);
    }

    static io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> invalidRequests(EdgeContext edge) {
        return req -> {
            Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
            int status = cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? 414
                    : cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException ? 431 : 400;
            String what = switch (status) {
                case 414 -> "The request line (method, path and query) is too long; the limit is 16 KiB.";
                case 431 -> "The request headers are too large; the limit is 64 KiB.";
                default -> "Malformed HTTP request" + (cause == null || cause.getMessage() == null ? "."
                        : ": " + BrowserGuard.printable(withoutQuotedValue(cause.getMessage())) + ".");
            };
            String path;
            try {
                path = req.path();
            } catch (RuntimeException e) {
                path = null;
            }
            io.vertx.core.http.HttpServerResponse resp = req.response();
            resp.putHeader("connection", "close");
            DialectCall call = path != null && isAnthropicPath(path) ? new AnthropicRoutes(edge).call() : new OpenAiRoutes(edge).call();
            call.identify(resp);
            call.fail(resp, new GatewayException(ErrorKind.BAD_REQUEST, status, what, null,
                    status == 400 ? "malformed_request" : status == 414 ? "uri_too_long" : "headers_too_large", null, null))
                    .onComplete(v -> req.connection().close());
        };
    }

    /** Health answers carry a request id too, like every other answer (the README promises it). */
    private static void health(RoutingContext rc, EdgeContext edge, String body) {
        rc.response().putHeader(SwitchboardHeaders.REQUEST_ID, edge.requestIds().next())
                .putHeader("content-type", "application/json").end(body);
    }

    /**
     * The dialect of an unrouted request: Anthropic's under {@code /v1/messages}, also when the client doubled the
     * version ({@code /v1/v1/messages}: a base URL ending in /v1, to which the Anthropic SDKs add their own), and for
     * a doubled models path asked by an Anthropic SDK (which always sends {@code anthropic-version}).
     */
    private static boolean speaksAnthropic(RoutingContext rc) {
        String path = rc.request().path();
        if (isAnthropicPath(path)) return true;
        String single = withoutDoubledVersion(path);
        return single != null && (isAnthropicPath(single)
                || single.startsWith("/v1/models") && rc.request().headers().contains("anthropic-version"));
    }

    /** The path with one {@code /v1} removed when it starts with {@code /v1/v1/}, else null. */
    static String withoutDoubledVersion(String path) {
        return path != null && path.startsWith("/v1/v1/") ? path.substring(3) : null;
    }

    private static String doubledVersionHint(RoutingContext rc) {
        String single = withoutDoubledVersion(rc.request().path());
        if (single == null) return "";
        return speaksAnthropic(rc)
                ? ". The path has /v1 twice: Anthropic's SDKs add /v1 themselves, so drop the /v1 from the base URL"
                        + " (ANTHROPIC_BASE_URL=http://host:port, not http://host:port/v1); the endpoint is " + single + "."
                : ". The path has /v1 twice: the client adds /v1 itself, so drop one /v1 from the base URL; the endpoint is "
                        + single + ".";
    }

    /** {@code /v1/messages} and below speak Anthropic's dialect, so their errors use its shape. */
    static boolean isAnthropicPath(String path) {
        return path.startsWith(ANTHROPIC_PREFIX)
                && (path.length() == ANTHROPIC_PREFIX.length() || path.charAt(ANTHROPIC_PREFIX.length()) == '/');
    }

    /**
     * The methods the router serves on a path, for the 405's {@code Allow} header. vertx-web computes the same
     * set but keeps it private, so the routes are read again: exact paths (which vertx-web also matches with a
     * trailing slash) and paths with {@code :name} parameters ({@code /v1/responses/:id}), whose route path is the
     * pattern, so comparing it as text found nothing and the 405 said "Allowed: ." A literal path names its own
     * resource: where one matches ({@code /v1/responses/input_tokens}), the parameter routes that would also match it
     * ({@code /v1/responses/:id}) are not its methods. Runs only on a wrong method, never on the hot path.
     */
    static String allowedMethods(Router router, String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        TreeSet<String> literal = new TreeSet<>();
        TreeSet<String> parameterized = new TreeSet<>();
        router.getRoutes().forEach(r -> {
            if (r.getPath() == null || r.methods() == null) return; // a route for every method answers itself
            boolean hasParams = r.getPath().contains("/:");
            if (hasParams ? matchesPattern(r.getPath(), p) : p.equals(r.getPath())) {
                r.methods().stream().map(HttpMethod::name).forEach((hasParams ? parameterized : literal)::add);
            }
        });
        return String.join(", ", literal.isEmpty() ? parameterized : literal);
    }

    /**
     * The paths some POST route takes, for the browser guard's JSON-only rule: literal paths (with or without a trailing
     * slash, as vertx-web matches them), {@code :name} patterns ({@code /ui/api/keys/:op}) and regex routes (named by
     * their regex: {@code /key/(?<ref>[^/]+)/regenerate}). Asked only for a POST whose body is not JSON, never on the
     * hot path; an unknown path keeps its 404.
     */
    static final class PostRoutes {
        private final java.util.Set<String> literal = new java.util.HashSet<>();
        private final java.util.List<String> patterns = new java.util.ArrayList<>();
        private final java.util.List<java.util.regex.Pattern> regexes = new java.util.ArrayList<>();

        void fill(Router router) {
            router.getRoutes().forEach(r -> {
                if (r.methods() == null || !r.methods().contains(HttpMethod.POST)) return;
                if (r.getPath() != null && r.getPath().contains("/:")) {
                    patterns.add(r.getPath()); // vertx-web makes these regex routes too: their path is the pattern
                } else if (r.isRegexPath()) {
                    if (r.getName() == null) throw new IllegalStateException("a POST regex route needs its regex as its name");
                    regexes.add(java.util.regex.Pattern.compile(r.getName()));
                } else if (r.getPath() != null) {
                    literal.add(r.getPath());
                }
            });
        }

        boolean takes(String path) {
            if (path == null) return false;
            String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (literal.contains(p)) return true;
            for (String pattern : patterns) if (matchesPattern(pattern, p)) return true;
            for (java.util.regex.Pattern r : regexes) if (r.matcher(p).matches()) return true;
            return false;
        }
    }

    /** Whether {@code path} fits a route pattern segment by segment, a {@code :name} segment taking any non-empty one. */
    static boolean matchesPattern(String pattern, String path) {
        String[] want = pattern.split("/", -1);
        String[] got = path.split("/", -1);
        if (want.length != got.length) return false;
        for (int i = 0; i < want.length; i++) {
            boolean param = want[i].startsWith(":");
            if (param ? got[i].isEmpty() : !want[i].equals(got[i])) return false;
        }
        return true;
    }
}
