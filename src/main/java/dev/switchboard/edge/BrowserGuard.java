package dev.switchboard.edge;

import dev.switchboard.config.GeneralSettings;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps web pages out. A gateway on loopback without a master key trusts whoever reaches its port, and a browser on
 * the same machine reaches it for any page it shows: a {@code text/plain} or form POST needs no CORS preflight, and
 * a page on a domain the attacker re-points at 127.0.0.1 (DNS rebinding) is even same-origin with the gateway. So:
 * <ul>
 *   <li>{@code Host} must be a loopback name ({@code localhost}), an IP literal (no page can rebind one) or a name in
 *       {@code general_settings.allowed_hosts}: a rebinding page sends its own domain and is refused;</li>
 *   <li>a browser's cross-origin request ({@code Origin} other than the gateway's own, or {@code Sec-Fetch-Site} other
 *       than {@code same-origin} / {@code none}) is refused unless its origin is in
 *       {@code general_settings.cors_allowed_origins}; only then is a CORS preflight answered — with a master key
 *       too, since a page must not be able to spend a key the user typed into it either;</li>
 *   <li>a POST body declared with another type than {@code application/json} is 415 on every POST route: each takes
 *       JSON (or nothing), so the content types a page may send without a preflight (text/plain, forms, multipart)
 *       never reach a route — the routes with a path parameter included, which comparing route paths as text missed.</li>
 * </ul>
 * Non-browser clients (SDKs, curl, agents) send no {@code Origin} or {@code Sec-Fetch-*} headers and are not affected.
 */
final class BrowserGuard {
    /** What a page allowed by CORS may read from our answers besides the CORS-safelisted headers. */
    private static final String EXPOSED = "x-switchboard-request-id, x-switchboard-model, x-switchboard-route, "
            + "x-switchboard-cache, x-switchboard-cost, x-switchboard-tier, x-request-id, request-id, retry-after, "
            // LiteLLM's answer headers, which tools written for LiteLLM read (from a page too)
            + "x-litellm-response-cost, x-litellm-model-id, x-litellm-model-api-base, x-litellm-cache-key, "
            + "x-litellm-attempted-retries, x-litellm-max-retries, x-litellm-attempted-fallbacks, x-litellm-max-fallbacks, "
            + "x-litellm-key-spend, x-litellm-key-max-budget";

    private final Set<String> allowedHosts;
    private final boolean anyHost;
    private final List<String> corsOrigins;
    private final boolean anyOrigin;

    BrowserGuard(GeneralSettings settings) {
        this.anyHost = settings.allowedHosts().contains("*");
        this.allowedHosts = Set.copyOf(settings.allowedHosts());
        this.anyOrigin = settings.corsAllowedOrigins().contains("*");
        this.corsOrigins = settings.corsAllowedOrigins();
    }

    /** The outcome for one request: refused (with the error), a preflight answered, or go on. */
    enum Verdict { PROCEED, ANSWERED }

    /**
     * Checks the request; throws the dialect-neutral error to answer with, answers a preflight itself
     * ({@link Verdict#ANSWERED}), or adds the CORS headers an allowed origin needs and lets the request go on.
     * {@code postRoute} says whether a path is one a POST route takes (asked only for a POST whose body is not JSON).
     */
    Verdict check(HttpServerRequest req, java.util.function.Predicate<String> postRoute) {
        String host = req.getHeader(RequestHeaderNames.HOST);
        if (host != null && !hostAllowed(host)) {
            throw new GatewayException(ErrorKind.PERMISSION, 403, "Host '" + printable(host) + "' is not served here: the "
                    + "gateway answers to localhost, IP addresses and the names in general_settings.allowed_hosts, so "
                    + "that a web page cannot reach it through a DNS name re-pointed at this machine. Fix: add the name "
                    + "to general_settings.allowed_hosts.", null, "host_not_allowed", null, null);
        }
        String origin = req.getHeader(RequestHeaderNames.ORIGIN);
        String site = req.getHeader(RequestHeaderNames.SEC_FETCH_SITE);
        boolean crossSite = site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")
                && !linkFollowed(req, origin);
        boolean foreignOrigin = origin != null && !sameOrigin(origin, host);
        if (foreignOrigin || crossSite) {
            if (origin == null || !corsAllows(origin)) {
                throw new GatewayException(ErrorKind.PERMISSION, 403, "Cross-origin request refused"
                        + (origin == null ? "" : " from " + printable(origin)) + ": web pages may call this gateway only "
                        + "from origins listed in general_settings.cors_allowed_origins.", null,
                        "cross_origin_refused", null, null);
            }
            HttpServerResponse resp = req.response();
            resp.putHeader("access-control-allow-origin", origin).putHeader("vary", "Origin");
            if (req.method() == HttpMethod.OPTIONS && req.getHeader(RequestHeaderNames.ACCESS_CONTROL_REQUEST_METHOD) != null) {
                String asked = req.getHeader(RequestHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
                resp.putHeader("access-control-allow-methods", "GET, POST, DELETE, OPTIONS")
                        .putHeader("access-control-max-age", "600");
                if (asked != null && ForwardedHeaders.clean(asked)) resp.putHeader("access-control-allow-headers", asked);
                resp.setStatusCode(204).end();
                return Verdict.ANSWERED;
            }
            resp.putHeader("access-control-expose-headers", EXPOSED);
        }
        // No Content-Type at all is read as JSON: scripts and plain HTTP clients omit it, and a browser never sends a
        // body without one across origins unless the Origin rule above has already refused it.
        String type = req.getHeader(RequestHeaderNames.CONTENT_TYPE);
        if (type != null && req.method() == HttpMethod.POST && hasBody(req) && !isJson(type) && postRoute.test(req.path())) {
            throw new GatewayException(ErrorKind.BAD_REQUEST, 415, "Unsupported content type '" + printable(type)
                    + "': the body must be JSON, sent with Content-Type: application/json.", null, "unsupported_media_type",
                    null, null);
        }
        return Verdict.PROCEED;
    }

    /**
     * A link to the gateway followed from another site (a top-level GET navigation, e.g. to the dashboard): the page
     * that had the link cannot read the answer, and no GET route changes anything, so it is let through.
     */
    private static boolean linkFollowed(HttpServerRequest req, String origin) {
        return origin == null && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)
                && "navigate".equalsIgnoreCase(req.getHeader(RequestHeaderNames.SEC_FETCH_MODE));
    }

    /**
     * The last Host header let through. Clients send the same one on every request, so the check below (which
     * lowercases, splits and parses) runs once per distinct value instead of once per request; a racy read of a stale
     * value only costs a full check.
     */
    private volatile String lastAllowedHost;

    boolean hostAllowed(String hostHeader) {
        if (anyHost) return true;
        if (hostHeader.equals(lastAllowedHost)) return true;
        boolean ok = checkHost(hostHeader);
        if (ok) lastAllowedHost = hostHeader;
        return ok;
    }

    private boolean checkHost(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) return false;
            name = h.substring(0, end + 1);
            String rest = h.substring(end + 1);
            if (!rest.isEmpty() && !port(rest)) return false;
            return ipv6Literal(name.substring(1, name.length() - 1)) || allowedHosts.contains(name);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (!port(h.substring(colon))) return false;
            name = h.substring(0, colon);
        } else {
            name = h;
        }
        if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
        return name.equals("localhost") || ipv4Literal(name) || allowedHosts.contains(name);
    }

    /** {@code :N} with N a port number. */
    private static boolean port(String colonAndDigits) {
        return number(colonAndDigits, 1, colonAndDigits.length(), 5, 65535);
    }

    /** Four dot-separated decimal numbers of 1-3 digits, each at most 255 (a character loop: no split, no streams). */
    static boolean ipv4Literal(String s) {
        int start = 0;
        for (int part = 0; part < 4; part++) {
            int end = s.indexOf('.', start);
            if (part < 3 ? end < 0 : end >= 0) return false;
            if (part == 3) end = s.length();
            if (!number(s, start, end, 3, 255)) return false;
            start = end + 1;
        }
        return true;
    }

    /** s[from, to) is 1 to maxDigits ASCII digits whose value is at most max. */
    private static boolean number(String s, int from, int to, int maxDigits, int max) {
        int len = to - from;
        if (len < 1 || len > maxDigits) return false;
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
        }
        return v <= max;
    }

    private static boolean ipv6Literal(String s) {
        return !s.isEmpty() && s.contains(":") && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }

    /** The gateway's own pages (a future dashboard) send their own origin: scheme://Host. */
    private static boolean sameOrigin(String origin, String host) {
        if (host == null) return false;
        String o = origin.trim().toLowerCase(Locale.ROOT);
        String h = host.trim().toLowerCase(Locale.ROOT);
        return o.equals("http://" + h) || o.equals("https://" + h);
    }

    private boolean corsAllows(String origin) {
        if (!ForwardedHeaders.clean(origin) || origin.equalsIgnoreCase("null")) return false;
        return anyOrigin || corsOrigins.contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    private static boolean hasBody(HttpServerRequest req) {
        if (req.getHeader(RequestHeaderNames.TRANSFER_ENCODING) != null) return true;
        String length = req.getHeader(RequestHeaderNames.CONTENT_LENGTH);
        return length != null && !length.trim().equals("0");
    }

    /** {@code application/json}, with parameters allowed (a charset, if any, must be UTF-8: we read nothing else). */
    static boolean isJson(String contentType) {
        if (contentType == null) return false;
        if (contentType.equalsIgnoreCase("application/json")) return true; // what nearly every client sends: no split
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) return false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String cs = p.substring(eq + 1).trim().replace("\"", "");
                if (!cs.equalsIgnoreCase("utf-8") && !cs.equalsIgnoreCase("utf8")) return false;
            }
        }
        return true;
    }

    /** A header value quoted in an error: control characters shown as {@code ?}, at most 200 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 200 ? b + "…" : b.toString();
    }
}
