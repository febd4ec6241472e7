package dev.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.ProviderSecrets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The token cache with google-auth-library's own credentials type standing in for Google's token endpoint (its
 * {@code refreshAccessToken} is the one blocking call; the IT exercises the real exchange against the simulator).
 */
class AccessTokensTest {
    private final Vertx vertx = Vertx.vertx();
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final ProviderSecrets minted = new ProviderSecrets(KeyScrubber.NONE, now::get);

    /** Issues "t1", "t2", … each valid for {@code lifetime}; records the thread of each exchange; may be held. */
    private final class Issuer extends GoogleCredentials {
        final AtomicInteger issued = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final Duration lifetime;
        final String prefix;
        volatile CountDownLatch hold = new CountDownLatch(0);

        Issuer(Duration lifetime) { this(lifetime, "t"); }

        Issuer(Duration lifetime, String prefix) {
            this.lifetime = lifetime;
            this.prefix = prefix;
        }

        @Override
        public AccessToken refreshAccessToken() {
            threads.add(Thread.currentThread().getName() + (Context.isOnEventLoopThread() ? " (event loop)" : ""));
            try {
                hold.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new AccessToken(prefix + issued.incrementAndGet(), new Date(now.get() + lifetime.toMillis()));
        }
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private AccessTokens tokens(Issuer issuer) {
        return new AccessTokens(vertx, new VertexCredentials(() -> issuer, "p", "test credentials"), "vertex_ai/test", now::get, minted);
    }

    /** Calls token() on an event loop, as a request would, and waits for the answer. */
    private String onEventLoop(AccessTokens tokens) throws Exception {
        Promise<String> p = Promise.promise();
        vertx.runOnContext(v -> tokens.token().onComplete(p));
        return p.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void fetchedOffTheEventLoopOnceAndCached() throws Exception {
        Issuer issuer = new Issuer(Duration.ofHours(1));
        AccessTokens tokens = tokens(issuer);
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t1");
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t1");
        now.addAndGet(Duration.ofMinutes(50).toMillis());
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t1");
        Thread.sleep(200); // a background refresh started too early (before the last 5 minutes) would have run by now
        assertThat(issuer.issued.get()).isEqualTo(1);
        assertThat(issuer.threads).allSatisfy(t -> assertThat(t).doesNotContain("event loop").contains("worker"));
    }

    @Test
    void concurrentRequestsShareOneExchange() throws Exception {
        Issuer issuer = new Issuer(Duration.ofHours(1));
        issuer.hold = new CountDownLatch(1);
        AccessTokens tokens = tokens(issuer);
        List<Future<String>> waiting = new ArrayList<>();
        CountDownLatch asked = new CountDownLatch(1);
        vertx.runOnContext(v -> {
            for (int i = 0; i < 20; i++) waiting.add(tokens.token());
            asked.countDown();
        });
        assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
        issuer.hold.countDown();
        for (Future<String> f : waiting) assertThat(f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("Bearer t1");
        assertThat(issuer.issued.get()).isEqualTo(1);
    }

    @Test
    void refreshedInTheBackgroundBeforeExpiryAndAwaitedOnlyAfterIt() throws Exception {
        Issuer issuer = new Issuer(Duration.ofHours(1));
        AccessTokens tokens = tokens(issuer);
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t1");
        // inside the last five minutes: this request still gets t1 at once, and t2 is fetched behind it
        issuer.hold = new CountDownLatch(1);
        now.addAndGet(Duration.ofMinutes(56).toMillis());
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t1");
        issuer.hold.countDown();
        long deadline = System.currentTimeMillis() + 5000;
        while (issuer.issued.get() < 2 && System.currentTimeMillis() < deadline) Thread.sleep(10);
        Thread.sleep(50);
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t2");
        // a token within a minute of its end is not sent: the request waits for a new one
        now.addAndGet(Duration.ofMinutes(59).plusSeconds(30).toMillis());
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t3");
        assertThat(issuer.issued.get()).isEqualTo(3);
    }

    /**
     * The token is the deployment's key for its lifetime: registered as a provider secret when minted (so answers, the
     * log, the request log and traces mask it), and dropped once a later token is minted after it expired.
     */
    @Test
    void eachMintedTokenIsAProviderSecretUntilItExpires() throws Exception {
        Issuer issuer = new Issuer(Duration.ofHours(1), "ya29.minted-token-");
        AccessTokens tokens = tokens(issuer);
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer ya29.minted-token-1");
        assertThat(minted.shortLived()).containsExactly("ya29.minted-token-1");
        assertThat(minted.scrubber().text("upstream saw Bearer ya29.minted-token-1")).doesNotContain("minted-token-1");
        now.addAndGet(Duration.ofHours(1).plusMinutes(1).toMillis());
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer ya29.minted-token-2");
        assertThat(minted.shortLived()).containsExactly("ya29.minted-token-2");
    }

    @Test
    void aRefusedTokenIsDropped() throws Exception {
        Issuer issuer = new Issuer(Duration.ofHours(1));
        AccessTokens tokens = tokens(issuer);
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t1");
        tokens.refused();
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer t2");
    }

    /** The failure as the called deployment's requests see it, through {@link AccessTokens#forDeployment}. */
    private Throwable signFailure(AccessTokens tokens, String deploymentId) throws Exception {
        Promise<io.vertx.core.MultiMap> p = Promise.promise();
        vertx.runOnContext(v -> tokens.forDeployment(deploymentId).sign(io.vertx.core.MultiMap.caseInsensitiveMultiMap()).onComplete(p));
        return p.future().toCompletionStage().toCompletableFuture().handle((ok, t) -> t).get(5, TimeUnit.SECONDS);
    }

    private static final String DESCRIPTION = "service account qa-sa@qa-project.iam.gserviceaccount.com from vertex_credentials file /etc/sa.json";

    /**
     * A failed exchange is a 502 for the deployment called, in general words; the cause and the credentials'
     * description (service account, file path) go to the gateway's log only, and the next request tries again.
     */
    @Test
    void aFailedExchangeIsAnUpstreamErrorAndTheNextRequestTriesAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GoogleCredentials failing = new GoogleCredentials() {
            @Override
            public AccessToken refreshAccessToken() throws java.io.IOException {
                if (calls.incrementAndGet() == 1) throw new java.io.IOException("metadata server unreachable");
                return new AccessToken("ok", new Date(now.get() + 3_600_000));
            }
        };
        AccessTokens tokens = new AccessTokens(vertx, new VertexCredentials(() -> failing, "p", DESCRIPTION), "vertex_ai/first",
                now::get, minted);
        try (var log = dev.switchboard.support.LogCapture.of(AccessTokens.class.getName())) {
            Throwable failure = signFailure(tokens, "vertex_ai/called");
            assertThat(failure).isInstanceOf(dev.switchboard.model.GatewayException.class);
            assertThat(((dev.switchboard.model.GatewayException) failure).status()).isEqualTo(502);
            assertThat(failure.getMessage()).contains("vertex_ai/called").doesNotContain("metadata server unreachable")
                    .doesNotContain("vertex_ai/first").doesNotContain("qa-sa@").doesNotContain("/etc/sa.json");
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("metadata server unreachable").contains("/etc/sa.json"));
        }
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer ok");
    }

    /**
     * Credentials Google refuses (its token endpoint's invalid_grant) are a 401 authentication_error, so routing falls
     * back as for a wrong key, naming the deployment called, not the first one that shares the credentials, and neither
     * the service account nor the file (cloud QA F6: any virtual key was shown both).
     */
    @Test
    void refusedCredentialsAreA401ForTheCalledDeploymentWithoutTheirDescription() throws Exception {
        GoogleCredentials refused = new GoogleCredentials() {
            @Override
            public AccessToken refreshAccessToken() throws java.io.IOException {
                throw new com.google.api.client.http.HttpResponseException.Builder(400, "Bad Request",
                        new com.google.api.client.http.HttpHeaders())
                        .setContent("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}").build();
            }
        };
        AccessTokens tokens = new AccessTokens(vertx, new VertexCredentials(() -> refused, "p", DESCRIPTION), "vertex_ai/gemini-2.0-flash",
                now::get, minted);
        try (var log = dev.switchboard.support.LogCapture.of(AccessTokens.class.getName())) {
            Throwable failure = signFailure(tokens, "vertex_ai/claude-3-5-sonnet-v2@20241022");
            assertThat(failure).isInstanceOf(dev.switchboard.model.GatewayException.class);
            var e = (dev.switchboard.model.GatewayException) failure;
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).contains("vertex_ai/claude-3-5-sonnet-v2@20241022").doesNotContain("gemini-2.0-flash")
                    .doesNotContain("qa-sa@").doesNotContain("/etc/sa.json").doesNotContain("invalid_grant");
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("invalid_grant").contains("qa-sa@"));
        }
    }
}
