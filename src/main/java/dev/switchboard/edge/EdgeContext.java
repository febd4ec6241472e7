package dev.switchboard.edge;

import dev.switchboard.model.RequestIds;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.http.HttpServerRequest;

/**
 * What every route handler shares: the gateway, request ids, the body limit, the time a body may take to
 * arrive, the start time, the shutdown drain (for the streams it cuts), and the limiter of failed authentications
 * every route authenticates through.
 */
public record EdgeContext(Gateway gateway, RequestIds requestIds, long maxBodyBytes, long bodyDeadlineMillis,
                          long startedEpochSeconds, Drain drain, AuthThrottle authThrottle) {

    /**
     * Who is calling, from the key the request presents: {@link dev.switchboard.govern.Authenticator#authenticate}, with
     * failed keys counted per client address ({@link AuthThrottle}). Every route authenticates here.
     *
     * @throws dev.switchboard.model.GatewayException 401 for a refused key, 429 while the client's address is locked out
     */
    public dev.switchboard.model.Caller authenticate(HttpServerRequest req) {
        return authenticate(req, presentedKey(req));
    }

    /**
     * As {@link #authenticate(HttpServerRequest)}, for a model call: a key that matches no key here is first looked up in
     * the store ({@link dev.switchboard.govern.KeyAdmin#lookUp}), since another gateway on the database may have made it
     * since this one's last key sync (a key generated through a load balancer and used at once). The request is paused
     * meanwhile, so its body waits; the look-up is bounded by {@link #KEY_LOOKUP_MILLIS}, after which the 401 stands.
     * Completes on the request's context; a key this gateway knows costs nothing more.
     */
    public io.vertx.core.Future<dev.switchboard.model.Caller> authenticateCall(HttpServerRequest req) {
        String key = presentedKey(req);
        io.vertx.core.Future<Boolean> lookup;
        try {
            return io.vertx.core.Future.succeededFuture(authenticate(req, key, false));
        } catch (dev.switchboard.model.GatewayException e) {
            // the client's address (a /64 for IPv6, as the throttle groups them) holds its share of the misses, so one
            // client's invented keys leave the others' new keys their look-ups; read only for a key this gateway does not know
            lookup = dev.switchboard.govern.Authenticator.unknownKey(e) ? gateway.keys().lookUp(key, lookUpClient(req)) : null;
            if (lookup == null) {
                try {
                    failed(req, key, e);
                } catch (dev.switchboard.model.GatewayException lockedOut) {
                    // the guess that locks the address out is answered with the lockout's 429, as authenticate() does;
                    // thrown from here it escaped the returned future and the route answered 500
                    return io.vertx.core.Future.failedFuture(lockedOut);
                }
                return io.vertx.core.Future.failedFuture(e);
            }
        }
        req.pause();
        // the look-up may be shared with calls on other event loops: its end is brought back to this call's own
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        long timer = context.owner().setTimer(KEY_LOOKUP_MILLIS, id -> done.tryComplete());
        lookup.onComplete(ar -> context.runOnContext(v -> {
            context.owner().cancelTimer(timer);
            done.tryComplete();
        }));
        return done.future().map(v -> {
            try {
                return authenticate(req, key); // the store's row is in memory now, or the 401 stands
            } catch (dev.switchboard.model.GatewayException e) {
                req.resume(); // the body is not read: let it go as an at-once refusal's does (the reader resumes it on success)
                throw e;
            }
        });
    }

    /** The longest a call waits for its unknown key's look-up in the store (then it is refused as unknown). */
    static final long KEY_LOOKUP_MILLIS = dev.switchboard.govern.KeyAdmin.KEY_LOOKUP_MILLIS;

    /** As {@link #authenticate(HttpServerRequest)}, for a key that came another way (the dashboard's login form). */
    public dev.switchboard.model.Caller authenticate(HttpServerRequest req, String key) {
        return authenticate(req, key, true);
    }

    private dev.switchboard.model.Caller authenticate(HttpServerRequest req, String key, boolean countFailure) {
        dev.switchboard.model.Caller caller;
        try {
            caller = gateway.authenticator().authenticate(key);
        } catch (dev.switchboard.model.GatewayException e) {
            if (countFailure) failed(req, key, e);
            throw e;
        }
        // the successful path: one volatile read, unless some address is locked out right now
        if (caller == dev.switchboard.model.Caller.MASTER && authThrottle.anyLocked()) authThrottle.check(clientAddress(req));
        return caller;
    }

    /** Counts a refused key against the client's address when it may be a guess at the master key. */
    private void failed(HttpServerRequest req, String key, dev.switchboard.model.GatewayException e) {
        // only a key that matches no key at all counts: not an expired or blocked virtual key an app keeps sending
        // (all clients may share one address behind Docker or an ingress), a refused JWT or a stale sk-sb- key
        if (gateway.authenticator().mayGuessTheMasterKey(key, e)) authThrottle.failed(clientAddress(req));
    }

    private static String lookUpClient(HttpServerRequest req) {
        String a = clientAddress(req);
        return a == null ? null : AuthThrottle.group(a);
    }

    private static String clientAddress(HttpServerRequest req) {
        io.vertx.core.net.SocketAddress a = req.remoteAddress();
        return a == null ? null : a.hostAddress();
    }

    /**
     * The alias when this gateway serves it to this caller; else 404 {@code model_not_found}, listing the ones it does
     * (a virtual key sees only the models its allowlist names, as in its model list). A virtual key's own alias is known
     * when the model it leads to is. A name a wildcard matches but a call would refuse (400 {@code param: model}: not a
     * plain model id there, no provider here, no price while a budget holds the caller) does not exist either: the same
     * 404 as an unknown name, as OpenAI answers. Checked without making the name's routing group or price entry
     * ({@link dev.switchboard.pipeline.Gateway#nameRefusal}), so a client asking about invented names leaves nothing.
     */
    public String knownAlias(String alias, dev.switchboard.model.Caller caller) {
        if (usable(alias, caller)) return alias;
        throw dev.switchboard.model.GatewayException.modelNotFound(alias, aliasesFor(caller));
    }

    private boolean usable(String alias, dev.switchboard.model.Caller caller) {
        String to = caller.modelFor(alias);
        return gateway.serves(to) && (!restricted(caller) || gateway.allows(caller, to)) && gateway.nameRefusal(caller, to) == null;
    }

    /**
     * The alias of a call that reaches no model ({@code count_tokens}), answered as a call would be: 404 when no
     * deployment serves it, 403 when it is served but the caller's key or token may not use it, 400 {@code param: model}
     * when a wildcard matches it but a call would refuse it ({@link dev.switchboard.pipeline.Gateway#nameRefusal}: the
     * call's own refusal, found without making anything).
     */
    public String usableAlias(String alias, dev.switchboard.model.Caller caller) {
        String to = caller.modelFor(alias); // a virtual key's own alias: the model it leads to is what is checked
        if (!gateway.serves(to)) throw dev.switchboard.model.GatewayException.modelNotFound(alias, aliasesFor(caller));
        if (restricted(caller) && !gateway.allows(caller, to)) {
            // the words a call would get when a team's or a user's list refuses it; the key's own refusal names the
            // alias asked for and lists what the key may call, its own aliases too
            dev.switchboard.model.GatewayException why = gateway.modelRefusal(caller, to);
            if (why != null && !"model_not_allowed".equals(why.code())) throw why;
            throw dev.switchboard.model.GatewayException.modelNotAllowed(alias, aliasesFor(caller));
        }
        dev.switchboard.model.GatewayException refused = gateway.nameRefusal(caller, to); // the call's 400 for the name itself
        if (refused != null) throw refused;
        return alias;
    }

    /**
     * The aliases the caller may use, in config order: all of them, or a virtual key's allowlist; then a virtual key's
     * own aliases (in the key's order) whose models it may use, so a client that picks from the list finds them.
     */
    public java.util.Set<String> aliasesFor(dev.switchboard.model.Caller caller) {
        java.util.Set<String> all = gateway.listedModels();
        if (!restricted(caller) && caller.modelAliases().isEmpty()) return all;
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String a : all) {
            // a name the key's own alias takes elsewhere is listed (below) by what calling it reaches, not by its name
            if (caller.modelAliases().containsKey(a)) continue;
            if (!restricted(caller) || gateway.allows(caller, a)) out.add(a);
        }
        for (String a : caller.modelAliases().keySet()) if (usable(a, caller)) out.add(a);
        return out;
    }

    /** A virtual key (its allowlist), a JWT whose scopes name its models, or a token of a team or a user (their models). */
    private static boolean restricted(dev.switchboard.model.Caller caller) {
        return caller.virtualKey() || caller.modelsRestricted() || ofATeamOrUser(caller);
    }

    private static boolean ofATeamOrUser(dev.switchboard.model.Caller caller) {
        for (String t : caller.tags()) if (t.startsWith("team:") || t.startsWith("user:")) return true;
        return false;
    }

    /**
     * The client's {@code x-switchboard-*} headers as {@link dev.switchboard.model.CallContext#hints()}, and its
     * {@code User-Agent} when {@code userAgent} (tag routing matches it: Gateway#routesByUserAgent).
     *
     * @throws dev.switchboard.model.GatewayException 400 for an {@code x-switchboard-} name that is no request header
     *                                                of ours ({@link ControlHeaders})
     */
    public static java.util.Map<String, String> hints(HttpServerRequest req, boolean userAgent) {
        java.util.Map<String, String> out = null;
        boolean customer = false;
        for (java.util.Map.Entry<CharSequence, CharSequence> h : RequestHeaderNames.entries(req.headers())) {
            CharSequence name = h.getKey();
            if (name.length() >= ControlHeaders.PREFIX && RequestHeaderNames.startsWith(name, dev.switchboard.model.CallContext.HINT_PREFIX)) {
                // a known control's hint, null for a name of ours that sets nothing (an echoed response header); an
                // unknown name is a 400 naming it (ControlHeaders), so a misspelt control is never silently dropped
                String hint = ControlHeaders.hint(name);
                if (hint == null) continue;
                if (out == null) out = new java.util.HashMap<>();
                out.put(hint, h.getValue().toString());
            } else if (name.length() == 14 && io.netty.util.AsciiString.contentEqualsIgnoreCase(name, LITELLM_TAGS)) {
                // LiteLLM's x-litellm-tags: the call's tags, as x-switchboard-tags (CallTags)
                if (out == null) out = new java.util.HashMap<>();
                out.put(dev.switchboard.model.CallTags.LITELLM_HINT, h.getValue().toString());
            } else if (litellmControl(name) instanceof String hint) {
                // LiteLLM's x-litellm-timeout, -stream-timeout, -num-retries: the request's routing controls, as the
                // x-switchboard- ones (which win when both are sent, a bad LiteLLM value still a 400: route.RequestControls)
                if (out == null) out = new java.util.HashMap<>();
                out.put(hint, h.getValue().toString());
            } else if (name.length() == 21 && io.netty.util.AsciiString.contentEqualsIgnoreCase(name, LITELLM_CUSTOMER)) {
                // LiteLLM's end-user headers name whom the call is for (model.EndUserOf); a customer id that is not blank
                // wins, whichever header comes first
                String v = h.getValue().toString().trim();
                if (v.isEmpty()) continue;
                if (out == null) out = new java.util.HashMap<>();
                out.put(END_USER_HINT, v);
                customer = true;
            } else if (name.length() == 21 && io.netty.util.AsciiString.contentEqualsIgnoreCase(name, LITELLM_END_USER)) {
                String v = h.getValue().toString().trim();
                if (v.isEmpty() || customer) continue;
                if (out == null) out = new java.util.HashMap<>();
                out.put(END_USER_HINT, v);
            }
        }
        // The HTTP Cache-Control header is a per-request cache control too (the response cache reads it as a hint)
        // (all its lines: HTTP combines several Cache-Control lines into one list; review, 2026-12-07: only the first was read)
        java.util.List<String> cacheControls = req.headers().getAll(RequestHeaderNames.CACHE_CONTROL);
        String cacheControl = cacheControls.isEmpty() ? null : cacheControls.size() == 1 ? cacheControls.get(0) : String.join(", ", cacheControls);
        if (cacheControl != null) {
            if (out == null) out = new java.util.HashMap<>();
            out.put("cache-control", cacheControl);
        }
        if (userAgent) {
            String ua = req.getHeader(io.vertx.core.http.HttpHeaders.USER_AGENT);
            if (ua != null) {
                if (out == null) out = new java.util.HashMap<>();
                out.put(dev.switchboard.model.CallTags.USER_AGENT_HINT, ua);
            }
        }
        // W3C trace context: the observer continues the client's trace
        for (String name : TRACE_HEADERS) {
            String v = req.getHeader(name);
            if (v != null) {
                if (out == null) out = new java.util.HashMap<>();
                out.put(name, v);
            }
        }
        return out == null ? java.util.Map.of() : out;
    }

    /**
     * The hint of one of LiteLLM's per-request routing headers ({@code x-litellm-timeout}, {@code x-litellm-stream-timeout},
     * {@code x-litellm-num-retries}: its request-headers page), else null. Before 2026-12-07 they were ignored: a LiteLLM
     * client's {@code x-litellm-num-retries: 0} still made three attempts.
     */
    private static String litellmControl(CharSequence name) {
        if (name.length() < 17 || !RequestHeaderNames.startsWith(name, "x-litellm-")) return null;
        for (String[] c : LITELLM_CONTROLS) {
            if (io.netty.util.AsciiString.contentEqualsIgnoreCase(name, c[0])) return c[1];
        }
        return null;
    }

    private static final String[][] LITELLM_CONTROLS = {
            {"x-litellm-timeout", dev.switchboard.model.CallContext.LITELLM_TIMEOUT_HINT},
            {"x-litellm-stream-timeout", dev.switchboard.model.CallContext.LITELLM_STREAM_TIMEOUT_HINT},
            {"x-litellm-num-retries", dev.switchboard.model.CallContext.LITELLM_NUM_RETRIES_HINT}};

    private static final String[] TRACE_HEADERS = {"traceparent", "tracestate"};
    private static final String LITELLM_TAGS = "x-litellm-tags";
    private static final String LITELLM_CUSTOMER = "x-litellm-customer-id";
    private static final String LITELLM_END_USER = "x-litellm-end-user-id";
    /** The hint of the end user a LiteLLM header names ({@link dev.switchboard.model.EndUserOf}). */
    private static final String END_USER_HINT = dev.switchboard.model.EndUserOf.HINT;

    /**
     * The key a client presents: LiteLLM's {@code x-litellm-api-key} first, as LiteLLM reads it (its key beside an
     * {@code Authorization} that carries another service's credential, e.g. a Vertex or Bedrock SDK's; {@code Bearer }
     * optional), then {@code Authorization: Bearer …} (OpenAI), then {@code x-api-key} (Anthropic).
     */
    public static String presentedKey(HttpServerRequest req) {
        String litellm = req.getHeader(RequestHeaderNames.X_LITELLM_API_KEY);
        if (litellm != null && !litellm.isBlank()) return withoutBearer(litellm);
        String auth = req.getHeader(RequestHeaderNames.AUTHORIZATION);
        if (auth != null) return withoutBearer(auth);
        return req.getHeader(RequestHeaderNames.X_API_KEY);
    }

    private static String withoutBearer(String header) {
        String a = header.trim();
        return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : a;
    }
}
