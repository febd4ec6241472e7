package dev.switchboard.edge;

/**
 * The request headers the edge reads on every call, named by Netty's {@code AsciiString}: it keeps its hash, where a
 * String name is hashed again by each lookup (a dozen lookups a request; with the response's names, this hashing was
 * about 2 % of a non-stream request's event loop).
 */
final class RequestHeaderNames {
    static final CharSequence ACCESS_CONTROL_REQUEST_HEADERS = SwitchboardHeaders.optimized("access-control-request-headers");
    static final CharSequence ACCESS_CONTROL_REQUEST_METHOD = SwitchboardHeaders.optimized("access-control-request-method");
    static final CharSequence AUTHORIZATION = SwitchboardHeaders.optimized("authorization");
    static final CharSequence CACHE_CONTROL = SwitchboardHeaders.optimized("cache-control");
    static final CharSequence CONTENT_LENGTH = SwitchboardHeaders.optimized("content-length");
    static final CharSequence CONTENT_TYPE = SwitchboardHeaders.optimized("content-type");
    static final CharSequence CONTENT_ENCODING = SwitchboardHeaders.optimized("content-encoding");
    static final CharSequence HOST = SwitchboardHeaders.optimized("host");
    static final CharSequence ORIGIN = SwitchboardHeaders.optimized("origin");
    static final CharSequence SEC_FETCH_MODE = SwitchboardHeaders.optimized("sec-fetch-mode");
    static final CharSequence SEC_FETCH_SITE = SwitchboardHeaders.optimized("sec-fetch-site");
    static final CharSequence TRANSFER_ENCODING = SwitchboardHeaders.optimized("transfer-encoding");
    static final CharSequence X_API_KEY = SwitchboardHeaders.optimized("x-api-key");
    static final CharSequence X_LITELLM_API_KEY = SwitchboardHeaders.optimized("x-litellm-api-key");

    private RequestHeaderNames() {}

    /**
     * A request's headers as they are stored, for a walk over all of them: Vert.x's HTTP/1.x map iterates its own entries
     * this way, where its {@code Map.Entry<String, String>} iterator wraps each entry and turns a name Netty decoded as an
     * {@code AsciiString} (the common ones) into a new String. Other maps (HTTP/2's) are walked as strings.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Iterable<java.util.Map.Entry<CharSequence, CharSequence>> entries(io.vertx.core.MultiMap headers) {
        if (headers instanceof io.netty.handler.codec.http.HttpHeaders netty) return netty::iteratorCharSequence;
        return (Iterable) headers;
    }

    /** Whether {@code name} starts with {@code prefix} (lower case), ignoring the case of ASCII letters. */
    static boolean startsWith(CharSequence name, String prefix) {
        return io.netty.util.AsciiString.regionMatches(name, true, 0, prefix, 0, prefix.length());
    }
}
