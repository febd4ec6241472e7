package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ResponseCache#mayStore} says yes exactly when {@link ResponseCache#store} keeps the answer: the cache stage
 * prices a miss for the stored cost only then, so an answer that is not stored is not priced a second time.
 */
class ResponseCacheMayStoreTest {
    private static final String ID = String.format("%064d", 7);

    private static ChatResponse answer(FinishReason f) {
        return new ChatResponse("chatcmpl-7", 1_700_000_000L, "gpt-4o-mini",
                List.of(new Choice(0, Message.text(Role.ASSISTANT, "hi"), f, null)), new Usage(10, 2, 0, 0, 0), null, null);
    }

    private final LocalExactCache store = new LocalExactCache(1 << 20, () -> 1_000);

    private ResponseCache.Plan plan(boolean noStore, boolean stamped) {
        CacheControls c = new CacheControls(false, noStore, null, null, null, List.of(), null, false);
        ResponseCache.Plan p = new ResponseCache.Plan("ns", EntryKey.parse(ID), c);
        if (stamped) store.readEpoch(p); // as a lookup stamps it
        return p;
    }

    @Test
    void onlyAnAnswerTheCacheWillKeepIsPricedForIt() {
        ResponseCache cache = new ResponseCache(CacheSettings.OFF, store, Set.of("m"), () -> 1_000);
        ChatResponse ok = answer(FinishReason.STOP);

        assertThat(cache.mayStore(plan(false, true), "primary", ok)).isTrue();
        assertThat(cache.mayStore(plan(true, true), "primary", ok)).as("no-store").isFalse();
        assertThat(cache.mayStore(plan(false, true), "fallback", ok)).as("a fallback's answer").isFalse();
        assertThat(cache.mayStore(plan(false, true), "primary", answer(FinishReason.CONTENT_FILTER))).as("unstorable").isFalse();
        assertThat(cache.mayStore(plan(false, false), "primary", ok)).as("the lookup read no epoch, no semantic plan").isFalse();

        // and store agrees: what mayStore refuses is not kept, what it allows is
        ResponseCache.Plan refused = plan(true, true);
        cache.store(refused, "openai/gpt-4o-mini", null, null, "primary", null, ok);
        assertThat(cache.stores()).isZero();
        cache.store(plan(false, true), "openai/gpt-4o-mini", null, 5L, "primary", null, ok);
        assertThat(cache.stores()).isEqualTo(1);
    }

    /**
     * Review (2026-12-07): a maximum age of 0 ({@code max-age=0}, {@code s-maxage: 0}) is no-cache: the store is not
     * read (nor counted as a miss; the semantic cache is not searched either), and the fresh answer is still stored.
     */
    @Test
    void aMaximumAgeOfZeroReadsNothingAndStillStores() throws Exception {
        ResponseCache cache = new ResponseCache(CacheSettings.OFF, store, Set.of("m"), () -> 1_000);
        CacheControls zero = new CacheControls(false, false, null, 0L, null, List.of("s-maxage"), null, false);
        ResponseCache.Plan p = new ResponseCache.Plan("ns", EntryKey.parse(ID), zero);
        assertThat(cache.lookup(p).toCompletionStage().toCompletableFuture().get()).isNull();
        assertThat(cache.misses()).as("not read: no miss counted, as no-cache").isZero();
        assertThat(cache.lookupSemantic(p).toCompletionStage().toCompletableFuture().get()).isNull();
        assertThat(cache.mayStore(p, "primary", answer(FinishReason.STOP))).as("still stored").isTrue();
    }
}
