package dev.switchboard.cache.semantic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.switchboard.cache.CachedAnswer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semantic cache: a question asked in exactly the same context as a stored one (same namespace, alias, system
 * prompt, earlier turns, tools and parameters: {@code RequestFingerprint.context}) and close to it in meaning is
 * answered with the stored answer. Only the last user turn's text is embedded and compared.
 *
 * <p>A lookup embeds the question and searches the namespace's HNSW index on a small pool of its own; when the pool
 * is busy the lookup is a miss at once, so a burst never queues requests behind embeddings. The candidates then pass
 * the {@link QuestionGuards} (the word-swap guard only for a candidate that would be served or verified: it embeds the
 * differing words), and the similarity decides: at or above the threshold a match is served; in the grey zone
 * below it, it is verified by one short call ({@link Verifier}, verdicts cached) when a verifier is configured; or, in
 * the online mode, {@link OnlineThresholds} decides from what verifications taught it. Entries are bounded in number
 * (Caffeine's W-TinyLFU: rarely used ones out first) and live for the cache's TTL.
 */
public final class SemanticCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("switchboard.cache.semantic");
    private static final int CANDIDATES = 4;

    private final SemanticSettings settings;
    private final Embedder embedder;
    private final Verifier verifier;
    private final QuestionGuards guards;
    private final VectorIndex.Factory indexFactory;
    private final double threshold;
    private final double grey;
    private final OnlineThresholds online;
    private final ThreadPoolExecutor pool;
    private final Semaphore permits;
    /**
     * Index inserts queued or running on the pool (no embedding: the vector is known), at most two a thread: see
     * {@link #offPool}. Review (2026-12-07): 64 of them could stand before a lookup.
     */
    private final Semaphore pendingInserts;
    /**
     * How late a lookup may start after it was admitted (it waited behind index inserts) before it is a busy miss
     * instead: a busy pool is a miss at once, not a wait; an insert takes well under a millisecond once Lucene is warm.
     * {@code semantic_lookup_wait_ms} (default 20 ms; it was a constant until 2026-12-07).
     */
    private final long startBudgetNanos;
    /**
     * Embedding stores that found the pool busy (no permit free), waiting for a lull in lookups ({@link #runDeferred}),
     * at most {@link #deferredSlots}' capacity; more are skipped ({@code skipped_store}). A store is not
     * latency-critical, so it waits; a lookup never does (2026-12-07: under a burst every store that had to embed was
     * skipped, and the cache learned less the busier it was).
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<QueuedStore> deferred = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Semaphore deferredSlots;
    /** Deferred stores a pool thread: 32 embeddings are ~0.1-0.3 s of pool time, done in the gaps between lookups. */
    static final int DEFERRED_STORES_PER_THREAD = 32;
    /**
     * A queued store older than this is skipped when its turn comes: under lookups that never pause, its answer is
     * stale news, and {@link #forgotten} need only outlive it.
     */
    static final long QUEUED_STORE_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * When a lookup was last admitted or refused. A queued store starts only after {@link #startBudgetNanos} without
     * one (review, 2026-12-07: started the moment a permit came back, queued stores ran back to back and every lookup
     * meanwhile was a busy miss, whose answer queued another store: the cache learned and answered nothing).
     */
    private volatile long lastLookupNanos;
    /** Embedding stores holding a permit: a lookup refused meanwhile drops the oldest queued store. */
    private final AtomicInteger storesHolding = new AtomicInteger();
    /** Looks at the queue again once the lull may have come (no lookup will come to look for it). */
    private final java.util.concurrent.ScheduledExecutorService idleTimer;
    private final java.util.concurrent.atomic.AtomicBoolean idleCheckPending = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * Entry ids forgotten in the last minute, with the forget's number ({@link #forgets}): a store asked for before the
     * forget (queued, or embedding) must not bring the deleted answer back (review, 2026-12-07).
     */
    private final Cache<String, Long> forgotten = Caffeine.newBuilder().expireAfterWrite(60, TimeUnit.SECONDS)
            .maximumSize(10_000).executor(Runnable::run).build();
    private final AtomicLong forgets = new AtomicLong();
    private final java.util.function.LongSupplier nanos;
    private final Cache<String, SemanticEntry> entries;
    private final Cache<String, float[]> embeddings;
    private final Cache<String, Boolean> verdicts;
    private final ConcurrentHashMap<String, VectorIndex> indexes = new ConcurrentHashMap<>();
    /** Other gateways' view of this cache ({@code redis-semantic}), or null: entries stay in this process. */
    private volatile SharedIndex shared;
    /**
     * Counts flushes ({@link #clear}, {@link #forgetNamespace}). A request stamps the count when it is planned
     * ({@link #flushStamp}), before its answer is asked for, and {@link #remember} stores nothing if a flush came since
     * (while the provider answered, or while the answer was embedded): an answer asked for before a flush must not
     * reappear after it. The read lock lets remembers store side by side; a flush takes the write lock, so no store can
     * pass the check and land after the flush has emptied the index.
     */
    private final AtomicLong flushes = new AtomicLong();
    private final ReentrantReadWriteLock flushLock = new ReentrantReadWriteLock();
    private final LongAdder hits = new LongAdder(), misses = new LongAdder(), skipped = new LongAdder(), skippedStores = new LongAdder();
    private final LongAdder guarded = new LongAdder(), verifications = new LongAdder(), refutations = new LongAdder();

    /** Counters for {@code /cache/ping} and the bench. */
    public record Stats(long entries, long hits, long misses, long skippedBusy, long skippedStore, long guarded, long verifications,
                        long refuted, double threshold, double greyThreshold, String embedder) {}

    private SemanticCache(SemanticSettings s, Embedder embedder, Verifier verifier, QuestionGuards guards, VectorIndex.Factory indexes,
                          java.util.function.LongSupplier nanos, int deferredStores) {
        this.settings = s;
        this.nanos = nanos;
        this.startBudgetNanos = TimeUnit.MILLISECONDS.toNanos(s.lookupWaitMillis());
        this.lastLookupNanos = nanos.getAsLong() - startBudgetNanos; // no lookup yet: a lull already
        this.deferredSlots = new Semaphore(deferredStores);
        this.pendingInserts = new Semaphore(2 * s.poolThreads());
        this.indexFactory = indexes;
        this.embedder = embedder;
        this.verifier = verifier;
        // the word-swap guard embeds a candidate's differing words with this cache's embedder, through its cache
        this.guards = guards.withWords(this::embed, embedder.wordSwaps());
        this.threshold = s.threshold() != null ? s.threshold()
                : verifier != null ? embedder.defaultVerifiedThreshold() : embedder.defaultThreshold();
        this.grey = Math.min(threshold, s.greyThreshold() != null ? s.greyThreshold() : embedder.defaultGreyThreshold());
        this.online = s.maxFalseHitRate() == null || verifier == null ? null : new OnlineThresholds(s.maxFalseHitRate(), grey, 0.05);
        AtomicInteger n = new AtomicInteger();
        this.permits = new Semaphore(s.poolThreads());
        this.pool = new ThreadPoolExecutor(s.poolThreads(), s.poolThreads(), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sb-semantic-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.idleTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sb-semantic-lull");
            t.setDaemon(true);
            return t;
        });
        this.entries = Caffeine.newBuilder().maximumSize(s.maxEntries()).expireAfter(new Expiry<String, SemanticEntry>() {
                    @Override public long expireAfterCreate(String k, SemanticEntry e, long now) {
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, e.answer.expiresAtMillis() - System.currentTimeMillis()));
                    }
                    @Override public long expireAfterUpdate(String k, SemanticEntry e, long now, long d) { return expireAfterCreate(k, e, now); }
                    @Override public long expireAfterRead(String k, SemanticEntry e, long now, long d) { return d; }
                })
                .executor(Runnable::run)
                .removalListener((String id, SemanticEntry e, RemovalCause c) -> { if (e != null) unindex(e); })
                .build();
        this.embeddings = Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();
        this.verdicts = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(1, TimeUnit.DAYS).executor(Runnable::run).build();
    }

    /** A semantic cache over {@code embedder}; {@code verifier} may be null (no grey zone, no online mode). */
    public static SemanticCache create(SemanticSettings s, Embedder embedder, Verifier verifier) {
        LuceneVectorIndex.warmUp();
        return new SemanticCache(s, embedder, verifier, QuestionGuards.all(), LuceneVectorIndex.FACTORY, System::nanoTime,
                DEFERRED_STORES_PER_THREAD * s.poolThreads());
    }

    /** The same over another vector index (pgvector: {@link PgVectorStore}); the cache closes the factory. */
    public static SemanticCache create(SemanticSettings s, Embedder embedder, Verifier verifier, PgVectorStore indexes) {
        return new SemanticCache(s, embedder, verifier, QuestionGuards.all(), indexes, System::nanoTime,
                DEFERRED_STORES_PER_THREAD * s.poolThreads());
    }

    /** The same with chosen guards ({@code cache eval} measures what each adds). */
    public static SemanticCache create(SemanticSettings s, Embedder embedder, Verifier verifier, QuestionGuards guards) {
        LuceneVectorIndex.warmUp();
        return new SemanticCache(s, embedder, verifier, guards, LuceneVectorIndex.FACTORY, System::nanoTime,
                DEFERRED_STORES_PER_THREAD * s.poolThreads());
    }

    /** The same over a given index and clock (tests: an index whose inserts wait, a clock that moves when told). */
    static SemanticCache create(SemanticSettings s, Embedder embedder, Verifier verifier, VectorIndex.Factory indexes,
                                java.util.function.LongSupplier nanos) {
        return create(s, embedder, verifier, indexes, nanos, DEFERRED_STORES_PER_THREAD * s.poolThreads());
    }

    /** The same with room for {@code deferredStores} stores waiting for an idle pool (tests: a small queue to fill). */
    static SemanticCache create(SemanticSettings s, Embedder embedder, Verifier verifier, VectorIndex.Factory indexes,
                                java.util.function.LongSupplier nanos, int deferredStores) {
        return new SemanticCache(s, embedder, verifier, QuestionGuards.all(), indexes, nanos, deferredStores);
    }

    /**
     * Starts the pool's threads and runs one embedding on one of them, waiting for it; returns how long that took in
     * milliseconds. Called once before the gateway listens (in-process embedders only: an embedding alias would be a
     * metered provider call). Without it the first lookup after a start paid the thread's start, the ONNX session's
     * first run and the class loading behind a lookup (2026-12-07, a loaded 2-core VM: first cached requests 72-147 ms
     * before, 68-108 ms after, within the noise; but in a bare run the thread's start alone outlasted the 20 ms start
     * budget, so the first lookup was a busy miss). The vector is not kept: the text is no user's question. It also
     * embeds the word-swap guard's kinds (about 75 short texts), which the first pair that guard judged paid before.
     */
    public long warmUp() {
        long t0 = System.nanoTime();
        pool.prestartAllCoreThreads();
        try {
            pool.submit(() -> {
                embedder.embed("How do I warm up a sentence embedding model?");
                guards.check("How do I warm up a model?", "How do I warm a model up?"); // the guards' classes and patterns
                guards.prepareWords(); // the word-swap guard's kinds: ~0.4 s the first judged pair paid before
            }).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("semantic cache: the warm-up embedding failed ({}); the first lookup pays the model's first run", e.getCause().toString());
        } catch (java.util.concurrent.TimeoutException | RejectedExecutionException e) {
            log.warn("semantic cache: the warm-up embedding did not finish ({}); the first lookup pays the model's first run", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    public SemanticSettings settings() { return settings; }

    public double threshold() { return threshold; }

    /**
     * The stored answer to a question with the same meaning asked in the same context, or empty (nothing close, the
     * guards refused, verification said no, or the pool was busy). Completes on the caller's Vert.x context.
     */
    public Future<Optional<SemanticMatch>> lookup(String namespace, String contextHash, String question) {
        return lookup(namespace, contextHash, question, Long.MIN_VALUE);
    }

    /**
     * The same, among entries stored at or after {@code notBeforeMillis} only (a request's {@code s-maxage}): an older
     * one is dropped before the guards and the verifier, so it costs no verification, counts no hit, and does not hide
     * a younger candidate behind it (review, 2026-12-07: the best match was found, verified, counted as a hit, and then
     * thrown away as too old).
     */
    public Future<Optional<SemanticMatch>> lookup(String namespace, String contextHash, String question, long notBeforeMillis) {
        Context ctx = Vertx.currentContext();
        Future<List<Candidate>> found = offPool(ctx, Work.LOOKUP, () -> candidates(namespace, contextHash, question, notBeforeMillis));
        return found.compose(cs -> decide(cs, question, 0)).map(m -> {
            (m.isPresent() ? hits : misses).increment();
            return m;
        });
    }

    /** Shares this cache's entries and flushes with other gateways from now on (the cache closes it). */
    public void share(SharedIndex index) { this.shared = index; }

    /** The vector index: {@code lucene} or {@code pgvector}. */
    public String indexName() { return indexFactory.name(); }

    /** Where entries are shared with other gateways, or null (this process only). */
    public String sharedWith() {
        SharedIndex sharing = shared;
        return sharing == null ? null : sharing.describe();
    }

    /** The embedder's name: a shared entry embedded by another model is not comparable and is skipped. */
    public String embedderName() { return embedder.name(); }

    /** The flush count now: a request takes it when it is planned and gives it to {@link #remember}. */
    public long flushStamp() { return flushes.get(); }

    /**
     * The shared stream's position applied here now, or null when not shared: a request takes it when it is planned and
     * gives it to {@link #remember}; every gateway drops the entry if a flush lies between it and the entry.
     */
    public String sharedCursor() {
        SharedIndex sharing = shared;
        return sharing == null ? null : sharing.cursor();
    }

    /** {@link #remember(String, String, String, CachedAnswer, long, String)} of a question asked just now. */
    public Future<Void> remember(String namespace, String contextHash, String question, CachedAnswer answer) {
        return remember(namespace, contextHash, question, answer, flushStamp(), sharedCursor());
    }

    /**
     * Stores the answer to {@code question} (asked in {@code contextHash}) under {@code answer.entryId()}, and shares it
     * when the cache is shared, unless a flush came after {@code stamp} / {@code seen} ({@link #flushStamp},
     * {@link #sharedCursor}, taken when the question was asked). Stored here at once, so this gateway's next lookup
     * finds it; others get it through the {@link SharedIndex}.
     */
    public Future<Void> remember(String namespace, String contextHash, String question, CachedAnswer answer, long stamp,
                                 String seen) {
        if (flushes.get() != stamp) return Future.succeededFuture(); // flushed while the provider answered: not even embedded
        SharedIndex sharing = shared;
        // The lookup of this very request has usually embedded the question already: then storing it is an index insert
        // (microseconds), which is queued on the pool without a lookup's permit, so the next lookup (a client's paraphrase
        // sent right after this answer) runs just after it instead of being skipped as busy, and the entry is not lost to
        // a lookup holding the permit. QA: right after a start, a paraphrase sent after the answer was a miss, and its own
        // answer was not stored either, while the first insert (Lucene's first index) held the pool's one permit.
        float[] known = embeddings.getIfPresent(question);
        long forgetsSeen = forgets.get();
        return offPool(Vertx.currentContext(), known != null ? Work.INSERT : Work.STORE, () -> {
            float[] v = known != null ? known : embed(question);
            flushLock.readLock().lock();
            try {
                if (flushes.get() != stamp) return null; // flushed while embedding: the answer is from before
                Long forgot = forgotten.getIfPresent(answer.entryId());
                if (forgot != null && forgot > forgetsSeen) return null; // deleted while it waited or embedded
                store(new SemanticEntry(answer.entryId(), namespace, contextHash, question, answer), v);
            } finally {
                flushLock.readLock().unlock();
            }
            if (sharing != null && seen != null) sharing.added(namespace, contextHash, question, v, answer, seen);
            return null;
        });
    }

    /**
     * Stores an entry another gateway shared (the {@link SharedIndex} has checked it against the shared flushes). An
     * expired one is skipped, and so is one no newer than the entry already here under its id (this gateway's own,
     * coming back, or an answer since refreshed here). A newer one replaces it: a refresh on another gateway (no-cache,
     * max-age, a repeat after expiry) stores the fresh answer under the same id, and this gateway must serve that one,
     * not the answer the caller asked to refresh (QA: B kept serving the old answer to paraphrases). Off the event loops.
     */
    public void applyShared(String namespace, String contextHash, String question, float[] unitVector, CachedAnswer answer) {
        if (answer.expired(System.currentTimeMillis())) return;
        SemanticEntry here = entries.policy().getIfPresentQuietly(answer.entryId());
        if (here != null && here.answer.createdAtMillis() >= answer.createdAtMillis()) return;
        flushLock.readLock().lock();
        try {
            store(new SemanticEntry(answer.entryId(), namespace, contextHash, question, answer), unitVector);
        } finally {
            flushLock.readLock().unlock();
        }
    }

    private void store(SemanticEntry e, float[] unitVector) {
        indexes.computeIfAbsent(e.namespace, k -> indexFactory.open(k)).add(e.id, e.version, e.context, unitVector);
        entries.put(e.id, e);
    }

    /** Stores an already embedded question (the bench fills 100,000 entries without embedding each). */
    void rememberEmbedded(String namespace, String contextHash, String question, float[] unitVector, CachedAnswer answer) {
        store(new SemanticEntry(answer.entryId(), namespace, contextHash, question, answer), unitVector);
    }

    /** Removes one entry, on every gateway when shared. @return 1 when it was here */
    public int forget(String entryId) {
        SharedIndex sharing = shared;
        if (sharing != null) sharing.forgot(entryId);
        return applyForget(entryId);
    }

    /** Removes one entry here (another gateway asked). @return 1 when it was here */
    public int applyForget(String entryId) {
        SemanticEntry e;
        flushLock.writeLock().lock(); // no store between its check of forgotten and its put
        try {
            forgotten.put(entryId, forgets.incrementAndGet());
            e = entries.asMap().remove(entryId);
        } finally {
            flushLock.writeLock().unlock();
        }
        if (e == null) return 0;
        unindex(e);
        return 1;
    }

    /** Removes a namespace's entries, on every gateway when shared. @return how many were here */
    public int forgetNamespace(String namespace) {
        SharedIndex sharing = shared;
        if (sharing != null) sharing.forgotNamespace(namespace);
        return applyForgetNamespace(namespace);
    }

    /** Removes a namespace's entries here (another gateway asked). @return how many */
    public int applyForgetNamespace(String namespace) {
        flushLock.writeLock().lock();
        try {
            flushes.incrementAndGet(); // also drops other namespaces' remembers in flight: a cache may forget
            int n = 0;
            for (SemanticEntry e : List.copyOf(entries.asMap().values())) {
                if (e.namespace.equals(namespace) && entries.asMap().remove(e.id) != null) n++;
            }
            VectorIndex idx = indexes.remove(namespace);
            if (idx != null) idx.close();
            return n;
        } finally {
            flushLock.writeLock().unlock();
        }
    }

    /** Removes everything, on every gateway when shared. @return how many entries were here */
    public int clear() {
        SharedIndex sharing = shared;
        if (sharing != null) sharing.cleared();
        return applyClear();
    }

    /** Removes everything here (another gateway asked). @return how many entries there were */
    public int applyClear() {
        flushLock.writeLock().lock();
        try {
            flushes.incrementAndGet();
            int n = (int) entries.estimatedSize();
            entries.asMap().clear();
            indexes.values().forEach(VectorIndex::close);
            indexes.clear();
            return n;
        } finally {
            flushLock.writeLock().unlock();
        }
    }

    public Stats stats() {
        entries.cleanUp();
        return new Stats(entries.estimatedSize(), hits.sum(), misses.sum(), skipped.sum(), skippedStores.sum(), guarded.sum(), verifications.sum(),
                refutations.sum(), online != null ? online.currentThreshold() : threshold, grey, embedder.name());
    }

    /** A namespace's index, or null (the bench measures its recall). */
    VectorIndex index(String namespace) { return indexes.get(namespace); }

    /** Segments over all namespaces' indexes (for the bench). */
    int segments() {
        int n = 0;
        for (VectorIndex i : indexes.values()) n += i.segments();
        return n;
    }

    /** Bytes the vector indexes hold, for the memory-per-entry figure. */
    public long indexBytes() {
        long b = 0;
        for (VectorIndex i : indexes.values()) b += i.ramBytes();
        return b;
    }

    @Override
    public void close() {
        SharedIndex sharing = shared;
        if (sharing != null) sharing.close();
        idleTimer.shutdownNow();
        pool.shutdownNow();
        int dropped = 0;
        for (QueuedStore q; (q = deferred.poll()) != null; dropped++) q.refuse().run();
        if (dropped > 0) log.info("semantic cache: closed with {} stores queued; skipped (skipped_store)", dropped);
        indexes.values().forEach(VectorIndex::close);
        indexFactory.close();
    }

    /**
     * A stored question near the one asked, that passed the guards; {@code doubtful}: only a doubt guard stopped it
     * ({@link QuestionGuards.Verdict#doubtful()}), so it is served only if the verifier confirms it.
     */
    private record Candidate(SemanticEntry entry, double similarity, boolean doubtful) {}

    private List<Candidate> candidates(String namespace, String contextHash, String question, long notBeforeMillis) {
        VectorIndex idx = indexes.get(namespace);
        float[] v = embed(question);
        if (idx == null) return List.of();
        List<Candidate> out = new ArrayList<>();
        java.util.function.Predicate<String> inContext = id -> {
            SemanticEntry e = entries.policy().getIfPresentQuietly(id); // not a use: LRU order stays
            return e != null && e.context.equals(contextHash);
        };
        for (VectorIndex.Hit h : idx.nearest(contextHash, v, CANDIDATES, inContext)) {
            if (h.similarity() < grey) break;
            SemanticEntry e = entries.getIfPresent(h.id());
            if (e == null || !e.context.equals(contextHash) || !e.namespace.equals(namespace)) continue;
            if (e.answer.createdAtMillis() < notBeforeMillis) continue; // too old for the request's s-maxage
            QuestionGuards.Verdict verdict = guards.check(e.question, question);
            // a word replaced by another ("python" / "javascript"): it embeds the differing words, so only for a candidate
            // that would be served (at or above the threshold) or verified (a verifier decides from the grey zone up)
            if (verdict == QuestionGuards.Verdict.PASS && (verifier != null || h.similarity() >= threshold)) {
                verdict = guards.checkWords(e.question, question);
            }
            // a doubt ("Alice owes Bob" / "Bob owes Alice", "is" / "was") is not a sure hit: the verifier decides it, and
            // without one it is a miss, as a refusal is
            if (verdict != QuestionGuards.Verdict.PASS && !(verdict.doubtful() && verifier != null)) {
                guarded.increment();
                continue;
            }
            out.add(new Candidate(e, h.similarity(), verdict != QuestionGuards.Verdict.PASS));
        }
        return out;
    }

    /** Tries the candidates best first: served, verified, or passed over. */
    private Future<Optional<SemanticMatch>> decide(List<Candidate> cs, String question, int i) {
        if (i >= cs.size()) return Future.succeededFuture(Optional.empty());
        Candidate c = cs.get(i);
        OnlineThresholds.Decision d;
        if (c.doubtful()) d = OnlineThresholds.Decision.VERIFY; // whatever the similarity: the guards doubt the pair
        else if (online != null) d = online.decide(c.similarity(), c.entry().wrongAt());
        else if (c.similarity() >= threshold) d = OnlineThresholds.Decision.SERVE;
        else d = verifier != null ? OnlineThresholds.Decision.VERIFY : OnlineThresholds.Decision.MISS;
        return switch (d) {
            case SERVE -> Future.succeededFuture(Optional.of(match(c, false)));
            case MISS -> decide(cs, question, i + 1);
            case VERIFY -> verify(c, question).compose(same -> same ? Future.succeededFuture(Optional.of(match(c, true)))
                    : decide(cs, question, i + 1));
        };
    }

    private SemanticMatch match(Candidate c, boolean verified) {
        return new SemanticMatch(c.similarity(), c.entry().id, c.entry().answer, c.entry().question, !settings.shadow(), verified);
    }

    private Future<Boolean> verify(Candidate c, String question) {
        String key = c.entry().question + '\u0000' + question;
        Boolean known = verdicts.getIfPresent(key);
        Future<Boolean> verdict;
        if (known != null) {
            verdict = Future.succeededFuture(known);
        } else {
            verifications.increment();
            verdict = verifier.sameQuestion(c.entry().question, question).otherwise(e -> {
                log.warn("semantic cache: verification failed ({}); treated as a miss", e.getMessage());
                return null;
            }).map(same -> {
                if (same == null) return false;
                verdicts.put(key, same);
                // a doubted pair says nothing about how often a similarity is right: the online mode learns from the others
                if (online != null && !c.doubtful()) online.record(c.similarity(), same);
                return same;
            });
        }
        return verdict.map(same -> {
            if (!same) {
                refutations.increment();
                if (!c.doubtful()) c.entry().wrongAt(c.similarity());
            }
            return same;
        });
    }

    private float[] embed(String question) {
        float[] v = embeddings.getIfPresent(question);
        if (v == null) {
            v = embedder.embed(question);
            embeddings.put(question, v);
        }
        return v;
    }

    private void unindex(SemanticEntry e) {
        VectorIndex idx = indexes.get(e.namespace);
        if (idx != null) idx.delete(e.id, e.version); // this store's vector only: a newer one may be in under the id
    }

    /** What {@link #offPool} runs: a lookup, a store that embeds, an index insert (the vector known). */
    private enum Work { LOOKUP, STORE, INSERT }

    /**
     * Runs blocking work on the pool and completes on the caller's context. A busy pool is a miss ("skipped"), not a
     * wait: the request goes on to the provider at once. Lookups and embedding stores are admitted by a semaphore of one
     * permit a thread, released before the result is handed back, so no embedding ever waits for another. Index inserts
     * (storing a question whose vector is known: no embedding) take no such permit, so the lookup of a paraphrase sent
     * right after an answer is not refused while that answer is inserted; they are bounded instead, two a thread queued
     * or running, and a lookup that waited behind them past {@link #startBudgetNanos} is a busy miss without embedding
     * anything (review, 2026-12-07: a lookup could wait behind 64 inserts, each of a new namespace opening an index).
     * An embedding store that is not admitted waits in {@link #deferred} for a free permit after a lull in lookups
     * ({@link #runDeferred}); it is skipped when that queue is full, when a lookup is refused while stores hold the pool
     * (the oldest queued one), when it waited past {@link #QUEUED_STORE_MAX_AGE_NANOS}, or at {@link #close}. Skipped
     * lookups count in {@code skipped_busy}, skipped stores in {@code skipped_store}.
     */
    private <T> Future<T> offPool(Context ctx, Work kind, Supplier<T> work) {
        Semaphore admission = kind == Work.INSERT ? pendingInserts : permits;
        Promise<T> p = Promise.promise();
        if (kind == Work.LOOKUP) lastLookupNanos = nanos.getAsLong(); // admitted or refused: lookups are coming
        if (!admission.tryAcquire()) {
            // a lookup refused while stores hold the pool: the queue is more than the lulls can take, so it shrinks
            if (kind == Work.LOOKUP && storesHolding.get() > 0) dropOldestQueued();
            // an insert past its cap is skipped as before: inserts are microseconds, two a thread are rarely all taken, and
            // a deferred one would take a lookup's permit
            if (kind != Work.STORE || !deferredSlots.tryAcquire()) {
                (kind == Work.LOOKUP ? skipped : skippedStores).increment();
                return Future.failedFuture(new Busy());
            }
            deferred.add(new QueuedStore(nanos.getAsLong(), () -> run(ctx, kind, permits, p, work), () -> {
                skippedStores.increment();
                complete(ctx, () -> p.fail(new Busy()));
            }));
            runDeferred();
            return p.future();
        }
        if (kind == Work.STORE) storesHolding.incrementAndGet();
        run(ctx, kind, admission, p, work);
        return p.future();
    }

    /** Runs {@code work} on the pool, {@code admission} held (released when it ends), and completes {@code p} on {@code ctx}. */
    private <T> void run(Context ctx, Work kind, Semaphore admission, Promise<T> p, Supplier<T> work) {
        long admitted = nanos.getAsLong();
        try {
            pool.execute(() -> {
                if (kind == Work.LOOKUP && nanos.getAsLong() - admitted > startBudgetNanos) {
                    released(kind, admission);
                    skipped.increment();
                    complete(ctx, () -> p.fail(new Busy()));
                    return;
                }
                T r;
                try {
                    r = work.get();
                } catch (RuntimeException e) {
                    released(kind, admission);
                    log.warn("semantic cache: {}", e.toString());
                    complete(ctx, () -> p.fail(e));
                    return;
                }
                released(kind, admission);
                complete(ctx, () -> p.complete(r));
            });
        } catch (RejectedExecutionException closed) {
            if (kind == Work.STORE) storesHolding.decrementAndGet();
            admission.release();
            complete(ctx, () -> p.fail(new Busy()));
        }
    }

    /** Gives {@code admission} back, then lets a deferred store take a permit if lookups have paused. */
    private void released(Work kind, Semaphore admission) {
        if (kind == Work.STORE) storesHolding.decrementAndGet();
        admission.release();
        runDeferred();
    }

    /**
     * Starts deferred stores while a permit is free and no lookup was admitted or refused for
     * {@link #startBudgetNanos} (a lull); before the lull, it asks {@link #idleTimer} to look again when it may have
     * come. Called after a store is deferred, after any work ends and by the timer: a store deferred just as the last
     * permit was given back is seen by one of them (each side changes its state first, then looks at the other's).
     * So a lookup finds the permit a finished lookup gave back, not a store started the moment it was free.
     */
    private void runDeferred() {
        while (!deferred.isEmpty()) {
            long quiet = nanos.getAsLong() - lastLookupNanos;
            if (quiet < startBudgetNanos) {
                lookAgainIn(startBudgetNanos - quiet);
                return;
            }
            if (!permits.tryAcquire()) return; // whoever holds it looks again when it gives it back
            QueuedStore next = deferred.poll();
            if (next == null) {
                permits.release(); // another thread took it first; look again
                continue;
            }
            deferredSlots.release();
            if (nanos.getAsLong() - next.queuedAt() > QUEUED_STORE_MAX_AGE_NANOS) {
                permits.release();
                next.refuse().run();
                continue;
            }
            storesHolding.incrementAndGet();
            next.start().run(); // run(...): hands the work to the pool, holding the permit just taken
        }
    }

    /** Runs {@link #runDeferred} after {@code nanos} (at least a millisecond), unless a look is already due. */
    private void lookAgainIn(long delayNanos) {
        if (!idleCheckPending.compareAndSet(false, true)) return;
        try {
            idleTimer.schedule(() -> {
                idleCheckPending.set(false);
                runDeferred();
            }, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            idleCheckPending.set(false);
        }
    }

    /** Skips the oldest queued store (a lookup was refused while stores held the pool). */
    private void dropOldestQueued() {
        QueuedStore oldest = deferred.poll();
        if (oldest == null) return;
        deferredSlots.release();
        oldest.refuse().run();
    }

    /** A store waiting in {@link #deferred}: {@code start} hands it to the pool; {@code refuse} skips it (counted). */
    private record QueuedStore(long queuedAt, Runnable start, Runnable refuse) {}

    private static void complete(Context ctx, Runnable r) {
        if (ctx != null) ctx.runOnContext(v -> r.run());
        else r.run();
    }

    /** The pool was full: the lookup or store was skipped. */
    public static final class Busy extends RuntimeException {
        Busy() { super("semantic cache busy", null, false, false); }
    }
}
