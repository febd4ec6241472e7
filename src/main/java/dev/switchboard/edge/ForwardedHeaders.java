package dev.switchboard.edge;

import dev.switchboard.model.GatewayException;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.Map;

/**
 * The request headers the gateway reads or passes on to a provider ({@code anthropic-beta}, {@code anthropic-version},
 * OpenAI's {@code openai-organization} / {@code openai-project}, {@code cache-control} and every {@code x-switchboard-*}
 * control) must be plain text of a sane length: a control character would reach the provider's request or our log,
 * and a 60 KB value is no one's feature flag. Anything else is a 400 naming the header, before authentication reads
 * the body.
 */
final class ForwardedHeaders {
    /** Far above any real value (Anthropic's longest beta lists are a few hundred bytes). */
    static final int MAX_LENGTH = 8 * 1024;

    private ForwardedHeaders() {}

    static void check(HttpServerRequest req) {
        for (Map.Entry<CharSequence, CharSequence> h : RequestHeaderNames.entries(req.headers())) {
            if (!forwarded(h.getKey())) continue; // most headers: no allocation on this path
            String name = h.getKey().toString().toLowerCase(Locale.ROOT);
            String value = h.getValue().toString();
            if (value.length() > MAX_LENGTH) {
                throw GatewayException.badRequest("Header " + name + " is " + value.length() + " characters long; the limit is "
                        + MAX_LENGTH + ".", null);
            }
            if (!clean(value)) {
                throw GatewayException.badRequest("Header " + name + " contains a control character; header values must be "
                        + "plain text.", null);
            }
        }
    }

    static boolean forwarded(CharSequence name) {
        return RequestHeaderNames.startsWith(name, "anthropic-") || RequestHeaderNames.startsWith(name, "openai-")
                || RequestHeaderNames.startsWith(name, "x-switchboard-")
                || io.netty.util.AsciiString.contentEqualsIgnoreCase(name, "cache-control")
                || io.netty.util.AsciiString.contentEqualsIgnoreCase(name, "origin");
    }

    /** No control characters other than a tab (what an HTTP field value may hold). */
    static boolean clean(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
        }
        return true;
    }
}
