package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Redis store's flush epoch ({@code services} profile: Redis 7 on 127.0.0.1:6379, database 5): a write whose lookup
 * came before a flush is refused by Redis itself, whenever it arrives (QA: a SET that sat on another pooled connection
 * landed after the SCAN and DEL, and was served). Two stores stand for two gateways.
 */
@Tag("services")
class RedisExactCacheTest {
    private Vertx vertx;
    private RedisExactCache a, b;
    private final String ns = "redis-epoch-" + UUID.randomUUID();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        a = new RedisExactCache(vertx, RedisAddress.of("redis://127.0.0.1:6379/5", "127.0.0.1:6379/5"), 1_000);
        b = new RedisExactCache(vertx, RedisAddress.of("redis://127.0.0.1:6379/5", "127.0.0.1:6379/5"), 1_000);
    }

    @AfterEach
    void stop() throws Exception {
        get(a.deleteNamespace(ns));
        a.close();
        b.close();
        vertx.close();
    }

    private static <T> T get(Future<T> f) throws Exception { return f.toCompletionStage().toCompletableFuture().get(); }

    private static ChatResponse response(String text) {
        return new ChatResponse("chatcmpl-1", 0, "m", List.of(new Choice(0, Message.text(Role.ASSISTANT, text), FinishReason.STOP, null)),
                new Usage(3, 2, 0, 0, 0, 0), null, null);
    }

    private Future<Boolean> store(RedisExactCache c, EntryKey key, String text, long epoch) {
        long now = System.currentTimeMillis();
        return c.putUnlessFlushed(key, ns, now, now + 60_000, "openai/m", null, null, null, response(text), epoch);
    }

    @Test
    void aStoreWhoseLookupCameBeforeAFlushOnAnyGatewayIsRefused() throws Exception {
        EntryKey key = EntryKey.parse("ab".repeat(32));
        long[] seen = {ExactCache.NO_EPOCH};
        assertThat(get(b.get(ns, key, e -> seen[0] = e))).isNull();
        assertThat(seen[0]).as("read with the lookup").isNotEqualTo(ExactCache.NO_EPOCH);

        get(a.clear()); // the other gateway flushes while b's answer is in flight
        assertThat(get(store(b, key, "asked before the flush", seen[0]))).isFalse();
        assertThat(get(a.get(ns, key))).as("refused: nothing to serve").isNull();

        long[] now = {ExactCache.NO_EPOCH};
        assertThat(get(b.get(ns, key, e -> now[0] = e))).isNull();
        assertThat(now[0]).isGreaterThan(seen[0]);
        assertThat(get(store(b, key, "asked after the flush", now[0]))).isTrue();
        assertThat(get(a.get(ns, key)).response().choices().get(0).message().textContent()).isEqualTo("asked after the flush");

        // a namespace's delete and an entry's move the epoch too; a request that skips the lookup reads it alone
        long[] noCache = {ExactCache.NO_EPOCH};
        get(b.readEpoch(e -> noCache[0] = e));
        assertThat(noCache[0]).isEqualTo(now[0]);
        get(a.deleteNamespace("some-other-namespace"));
        assertThat(get(store(b, key, "stale", now[0]))).isFalse();
        long[] later = {ExactCache.NO_EPOCH};
        get(b.readEpoch(e -> later[0] = e));
        get(a.delete("cd".repeat(32)));
        assertThat(get(store(b, key, "stale", later[0]))).isFalse();
        assertThat(get(a.get(ns, key)).response().choices().get(0).message().textContent()).isEqualTo("asked after the flush");
    }

    @Test
    void aStoreThatRedisDoesNotTakeFailsAndIsNotAStore() throws Exception {
        RedisExactCache nowhere = new RedisExactCache(vertx, RedisAddress.of("redis://127.0.0.1:1", "127.0.0.1:1"), 200);
        try {
            long[] seen = {ExactCache.NO_EPOCH};
            assertThat(get(nowhere.get(ns, EntryKey.parse("ab".repeat(32)), e -> seen[0] = e))).isNull();
            assertThat(seen[0]).as("no epoch read: the answer will not be stored").isEqualTo(ExactCache.NO_EPOCH);
            Future<Boolean> put = store(nowhere, EntryKey.parse("ab".repeat(32)), "x", 0);
            assertThat(put.toCompletionStage().toCompletableFuture()).failsWithin(java.time.Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(ExactCache.Unavailable.class);
        } finally {
            nowhere.close();
        }
    }
}
