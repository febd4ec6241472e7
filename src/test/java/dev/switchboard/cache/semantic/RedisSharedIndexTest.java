package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two semantic caches sharing entries through one Redis stream ({@code services} profile: Redis 7 on 127.0.0.1:6379), as
 * two gateways would: what one stores the other finds, and a flush on one is final on both, including for an answer
 * that was asked for before the flush and arrives after it.
 */
@Tag("services")
class RedisSharedIndexTest {
    private final String index = "test-" + UUID.randomUUID();
    private Vertx vertx;
    private SemanticCache a, b;
    private RedisSharedIndex sharedA;
    private SemanticCacheTest.Words wordsA;

    private static SemanticSettings settings() { return new SemanticSettings("words", null, null, null, null, false, 100, 3600, 1, List.of()); }

    private static CachedAnswer answer(String id) { return answer(id, null); }

    /** @param tier the auto alias's tier that answered, or null */
    private static CachedAnswer answer(String id, String tier) {
        var r = new ChatResponse("chatcmpl-" + id, 0, "m", List.of(new Choice(0, Message.text(Role.ASSISTANT, "answer " + id),
                FinishReason.STOP, null)), new Usage(3, 2, 0, 0, 0, 0), null, null);
        return new CachedAnswer(id, "ns", System.currentTimeMillis(), System.currentTimeMillis() + 3_600_000, "openai/m", tier, r);
    }

    private static <T> T get(Future<T> f) throws Exception { return f.toCompletionStage().toCompletableFuture().get(); }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        wordsA = new SemanticCacheTest.Words();
        a = SemanticCache.create(settings(), wordsA, null);
        b = SemanticCache.create(settings(), new SemanticCacheTest.Words(), null);
        sharedA = RedisSharedIndex.start(vertx, "redis://127.0.0.1:6379", "127.0.0.1:6379", 1_000, index, 1_000, a);
        RedisSharedIndex.start(vertx, "redis://127.0.0.1:6379", "127.0.0.1:6379", 1_000, index, 1_000, b);
    }

    @AfterEach
    void stop() {
        a.clear(); // trims the stream to its last operation
        a.close();
        b.close();
        vertx.close();
    }

    private static void awaitEntries(SemanticCache c, long n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> c.stats().entries() == n);
    }

    @Test
    void whatOneStoresTheOtherFindsAndAFlushOnEitherEmptiesBoth() throws Exception {
        get(a.remember("ns", "ctx", "what is the capital of france", answer("e1", "cheap; reason=default")));
        awaitEntries(b, 1);
        assertThat(get(b.lookup("ns", "ctx", "the capital of france is what"))).get().extracting(SemanticMatch::entryId).isEqualTo("e1");
        // the auto alias's tier travels with the answer: the other gateway's hit says it too
        assertThat(get(b.lookup("ns", "ctx", "the capital of france is what"))).get().extracting(m -> m.answer().tier())
                .isEqualTo("cheap; reason=default");
        assertThat(b.sharedWith()).isEqualTo("Redis stream sb:semantic:" + index + " at 127.0.0.1:6379");

        b.clear();
        awaitEntries(a, 0);
        assertThat(get(a.lookup("ns", "ctx", "what is the capital of france"))).isEmpty();
    }

    @Test
    void anAnswerAskedForBeforeAFlushNeverAppearsAfterIt() throws Exception {
        // 1. on the gateway that was answering: its embedding is still running when another gateway flushes
        wordsA.block = new CountDownLatch(1);
        Future<Void> inFlight = a.remember("ns", "ctx", "how tall is mount everest", answer("late"));
        String before = sharedA.cursor();
        b.clear();
        await().atMost(Duration.ofSeconds(10)).until(() -> RedisSharedIndex.compare(sharedA.cursor(), before) > 0); // A read the flush
        wordsA.block.countDown();
        get(inFlight);
        assertThat(a.stats().entries()).as("dropped where it was asked").isZero();

        // 2. an answer asked for before the flush, published after it (its gateway had not read the flush yet): every
        //    gateway drops it, whatever the order it reaches them in
        sharedA.added("ns", "ctx", "how tall is mount everest", wordsA.embed("how tall is mount everest"), answer("stale"), before);
        get(a.remember("ns", "ctx", "what is the capital of spain", answer("marker"))); // published after the stale one
        awaitEntries(b, 1);
        assertThat(get(b.lookup("ns", "ctx", "how tall is mount everest"))).as("the stale answer").isEmpty();
        assertThat(get(b.lookup("ns", "ctx", "what is the capital of spain"))).get().extracting(SemanticMatch::entryId).isEqualTo("marker");
    }
}
