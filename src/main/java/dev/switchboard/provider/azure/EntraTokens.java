package dev.switchboard.provider.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredentialBuilder;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.ProviderSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entra ID access tokens for a service principal ({@code tenant_id}, {@code client_id}, {@code client_secret}),
 * through azure-identity's {@code ClientSecretCredential}. The credential's call blocks (MSAL over HTTP), so it runs
 * on a Vert.x worker, never on the event loop. The token is kept until {@link #REFRESH_BEFORE} its expiry; from then
 * the next request starts one refresh in the background and still goes out with the old token while it is valid
 * for more than {@link #STILL_USABLE}, so no request waits for Entra except the very first and after a failure.
 * Concurrent requests share one fetch.
 *
 * <p>A failure's text is MSAL's, and may quote the token request: an authority (or a proxy before it) that echoes the
 * form body puts {@code client_secret=…} into the error description, form-encoded or decoded. Every message built from
 * it (the client's 401, the log line) has both forms of the secret masked first.
 */
final class EntraTokens implements AzureAuth {
    private static final Logger log = LoggerFactory.getLogger(EntraTokens.class);
    /** Azure's own SDKs refresh 5 minutes before expiry; so do we. */
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    /** Below this a token may expire on its way: wait for the new one instead. */
    static final Duration STILL_USABLE = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final TokenCredential credential;
    private final TokenRequestContext request;
    private final String deploymentId;
    private final Clock clock;
    private final KeyScrubber secret;
    private final ProviderSecrets minted;
    private volatile AccessToken token;
    private Future<AccessToken> inFlight; // guarded by this

    /**
     * @param clientSecret masked in what a failure says (null: nothing to mask)
     * @param minted each token is registered there when fetched, so a successful answer, a log line or a trace that
     *     quotes it finds it masked as a configured key is (the error decoder masks the current one besides)
     */
    EntraTokens(Vertx vertx, TokenCredential credential, String scope, String deploymentId, String clientSecret, Clock clock,
                ProviderSecrets minted) {
        this.vertx = vertx;
        this.credential = credential;
        this.request = new TokenRequestContext().addScopes(scope);
        this.deploymentId = deploymentId;
        this.secret = clientSecret == null ? KeyScrubber.NONE : KeyScrubber.of(secretForms(clientSecret));
        this.clock = clock;
        this.minted = minted;
    }

    /**
     * The client secret as written, and as it travels in the token request's form body (URL-encoded, as MSAL encodes
     * it: {@code ~} is {@code %7E}, so a scrubber of the raw secret alone would leave the characters around each
     * escape readable). Both are the secret, for every scrubber of configured secrets.
     */
    static List<String> secretForms(String clientSecret) {
        String encoded = URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        return encoded.equals(clientSecret) ? List.of(clientSecret) : List.of(clientSecret, encoded);
    }

    /** The service principal's credential; {@code authorityHost} null for Azure's public cloud. */
    static TokenCredential clientSecret(AzureSettings s, java.util.function.Function<String, String> env) {
        ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder().tenantId(s.tenantId()).clientId(s.clientId())
                .clientSecret(s.clientSecret()).httpClient(EntraHttp.client(env));
        if (s.authorityHost() != null) {
            // a private authority (sovereign cloud, a local stand-in) is not in Microsoft's instance metadata
            b.authorityHost(s.authorityHost()).disableInstanceDiscovery();
        }
        return b.build();
    }

    @Override
    public Future<Header> header() {
        AccessToken t = token;
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (t != null && t.getExpiresAt().isAfter(now.plus(REFRESH_BEFORE))) return Future.succeededFuture(bearer(t));
        Future<AccessToken> next = refresh();
        if (t != null && t.getExpiresAt().isAfter(now.plus(STILL_USABLE))) return Future.succeededFuture(bearer(t));
        return next.map(this::bearer);
    }

    @Override
    public String current() {
        AccessToken t = token;
        return t == null ? null : t.getToken();
    }

    private synchronized Future<AccessToken> refresh() {
        if (inFlight != null) return inFlight;
        Future<AccessToken> f = vertx.executeBlocking(() -> {
            AccessToken fetched = credential.getTokenSync(request);
            if (fetched == null) throw new IllegalStateException("the credential returned no token");
            return fetched;
        }, false);
        inFlight = f;
        return f.transform(ar -> {
            synchronized (this) {
                inFlight = null;
            }
            if (ar.succeeded()) {
                minted.add(ar.result().getToken(), ar.result().getExpiresAt().toInstant().toEpochMilli());
                token = ar.result();
                return Future.succeededFuture(ar.result());
            }
            String why = secret.text(ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName() : ar.cause().getMessage());
            log.warn("Entra ID token for {} could not be fetched: {}", deploymentId, LogSafe.text(why));
            return Future.failedFuture(new GatewayException(ErrorKind.AUTHENTICATION, 401, "Upstream " + deploymentId
                    + " could not get an Entra ID token for its service principal (tenant_id, client_id, client_secret): "
                    + firstLine(why), null, "entra_token_failed", null, null));
        });
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 500 ? line.substring(0, 500) : line;
    }

    private Header bearer(AccessToken t) { return new Header("authorization", "Bearer " + t.getToken()); }
}
