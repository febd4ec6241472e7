package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.GatewayException;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A miss of a recent id waits for another gateway's row ({@link RecentMissWaits}). Review (thirty-fourth session): when
 * the store became unreachable while it waited, its look failed with 503 {@code response_store_unavailable} and the wait
 * took that for "not found" — a 404 for an id that could not be looked up. The table here is the look as
 * {@link StoredResponses} hands it in once the store is known unreachable: it fails at once.
 */
class RecentMissWaitsTest {
    private Vertx vertx;
    private RecentMissWaits waits;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        waits = new RecentMissWaits(vertx, System::currentTimeMillis, (id, owner, now) -> {
            throw StoredResponses.storeUnavailable();
        }, () -> false);
    }

    @AfterEach
    void stop() throws Exception {
        waits.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLookFailingBecauseTheStoreIsUnreachableFailsTheWaitWith503NotAMiss() throws Exception {
        String id = ResponseIds.create(System.currentTimeMillis()); // recent: it waits
        Throwable failure = null;
        Object found = "unset";
        try {
            found = waits.waitFor(id, "key-1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        assertThat(failure).as("not a miss (answered 404), but " + found).isInstanceOf(GatewayException.class);
        assertThat(((GatewayException) failure).status()).isEqualTo(503);
        assertThat(((GatewayException) failure).code()).isEqualTo(StoredResponses.STORE_UNAVAILABLE);
    }

    /**
     * Review (thirty-ninth session): the "already wait" DEBUG line printed the response id as the client sent it, and
     * a recent id's 36 free characters may hold a line break that forges the next line. Escaped.
     */
    @Test
    void aRefusedWaitsDebugLineIsOneLineWhateverTheIdHolds() throws Exception {
        RecentMissWaits slow = new RecentMissWaits(vertx, System::currentTimeMillis, (id, owner, now) -> null, () -> false);
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(StoredResponses.class);
        ch.qos.logback.classic.Level was = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (dev.switchboard.support.LogCapture logs = dev.switchboard.support.LogCapture.of(StoredResponses.class.getName())) {
            for (int i = 0; i < StoredResponses.MAX_WAITERS_PER_KEY; i++) slow.waitFor(ResponseIds.create(System.currentTimeMillis()), "k");
            String recent = ResponseIds.create(System.currentTimeMillis());
            String forged = recent.substring(0, recent.length() - 20) + "\nERROR forged lines.";
            assertThat(forged).hasSameSizeAs(recent);
            assertThat(slow.waitFor(forged, "k").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull();
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("already wait").contains("\\nERROR forged")
                    .doesNotContain("\n"));
        } finally {
            logger.setLevel(was);
            slow.close();
        }
    }
}
