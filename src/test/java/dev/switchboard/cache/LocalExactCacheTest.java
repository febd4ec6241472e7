package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory store's entries off the heap: every way out of the cache gives the block back, and no hit is wrong. */
class LocalExactCacheTest {
    private static String id(int i) { return String.format("%064d", i); }

    /** An answer that names its entry, so a hit with another entry's bytes would show. */
    private static CachedAnswer entry(int i, long now) {
        Message m = Message.text(Role.ASSISTANT, "the answer to question " + i);
        ChatResponse r = new ChatResponse("chatcmpl-" + i, 1_700_000_000L, "gpt-4o-mini",
                List.of(new Choice(0, m, FinishReason.STOP, null)), new Usage(10, i % 100, 0, 0, 0), null, null);
        return new CachedAnswer(id(i), "ns", now, now + 60_000, "openai/gpt-4o-mini", r);
    }

    private static String text(CachedAnswer a) {
        return ((ContentPart.Text) a.response().choices().get(0).message().content().get(0)).text();
    }

    /**
     * A flush is final: an answer whose lookup came before a delete (of everything, a namespace or one entry) is not
     * stored when it arrives after it, and holds no block; one looked up after is.
     */
    @Test
    void anAnswerLookedUpBeforeAFlushIsNotStoredAfterIt() {
        LocalExactCache store = new LocalExactCache(1 << 20, () -> 1_000);
        CachedAnswer a = entry(7, 1_000);
        EntryKey key = EntryKey.parse(id(7));
        java.util.List<Runnable> flushes = List.of(store::clear, () -> store.deleteNamespace("other"), () -> store.delete(id(8)));
        for (Runnable flush : flushes) {
            long[] seen = {ExactCache.NO_EPOCH};
            assertThat(store.get("ns", key, e -> seen[0] = e).result()).isNull();
            flush.run();
            assertThat(store.putUnlessFlushed(key, "ns", 1_000, 61_000, a.deployment(), null, null, null, a.response(), seen[0]).result()).isFalse();
            assertThat(store.get("ns", key).result()).isNull();
            assertThat(store.offHeapBytes()).isZero();
        }
        long[] seen = {ExactCache.NO_EPOCH};
        store.readEpoch(e -> seen[0] = e);
        assertThat(store.putUnlessFlushed(key, "ns", 1_000, 61_000, a.deployment(), null, null, null, a.response(), seen[0]).result()).isTrue();
        assertThat(text(store.get("ns", key).result())).isEqualTo("the answer to question 7");
    }

    @Test
    void everyWayOutOfTheCacheGivesTheBlockBack() {
        AtomicLong now = new AtomicLong(1_000);
        LocalExactCache store = new LocalExactCache(1 << 20, now::get);
        store.put(entry(1, now.get()));
        long one = store.offHeapBytes();
        assertThat(one).as("one entry's block").isPositive();
        store.put(entry(1, now.get())); // replaced: the old block is freed
        assertThat(store.offHeapBytes()).isEqualTo(one);
        assertThat(store.delete(id(1)).result()).isEqualTo(1);
        assertThat(store.offHeapBytes()).as("removed").isZero();
        for (int i = 0; i < 10; i++) store.put(entry(i, now.get()));
        assertThat(store.deleteNamespace("ns").result()).isEqualTo(10);
        assertThat(store.offHeapBytes()).as("a namespace removed").isZero();
        for (int i = 0; i < 10; i++) store.put(entry(i, now.get()));
        assertThat(store.clear().result()).isEqualTo(10);
        assertThat(store.offHeapBytes()).as("cleared").isZero();
        for (int i = 0; i < 10; i++) store.put(entry(i, now.get()));
        store.close();
        assertThat(store.offHeapBytes()).as("closed").isZero();
        store.put(entry(3, now.get()));
        assertThat(store.offHeapBytes()).as("a store after the close keeps nothing").isZero();
        assertThat(store.get("ns", id(3)).result()).isNull();
    }

    /** Caffeine expires on its own clock (the JVM's nanoTime, in wheel buckets of about a second): a real, short TTL. */
    @Test
    void anExpiredEntrysBlockIsGivenBack() throws Exception {
        LocalExactCache store = new LocalExactCache(1 << 20, System::currentTimeMillis);
        long now = System.currentTimeMillis();
        CachedAnswer a = entry(1, now);
        // 200 ms, not 1: on a loaded machine a 1 ms entry could already be due when it is stored, and Caffeine may
        // drop it at once, before the check below sees its block
        store.put(new CachedAnswer(a.entryId(), a.namespace(), now, now + 200, a.deployment(), a.response()));
        assertThat(store.offHeapBytes()).isPositive();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (store.offHeapBytes() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            store.put(entry(2, System.currentTimeMillis())); // a write runs the maintenance, which expires entries
            store.delete(id(2));
        }
        assertThat(store.offHeapBytes()).as("the expired entry's block").isZero();
    }

    /**
     * An answer that carries the upstream's bytes is kept as those bytes (only the answer's part of the body) and read
     * back through the reader: same entry, times, deployment, and the usage the stage had, not the bytes' own.
     */
    @Test
    void anAnswerWithTheUpstreamsBytesIsKeptAsThemAndReadBackThroughTheReader() {
        String answer = "{\"id\":\"chatcmpl-9\",\"usage\":{\"prompt_tokens\":1}}";
        byte[] body = ("  " + answer + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int usageFrom = 2 + answer.indexOf("{\"prompt"), usageTo = 2 + answer.length() - 1;
        var rel = new dev.switchboard.model.RelayedAnswer(dev.switchboard.model.RelayedEvent.OPENAI_CHAT, body, 2, usageFrom, usageTo,
                2 + answer.length());
        ChatResponse canonical = entry(9, 0).response();
        // every count its own value, the answer's image tokens included (a replay is priced from them again)
        Usage stageUsage = new Usage(7, 1300, 1, 0, 2, 0, new Usage.Details(3, 5, 4, 6, 1290));
        ChatResponse r = new ChatResponse(canonical.id(), canonical.created(), canonical.model(), canonical.choices(),
                stageUsage, null, null, null, rel);
        List<String> read = new ArrayList<>();
        LocalExactCache store = new LocalExactCache(1 << 20, () -> 1_000, (dialect, json, length) -> {
            read.add(dialect + " " + new String(json, 0, length, java.nio.charset.StandardCharsets.UTF_8));
            return new ChatResponse(canonical.id(), canonical.created(), canonical.model(), canonical.choices(), new Usage(1, 0, 0, 0, 0),
                    null, null, null, new dev.switchboard.model.RelayedAnswer(dialect, json, 0, usageFrom - 2, usageTo - 2, length));
        });
        store.put(new CachedAnswer(id(9), "ns", 900, 60_000, "openai/gpt-4o-mini", r));
        assertThat(store.offHeapBytes()).as("the answer's bytes and the trailer, in one size class").isLessThan(512);
        CachedAnswer hit = store.get("ns", id(9)).result();
        assertThat(read).containsExactly("openai-chat " + answer);
        assertThat(hit.entryId()).isEqualTo(id(9));
        assertThat(hit.namespace()).isEqualTo("ns");
        assertThat(hit.createdAtMillis()).isEqualTo(900);
        assertThat(hit.expiresAtMillis()).isEqualTo(60_000);
        assertThat(hit.deployment()).isEqualTo("openai/gpt-4o-mini");
        assertThat(hit.response().usage()).isEqualTo(stageUsage);
        assertThat(hit.response().relayed()).as("relayed again to an OpenAI client").isNotNull();
        assertThat(text(hit)).isEqualTo("the answer to question 9");

        LocalExactCache broken = new LocalExactCache(1 << 20, () -> 1_000, (dialect, json, length) -> {
            throw new java.io.IOException("not an answer");
        });
        broken.put(new CachedAnswer(id(9), "ns", 900, 60_000, "openai/gpt-4o-mini", r));
        assertThat(broken.get("ns", id(9)).result()).as("bytes that do not decode are a miss").isNull();
        // without a reader (and in Redis) the answer is kept in the codec's encoding, its records as they were
        LocalExactCache plain = new LocalExactCache(1 << 20, () -> 1_000);
        plain.put(new CachedAnswer(id(9), "ns", 900, 60_000, "openai/gpt-4o-mini", r));
        assertThat(plain.get("ns", id(9)).result().response().usage()).isEqualTo(stageUsage);
        assertThat(read).hasSize(1);
    }

    /**
     * An auto alias's answer kept as the upstream's bytes keeps the tier that answered in its trailer, so a hit says it:
     * an ASCII tier, one with a keyword beyond ASCII, one longer than the thread's reused trailer buffer; the answer's
     * own bytes and usage come back as without a tier, and an entry of any other alias reads as no tier. A tier too long
     * for the trailer's two-byte length is kept in the codec's encoding instead, and still comes back.
     */
    @Test
    void anAutoAnswerKeptAsTheUpstreamsBytesKeepsItsTier() {
        String answer = "{\"id\":\"chatcmpl-9\",\"usage\":{\"prompt_tokens\":1}}";
        byte[] body = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int usageFrom = answer.indexOf("{\"prompt"), usageTo = answer.length() - 1;
        var rel = new dev.switchboard.model.RelayedAnswer(dev.switchboard.model.RelayedEvent.OPENAI_CHAT, body, 0, usageFrom, usageTo,
                answer.length());
        ChatResponse canonical = entry(9, 0).response();
        Usage stageUsage = new Usage(7, 13, 1, 0, 2, 0, new Usage.Details(3, 5, 4, 6, 0));
        ChatResponse r = new ChatResponse(canonical.id(), canonical.created(), canonical.model(), canonical.choices(),
                stageUsage, null, null, null, rel);
        List<String> read = new ArrayList<>();
        LocalExactCache store = new LocalExactCache(1 << 20, () -> 1_000, (dialect, json, length) -> {
            read.add(new String(json, 0, length, java.nio.charset.StandardCharsets.UTF_8));
            return new ChatResponse(canonical.id(), canonical.created(), canonical.model(), canonical.choices(), Usage.ZERO,
                    null, null, null, new dev.switchboard.model.RelayedAnswer(dialect, json, 0, usageFrom, usageTo, length));
        });
        List<String> tiers = new ArrayList<>(java.util.Arrays.asList("cheap; reason=default", "smart; reason=keyword:démontrer",
                "smart; reason=keyword:" + "x".repeat(300), null));
        for (String tier : tiers) {
            store.put(new CachedAnswer(id(9), "ns", 900, 60_000, "openai/gpt-4o-mini", tier, r));
            CachedAnswer hit = store.get("ns", id(9)).result();
            assertThat(hit.tier()).as("the tier").isEqualTo(tier);
            assertThat(read.get(read.size() - 1)).as("the answer's bytes, without the tier's").isEqualTo(answer);
            assertThat(hit.createdAtMillis()).isEqualTo(900);
            assertThat(hit.deployment()).isEqualTo("openai/gpt-4o-mini");
            assertThat(hit.response().usage()).isEqualTo(stageUsage);
            assertThat(text(hit)).isEqualTo("the answer to question 9");
        }
        assertThat(read).as("each entry was kept as the upstream's bytes").hasSize(tiers.size());
        // the same through the put the cache stage's store uses (no hex key made)
        store.put(EntryKey.parse(id(9)), "ns", 900, 60_000, "openai/gpt-4o-mini", "gpt-east", 1_234L, "cheap; reason=header", r);
        CachedAnswer relayed = store.get("ns", id(9)).result();
        assertThat(relayed.tier()).isEqualTo("cheap; reason=header");
        assertThat(relayed.modelId()).as("the entry that answered, kept beside the bytes").isEqualTo("gpt-east");
        assertThat(relayed.costNanos()).as("what it cost on that entry, in the trailer").isEqualTo(1_234L);
        store.put(EntryKey.parse(id(9)), "ns", 900, 60_000, "openai/gpt-4o-mini", null, null, null, r);
        assertThat(store.get("ns", id(9)).result().costNanos()).as("no cost known: none read").isNull();
        store.put(EntryKey.parse(id(9)), "ns", 900, 60_000, "openai/gpt-4o-mini", "gpt-east", 1_234L, "cheap; reason=header", r);
        assertThat(read).hasSize(tiers.size() + 2);
        String huge = "smart; reason=keyword:" + "é".repeat(30_000);
        store.put(new CachedAnswer(id(9), "ns", 900, 60_000, "openai/gpt-4o-mini", huge, r, "gpt-west", CachedAnswer.UNPRICED));
        CachedAnswer hit = store.get("ns", id(9)).result();
        assertThat(hit.modelId()).as("the entry that answered, in the codec's encoding").isEqualTo("gpt-west");
        assertThat(hit.costNanos()).as("an unpriced entry's mark, in the codec's encoding").isEqualTo(CachedAnswer.UNPRICED);
        assertThat(read).as("kept in the codec's encoding, not read as bytes").hasSize(tiers.size() + 2);
        assertThat(hit.tier()).isEqualTo(huge);
        assertThat(hit.response().usage()).isEqualTo(stageUsage);
    }

    @Test
    void theBoundCountsTheBlocksAndTheHeapPart() {
        AtomicLong now = new AtomicLong(1_000);
        long bound = 64 << 10;
        LocalExactCache store = new LocalExactCache(bound, now::get);
        for (int i = 0; i < 2_000; i++) store.put(entry(i, now.get()));
        long blocks = store.offHeapBytes();
        int kept = 0;
        for (int i = 0; i < 2_000; i++) if (store.get("ns", id(i)).result() != null) kept++;
        assertThat(kept).isPositive();
        assertThat(blocks + (long) kept * LocalExactCache.ENTRY_OVERHEAD).isLessThanOrEqualTo(bound);
        assertThat(store.clear().result()).isEqualTo(kept);
        assertThat(store.offHeapBytes()).isZero();
    }

    /**
     * Event loops storing, reading and evicting at once in a cache far too small for them: every hit is its own entry's
     * answer (a block freed and handed to another entry while a hit read it would show as another question's answer),
     * and when all is done the blocks the store holds are exactly its entries'.
     */
    @Test
    void concurrentStoresReadsAndEvictionsNeverServeAnotherEntry() throws Exception {
        LocalExactCache store = new LocalExactCache(32 << 10, System::currentTimeMillis); // a few dozen entries
        int threads = 4, ops = 20_000, keys = 400;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger hits = new AtomicInteger(), wrong = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int n = 0; n < ops; n++) {
                        int k = rnd.nextInt(keys);
                        if (rnd.nextBoolean()) {
                            store.put(entry(k, System.currentTimeMillis()));
                        } else {
                            CachedAnswer a = store.get("ns", id(k)).result();
                            if (a == null) continue;
                            hits.incrementAndGet();
                            if (!a.entryId().equals(id(k)) || !text(a).equals("the answer to question " + k)) wrong.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(wrong.get()).as("hits that served another entry's answer").isZero();
        assertThat(hits.get()).isPositive();
        int live = store.clear().result();
        assertThat(live).isPositive();
        assertThat(store.offHeapBytes()).as("every block given back").isZero();
    }
}
