package dev.switchboard.edge;

import dev.switchboard.model.GatewayException;
import io.netty.util.AsciiString;

/**
 * The {@code x-switchboard-*} request headers a call reads, and the refusal of any other name in that namespace.
 *
 * <p>Before 2026-12-07 every {@code x-switchboard-*} header became a hint and a stage read the ones it knew, so a
 * misspelt control ({@code x-switchboard-teir}, {@code x-switchboard-fallback}) was dropped without a word and the
 * caller believed it had taken effect. LiteLLM reads the x-litellm- headers it knows and passes over the rest; our rule
 * is that bad input gets a clear error, so an unknown name in our own namespace is a 400 naming it, the known controls
 * and the nearest one. Names of ours that a client or a proxy may legitimately send back are not refused: our response
 * headers (a client that replays an answer's headers, a proxy that copies them) and the dashboard's write header. They
 * set nothing. {@code x-switchboard-tier} is both a response header and a control: it is read as the control.
 */
final class ControlHeaders {
    /** {@code x-switchboard-} */
    static final int PREFIX = dev.switchboard.model.CallContext.HINT_PREFIX.length();

    /** The controls, as the hint each stage reads ({@code x-switchboard-<hint>}): route.RequestControls, CallTags. */
    static final String[] CONTROLS = {"tier", "timeout", "stream-timeout", "num-retries", "fallbacks", "tags"};

    /**
     * Our names a request may carry without meaning a control: the response headers of DESIGN §4 and of the cache, the
     * trace, the lint and the token count (see SwitchboardHeaders, pipeline.CacheStage, .ObserveStage, .CacheLintStage,
     * the count_tokens routes), and the dashboard's {@code x-switchboard-ui}. Read as nothing.
     */
    static final String[] ECHOED = {"model", "route", "cache", "cost", "request-id", "cache-entry", "cache-age",
            "cache-similarity", "cache-verified", "cache-lint", "token-count", "trace-id", "ui"};

    private ControlHeaders() {}

    /**
     * The hint of {@code name}, a header name that starts with {@code x-switchboard-} in any case: a control's hint (a
     * constant, so nothing is allocated), null for a name of ours that sets nothing ({@link #ECHOED}).
     *
     * @throws GatewayException 400 naming the header, the known controls and the nearest of them
     */
    static String hint(CharSequence name) {
        int n = name.length() - PREFIX;
        for (String c : CONTROLS) if (is(name, n, c)) return c;
        for (String e : ECHOED) if (is(name, n, e)) return null;
        throw unknown(name.toString());
    }

    private static boolean is(CharSequence name, int n, String rest) {
        return rest.length() == n && AsciiString.regionMatches(name, true, PREFIX, rest, 0, n);
    }

    /** The refusal of an unknown name (only on this failure path is anything built). */
    static GatewayException unknown(String header) {
        String lower = header.toLowerCase(java.util.Locale.ROOT);
        java.util.List<String> known = new java.util.ArrayList<>(CONTROLS.length);
        for (String c : CONTROLS) known.add(dev.switchboard.model.CallContext.HINT_PREFIX + c);
        // compared without the prefix, so the distance allowed is that of the part the caller typed
        String near = dev.switchboard.config.KeySuggestions.closest(lower.substring(PREFIX), java.util.List.of(CONTROLS));
        return GatewayException.badRequest("Unknown request header '" + header + "': no x-switchboard- request header of "
                + "that name, so it would set nothing." + (near == null ? "" : " Did you mean x-switchboard-" + near + "?")
                + " The request headers are " + String.join(", ", known) + " (the answer's own x-switchboard- headers "
                + "may be sent back and are ignored).", lower);
    }
}
