package dev.switchboard.provider.vertex;

import com.google.api.client.http.HttpResponseException;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import dev.switchboard.provider.ProviderSecrets;
import dev.switchboard.provider.UpstreamAuth;
import dev.switchboard.provider.UpstreamErrors;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vertex AI's bearer tokens for one set of credentials, cached and refreshed before they expire. A request takes the
 * cached token at once; the exchange with Google's token endpoint (a signed JWT for a service account, a refresh
 * token for a user) is a blocking HTTP call inside google-auth-library, so it runs on a Vert.x worker thread, never on
 * an event loop, and concurrent requests share one exchange. A token is refreshed in the background from
 * {@link #REFRESH_BEFORE} before its expiry (requests keep using it meanwhile), and a request waits for a new one only
 * when the token is gone or within {@link #USABLE_UNTIL} of its end (a request may take that long to reach Google).
 */
final class AccessTokens implements UpstreamAuth {
    private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    static final Duration USABLE_UNTIL = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final VertexCredentials source;
    private final String owner;
    private final LongSupplier clock;
    private final ProviderSecrets secrets;
    private volatile GoogleCredentials credentials; // loaded on the first refresh (application-default lookups may block)
    private volatile Token current;
    private Future<Token> refreshing; // guarded by this

    private record Token(String header, long expiresAtMillis, long refreshAtMillis) {}

    /**
     * @param owner the deployment that made these credentials' tokens first (others with the same credentials share
     *     them), for the log
     * @param secrets each token is registered there when minted: the token is the deployment's key for its hour, so an
     *     upstream that echoes it, a log line or a trace must find it masked as a configured key is
     */
    AccessTokens(Vertx vertx, VertexCredentials source, String owner, LongSupplier clock, ProviderSecrets secrets) {
        this.vertx = vertx;
        this.source = source;
        this.owner = owner;
        this.clock = clock;
        this.secrets = secrets;
    }

    @Override
    public Future<MultiMap> sign(MultiMap headers) {
        return token().map(header -> headers.set("authorization", header));
    }

    /**
     * These tokens as one deployment's requests take them. The tokens are shared by every deployment with the same
     * credentials, but a failure to get one is told to the caller as the called deployment's, and in general words:
     * which service account, which file, and what Google's token endpoint said are the operator's to read, in the
     * gateway's log, never any caller's (a virtual key of another team, say), nor the request log's or a trace's.
     */
    UpstreamAuth forDeployment(String deploymentId) {
        return new UpstreamAuth() {
            @Override
            public Future<MultiMap> sign(MultiMap headers) {
                Future<MultiMap> signed = AccessTokens.this.sign(headers);
                if (signed.succeeded()) return signed; // the cached token: no extra step on the hot path
                return signed.recover(e -> Future.failedFuture(e instanceof NoToken n ? n.toCaller(deploymentId) : e));
            }

            @Override
            public void refused() { AccessTokens.this.refused(); }
        };
    }

    /** No token could be had: {@code refused} when Google refused the credentials, else it could not be asked or failed. */
    static final class NoToken extends RuntimeException {
        final boolean refused;

        NoToken(boolean refused) {
            super(refused ? "Google refused the credentials" : "no access token", null, false, false);
            this.refused = refused;
        }

        /** The caller's error, in words that name the deployment called and nothing of its credentials. */
        GatewayException toCaller(String deploymentId) {
            if (refused) {
                return UpstreamErrors.fromStatus(401, "Vertex AI: Google refused the gateway's credentials for " + deploymentId
                        + ", so no access token could be had (the gateway's log says why).", "authentication_error", null,
                        "invalid_credentials", null, deploymentId, null);
            }
            return GatewayException.of(ErrorKind.UPSTREAM, "Vertex AI: the gateway could not get an access token for "
                    + deploymentId + " (the gateway's log says why).");
        }
    }

    @Override
    public void refused() {
        current = null; // Vertex refused it (revoked, expired early): the next request fetches a new one
    }

    /** {@code Bearer <token>}, from the cache when it is usable. */
    Future<String> token() {
        Token t = current;
        long now = clock.getAsLong();
        if (t != null && now < t.expiresAtMillis - USABLE_UNTIL.toMillis()) {
            if (now >= t.refreshAtMillis) refresh(); // in the background: this request keeps the current token
            return Future.succeededFuture(t.header);
        }
        return refresh().map(Token::header);
    }

    private synchronized Future<Token> refresh() {
        if (refreshing != null) return refreshing;
        Promise<Token> done = Promise.promise();
        refreshing = done.future();
        vertx.<Token>executeBlocking(this::exchange, false).onComplete(ar -> {
            synchronized (this) {
                refreshing = null;
            }
            if (ar.succeeded()) {
                current = ar.result();
                done.complete(ar.result());
            } else {
                done.fail(ar.cause());
            }
        });
        return done.future();
    }

    /** The blocking part: load the credentials once, then ask Google's token endpoint for a new access token. */
    private Token exchange() {
        try {
            if (credentials == null) credentials = source.load().call();
            AccessToken token = credentials.refreshAccessToken();
            long now = clock.getAsLong();
            long expires = token.getExpirationTime() == null ? now + Duration.ofHours(1).toMillis() : token.getExpirationTime().getTime();
            // Refresh 5 minutes early, or halfway for a token that lives less than 10 minutes: the later of the two
            // (the earlier one would refresh an hour's token after 30 minutes).
            long refreshAt = Math.max(now, Math.max(expires - REFRESH_BEFORE.toMillis(), now + (expires - now) / 2));
            secrets.add(token.getTokenValue(), expires); // before any request carries it
            log.debug("vertex_ai: new access token for {} ({}), valid {} s", owner, source.description(), (expires - now) / 1000);
            return new Token("Bearer " + token.getTokenValue(), expires, refreshAt);
        } catch (Exception e) {
            throw failure(e);
        }
    }

    /**
     * The credentials were refused (the token endpoint's 400/401/403: a revoked key, a wrong signature, a deleted
     * account) → 401, so the router falls back as for a rejected key; anything else (no credentials found, the
     * endpoint unreachable or failing) → 502. The token endpoint's own words, the credentials' description (service
     * account, file path) and the deployments sharing them go to the gateway's log; the caller is told only that
     * ({@link NoToken#toCaller}).
     */
    private NoToken failure(Exception e) {
        HttpResponseException http = null;
        for (Throwable t = e; t != null && http == null; t = t.getCause()) if (t instanceof HttpResponseException h) http = h;
        String detail = http != null ? "the token endpoint answered HTTP " + http.getStatusCode() + (http.getContent() == null ? ""
                : ": " + oneLine(http.getContent())) : oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        String message = "Vertex AI credentials of " + owner + " (" + source.description() + ") gave no access token: " + detail;
        log.warn("{}", LogSafe.text(message));
        return new NoToken(http != null && http.getStatusCode() >= 400 && http.getStatusCode() < 500);
    }

    /** Google's token endpoint answers pretty-printed JSON: one line of it, bounded. */
    private static String oneLine(String s) {
        String line = s.strip().replaceAll("\\s+", " ");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
