package dev.switchboard.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A request's own cache controls: LiteLLM's body field {@code cache: {"no-cache", "no-store", "ttl", "s-maxage",
 * "namespace", "use-cache"}} and the HTTP {@code Cache-Control} header ({@code no-cache}, {@code no-store}, {@code max-age=N} read as
 * s-maxage). {@code no-cache}: do not answer from the cache (the fresh answer is still stored); {@code no-store}: do not
 * store this answer; {@code ttl}: keep it this many seconds; {@code s-maxage}: accept only an entry at most this old;
 * {@code semantic}: {@code false} keeps the request out of the semantic cache, {@code true} lets it in even with a
 * temperature above 0, tools or an image (which the safe defaults keep out); {@code use-cache}: {@code true} opts this
 * request in when the config's {@code mode} is LiteLLM's {@code default_off} (LiteLLM reads it only then, and so does
 * Switchboard; there is no header for it in LiteLLM, so none here either).
 *
 * @param maxAgeMillis the strictest age limit given ({@code s-maxage}, {@code max-age}), in milliseconds: LiteLLM reads
 *                     {@code s-maxage} as float seconds, so {@code 0.5} is 500 ms; null without one
 * @param used the control names the request used, for a key's {@code allowed_cache_controls}
 */
public record CacheControls(boolean noCache, boolean noStore, Long ttlSeconds, Long maxAgeMillis, String namespace,
                            List<String> used, Boolean semantic, boolean useCache) {
    public static final CacheControls NONE = new CacheControls(false, false, null, null, null, List.of(), null, false);
    private static final Set<String> KNOWN = Set.of("no-cache", "no-store", "ttl", "s-maxage", "namespace", "semantic", "use-cache");

    /**
     * @param body   the request's {@code cache} field, or null
     * @param header its {@code Cache-Control} header, or null
     * @throws GatewayException 400 naming the field for a control that is not one, or of the wrong type
     */
    public static CacheControls parse(JsonNode body, String header) {
        if (body == null && header == null) return NONE;
        boolean noCache = false, noStore = false, useCache = false;
        Long ttl = null, maxAge = null;
        String ns = null;
        Boolean semantic = null;
        List<String> used = new ArrayList<>();
        if (body != null && !body.isNull()) {
            if (!body.isObject()) throw GatewayException.badRequest("'cache' must be an object such as {\"no-cache\": true}.", "cache");
            for (var it = body.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                // LiteLLM reads s-maxage under a second spelling too, which wins when both are given (caching.py:
                // cache.get("s-max-age", cache.get("s-maxage"))); QA (2026-12-07): it was a 400 "Unknown cache control"
                if (f.equals("s-max-age")) {
                    maxAge = maxAgeMillis(body.get(f), f);
                    used.add("s-maxage");
                    continue;
                }
                if (!KNOWN.contains(f)) {
                    throw GatewayException.badRequest("Unknown cache control 'cache." + f + "'. Known: no-cache, no-store, ttl, s-maxage, namespace, semantic, use-cache.", "cache." + f);
                }
                JsonNode v = body.get(f);
                switch (f) {
                    case "no-cache" -> noCache = bool(v, f);
                    case "no-store" -> noStore = bool(v, f);
                    case "ttl" -> ttl = seconds(v, f, 1);
                    case "s-maxage" -> { if (!body.has("s-max-age")) maxAge = maxAgeMillis(v, f); }
                    case "semantic" -> semantic = bool(v, f);
                    case "use-cache" -> useCache = bool(v, f);
                    default -> {
                        if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > 200) {
                            throw GatewayException.badRequest("'cache.namespace' must be a non-empty string of at most 200 characters.", "cache.namespace");
                        }
                        ns = v.textValue();
                    }
                }
                // use-cache asks for what mode default_on gives every request (the caller's own namespace): no key needs
                // leave for it, so it is not one of the controls allowed_cache_controls limits
                if (!f.equals("use-cache")) used.add(f);
            }
        }
        if (header != null) {
            for (String d : header.toLowerCase(Locale.ROOT).split(",")) {
                String t = d.strip();
                if (t.equals("no-cache")) { noCache = true; used.add("no-cache"); }
                else if (t.equals("no-store")) { noStore = true; used.add("no-store"); }
                else if (t.equals("max-age") || t.equals("s-maxage") || t.startsWith("max-age=") || t.startsWith("s-maxage=")) {
                    // several limits (the body's s-maxage, max-age and s-maxage in the header, a directive twice): the
                    // strictest holds, whatever their order (review, 2026-12-07: the last one read won)
                    long s = headerSeconds(t), h = s >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : s * 1000;
                    maxAge = maxAge == null ? h : Math.min(maxAge, h);
                    used.add("s-maxage");
                }
                // any other directive (private, no-transform, max-stale, a misspelling) is ignored, as HTTP caches must
                // ignore directives they do not know (RFC 9111 5.2.3)
            }
        }
        return new CacheControls(noCache, noStore, ttl, maxAge, ns, List.copyOf(used), semantic, useCache);
    }

    /**
     * Checks the controls against a key's {@code allowed_cache_controls} (null: every control but {@code namespace},
     * which reads and writes other callers' entries, so a virtual key must be given it by name).
     *
     * @throws GatewayException 403 naming the control, as LiteLLM answers
     */
    public void checkAllowed(List<String> allowed, boolean admin) {
        for (String u : used) {
            boolean ok = admin || (allowed == null ? !u.equals("namespace") : allowed.contains(u));
            if (!ok) {
                throw new GatewayException(ErrorKind.PERMISSION, 403, "Not allowed to set " + u + " as a cache control. Contact admin "
                        + "to change permissions (the key's allowed_cache_controls).", "cache." + u, "cache_control_not_allowed", null, null);
            }
        }
    }

    /**
     * A header's {@code max-age=N} / {@code s-maxage=N}: N is HTTP's delta-seconds, digits only, in the token or the
     * quoted form ({@code max-age="60"}, which recipients accept); one too large to hold is read as a very long time
     * (RFC 9111 1.2.2). No value, a sign or anything else is a 400, as {@code cache.s-maxage} of -1 is (QA: {@code
     * max-age=-3} was taken as 0 and a bare {@code max-age} ignored, both silently, while {@code max-age=abc} was a 400).
     * Not HTTP's reading, deliberately: an HTTP cache takes an invalid freshness value as stale (RFC 9111 4.2.1) and says
     * nothing; a gateway's caller is better told its header is wrong than silently given misses (review, 2026-12-07).
     * {@code only-if-cached} is ignored (the request goes on to the provider on a miss; no 504).
     */
    private static long headerSeconds(String directive) {
        int eq = directive.indexOf('=');
        String v = eq < 0 ? "" : directive.substring(eq + 1).strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
        if (v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw GatewayException.badRequest("Cache-Control '" + directive + "' is not a number of seconds (" + directive.split("=")[0]
                    + "=N, N a whole number of 0 or more).", null);
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The body's {@code s-maxage} (or {@code s-max-age}) in milliseconds: a number of seconds of 0 or more, a fraction
     * too, as LiteLLM (float seconds; review, 2026-12-07: {@code 0.5} was a 400); one too large to hold is a very long time.
     */
    private static Long maxAgeMillis(JsonNode v, String f) {
        if (!v.isNumber() || v.doubleValue() < 0 || Double.isNaN(v.doubleValue())) {
            throw GatewayException.badRequest("'cache." + f + "' must be a number of seconds of 0 or more (a fraction too: 0.5).", "cache." + f);
        }
        if (v.isIntegralNumber()) {
            return !v.canConvertToLong() || v.longValue() >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : v.longValue() * 1000;
        }
        double ms = v.doubleValue() * 1000;
        return ms >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.floor(ms);
    }

    private static boolean bool(JsonNode v, String f) {
        if (!v.isBoolean()) throw GatewayException.badRequest("'cache." + f + "' must be true or false.", "cache." + f);
        return v.booleanValue();
    }

    private static Long seconds(JsonNode v, String f, long min) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min) {
            throw GatewayException.badRequest("'cache." + f + "' must be a whole number of seconds of " + min + " or more.", "cache." + f);
        }
        // an entry's expiry is now + ttl in epoch ms: a ttl past ~292 million years overflowed it into the past, and the
        // answer was silently not stored (Redis refused the SET); ten years is longer than any entry is worth keeping
        if (f.equals("ttl") && v.longValue() > CacheSettings.MAX_TTL_SECONDS) {
            throw GatewayException.badRequest("'cache.ttl' must be at most " + CacheSettings.MAX_TTL_SECONDS
                    + " seconds (10 years), found " + v.longValue() + ".", "cache.ttl");
        }
        return v.longValue();
    }
}
