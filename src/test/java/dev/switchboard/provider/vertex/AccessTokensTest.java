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
        AccessTokens tokens = new AccessTokens(vertx, new VertexCredentials(() -> failing, "p", "test"), "vertex_ai/test", now::get, minted);
        Promise<String> p = Promise.promise();
        vertx.runOnContext(v -> tokens.token().onComplete(p));
        Throwable failure = p.future().toCompletionStage().toCompletableFuture().handle((ok, t) -> t).get(5, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(dev.switchboard.model.GatewayException.class);
        assertThat(((dev.switchboard.model.GatewayException) failure).status()).isEqualTo(502);
        assertThat(failure.getMessage()).contains("metadata server unreachable").contains("vertex_ai/test");
        assertThat(onEventLoop(tokens)).isEqualTo("Bearer ok");
    }
}
